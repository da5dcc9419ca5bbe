import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encryptedFileVault, KEY_FILE_NAME } from '../src/main/core/secrets/encrypted-file-vault.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'out', 'cli', 'switchyard.mjs');
const PASSPHRASE = 'correct horse 7f3a';
const SECRET = 'sk-prompt-canary-5c1e9d';

const root = mkdtempSync(join(tmpdir(), 'switchyard-prompt-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let dirCount = 0;
function tempDir(): string {
  return join(root, `d${dirCount++}`);
}

/** No OS keychain (the D-Bus address leads nowhere) and no passphrase in the environment. */
function noKeychainEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/switchyard-test-bus', SHELL: '/bin/sh' };
  delete env.SWITCHYARD_VAULT_PASSPHRASE;
  delete env.SWITCHYARD_VAULT;
  return env;
}

const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

interface PtyRun {
  /** Waits (bounded) for the text to appear after everything already waited for; returns the transcript so far. */
  waitFor(text: string): Promise<string>;
  type(line: string): void;
  /** Waits (bounded) for the exit; the process is killed if it does not come. */
  exit(): Promise<{ code: number | null; transcript: string }>;
}

const running: ChildProcessWithoutNullStreams[] = [];
// SIGTERM first: `script` relays it to the CLI, which SIGKILL would orphan.
afterEach(async () => {
  for (const child of running.splice(0)) {
    if (child.exitCode !== null) continue;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  }
});

/**
 * The CLI with a pseudo-terminal as its controlling terminal (util-linux `script`); `stdinFile`
 * becomes its stdin, so what is typed reaches it only through /dev/tty.
 */
function runInPty(args: string[], stdinFile?: string): PtyRun {
  const command = [process.execPath, CLI, ...args].map(quote).join(' ') + (stdinFile ? ` < ${quote(stdinFile)}` : '');
  const child = spawn('/usr/bin/script', ['-qfec', command, '/dev/null'], { env: noKeychainEnv() });
  running.push(child);
  let transcript = '';
  let seen = 0;
  child.stdout.on('data', (d: Buffer) => (transcript += d.toString()));
  child.stderr.on('data', (d: Buffer) => (transcript += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  return {
    async waitFor(text) {
      const deadline = Date.now() + 60_000;
      while (transcript.indexOf(text, seen) < 0) {
        if (child.exitCode !== null || Date.now() > deadline) {
          throw new Error(`"${text}" did not appear; transcript:\n${transcript}`);
        }
        await new Promise((r) => setTimeout(r, 25));
      }
      seen = transcript.indexOf(text, seen) + text.length;
      return transcript;
    },
    type(line) {
      child.stdin.write(`${line}\r`);
    },
    async exit() {
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      const code = await exited;
      clearTimeout(timer);
      return { code, transcript };
    },
  };
}

function writeSecret(): string {
  const file = join(root, `secret-${dirCount++}`);
  writeFileSync(file, SECRET);
  return file;
}

describe('passphrase prompt on the controlling terminal', () => {
  it('asks twice for a new key file, stores the key from stdin, then unlocks with one answer', async () => {
    const dataDir = tempDir();
    const set = runInPty(['keys', 'set', 'openai', '--data-dir', dataDir], writeSecret());
    await set.waitFor('New passphrase: ');
    set.type(PASSPHRASE);
    await set.waitFor('Repeat the passphrase: ');
    set.type(PASSPHRASE);
    const stored = await set.exit();
    expect(stored.code).toBe(0);
    expect(stored.transcript).toContain('stored a key for "openai" in the encrypted key file');

    const keyFile = join(dataDir, KEY_FILE_NAME);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const onDisk = readFileSync(keyFile, 'utf8');
    expect(onDisk).not.toContain(SECRET);
    expect(onDisk).not.toContain(PASSPHRASE);
    expect(await encryptedFileVault({ dataDir, passphrase: PASSPHRASE }).list('openai')).toEqual([SECRET]);

    const list = runInPty(['keys', 'list', '--data-dir', dataDir]);
    await list.waitFor('Passphrase: ');
    list.type(PASSPHRASE);
    const listed = await list.exit();
    expect(listed.code).toBe(0);
    expect(listed.transcript).toContain('openai\t1 key(s)');
    expect(listed.transcript).not.toContain('Repeat');
    // Echo was off: what was typed never reached the screen.
    for (const transcript of [stored.transcript, listed.transcript]) {
      expect(transcript).not.toContain(PASSPHRASE);
      expect(transcript).not.toContain(SECRET);
    }
  }, 120_000);

  it('asks again when the two new passphrases differ', async () => {
    const dataDir = tempDir();
    const set = runInPty(['keys', 'add', 'openai', '--data-dir', dataDir], writeSecret());
    await set.waitFor('New passphrase: ');
    set.type(PASSPHRASE);
    await set.waitFor('Repeat the passphrase: ');
    set.type(`${PASSPHRASE}x`);
    await set.waitFor('The two passphrases differ.');
    await set.waitFor('New passphrase: ');
    set.type(PASSPHRASE);
    await set.waitFor('Repeat the passphrase: ');
    set.type(PASSPHRASE);
    expect((await set.exit()).code).toBe(0);
    expect(await encryptedFileVault({ dataDir, passphrase: PASSPHRASE }).list('openai')).toEqual([SECRET]);
  }, 120_000);

  it('gives up after three wrong passphrases with a clear message and leaves the file alone', async () => {
    const dataDir = tempDir();
    await encryptedFileVault({ dataDir, passphrase: PASSPHRASE }).add('openai', SECRET);
    const before = readFileSync(join(dataDir, KEY_FILE_NAME), 'utf8');

    const rm = runInPty(['keys', 'rm', 'openai', '--data-dir', dataDir]);
    for (let i = 1; i <= 3; i++) {
      await rm.waitFor('Passphrase: ');
      rm.type(`wrong guess ${i}`);
      if (i < 3) await rm.waitFor('Wrong passphrase.');
    }
    const { code, transcript } = await rm.exit();
    expect(code).toBe(1);
    expect(transcript).toContain(`Cannot decrypt ${join(dataDir, KEY_FILE_NAME)} after 3 attempts: the passphrase is wrong`);
    expect(transcript).not.toContain('wrong guess');
    expect(transcript).not.toContain('removed');
    expect(readFileSync(join(dataDir, KEY_FILE_NAME), 'utf8')).toBe(before);
  }, 120_000);

  it('serve asks before it listens and then runs without the missing-store warning', async () => {
    const dataDir = tempDir();
    const serve = runInPty(['serve', '--port', '0', '--data-dir', dataDir]);
    await serve.waitFor('New passphrase: ');
    serve.type(PASSPHRASE);
    await serve.waitFor('Repeat the passphrase: ');
    serve.type(PASSPHRASE);
    const transcript = await serve.waitFor('Switchyard listening on http://127.0.0.1:');
    expect(transcript).not.toContain('warning: provider keys');
    // Ctrl-C at the terminal: the line discipline sends SIGINT, serve shuts down cleanly.
    serve.type('\x03');
    await serve.waitFor('SIGINT: finishing in-flight requests');
    expect((await serve.exit()).transcript).not.toContain(PASSPHRASE);
  }, 120_000);
});

describe('serve checks its config before asking', () => {
  // A broken config used to be reported only after the passphrase had been typed (twice).
  it('reports a bad config file without asking for a passphrase first', async () => {
    const dataDir = tempDir();
    const config = join(root, `bad-config-${dirCount++}.json`);
    writeFileSync(config, JSON.stringify({ providers: { x: { type: 'no-such-type' } } }));
    const serve = runInPty(['serve', '--port', '0', '--data-dir', dataDir, '--config', config]);
    const { code, transcript } = await serve.exit();
    expect(code).not.toBe(0);
    expect(transcript).toContain(config);
    expect(transcript).toContain('providers.x.type');
    expect(transcript).not.toContain('passphrase');
  }, 120_000);
});

describe('without a terminal nothing is asked', () => {
  it('keys set refuses with the existing guidance instead of waiting for an answer', () => {
    const dataDir = tempDir();
    const result = spawnSync(process.execPath, [CLI, 'keys', 'set', 'openai', '--data-dir', dataDir], {
      input: SECRET,
      env: noKeychainEnv(),
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.signal).toBeNull();
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('No OS keychain is reachable');
    expect(result.stderr).toContain('set SWITCHYARD_VAULT_PASSPHRASE to keep keys in an encrypted file');
    expect(result.stderr).not.toMatch(/passphrase: /i);
    expect(result.stderr).not.toContain(SECRET);
    expect(existsSync(join(dataDir, KEY_FILE_NAME))).toBe(false);
  });

  it('serve starts with the warning', async () => {
    const dataDir = tempDir();
    const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--data-dir', dataDir], { env: noKeychainEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    running.push(child);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const deadline = Date.now() + 60_000;
    while (!out.includes('Switchyard listening on') && child.exitCode === null && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(out).toContain('warning: provider keys: No OS keychain is reachable');
    expect(out).toContain('Switchyard listening on');
    expect(out).not.toMatch(/passphrase: /i);
  }, 90_000);
});
