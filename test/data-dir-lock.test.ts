import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { acquireDataDirLock, DataDirLockedError, readHolder } from '../src/main/core/data-dir-lock.js';
import { runCli, startServe, type ServeProcess } from './helpers/cli.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const VAULT_ENV = { SWITCHYARD_VAULT_PASSPHRASE: 'data-dir-lock-test-passphrase' };

let dir: string;
const running: ServeProcess[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'switchyard-lock-'));
});
afterAll(async () => {
  for (const serve of running) if (serve.child.exitCode === null) await serve.stop();
  rmSync(dir, { recursive: true, force: true });
});

function serverInfo(dataDir: string): { url: string; pid: number } {
  return JSON.parse(readFileSync(join(dataDir, 'server.json'), 'utf8')) as { url: string; pid: number };
}

/** A second `switchyard serve` run to its end (it must not start); bounded in time. */
function runSecondServe(dataDir: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'src/main/core/cli.ts'), 'serve', '--data-dir', dataDir], {
    env: { ...process.env, ...VAULT_ENV },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}

describe('one gateway per data dir, with real serve processes', () => {
  it('refuses a second serve on the same dir, naming the process that holds it', async () => {
    const dataDir = join(dir, 'shared-dir');
    const first = await startServe(['--port', '0'], dataDir, VAULT_ENV);
    running.push(first);
    const { pid } = serverInfo(dataDir);

    const second = await runSecondServe(dataDir);
    expect(second.code).toBe(1);
    expect(second.stdout).not.toContain('listening');
    expect(second.stderr).toContain(`in use by switchyard serve (pid ${pid} on ${hostname()}`);
    expect(second.stderr).toContain(`serving ${first.url}`);

    // The first one is untouched: its server.json, its lock, and it still answers.
    expect(serverInfo(dataDir).pid).toBe(pid);
    expect(readHolder(join(dataDir, 'gateway.lock'))?.pid).toBe(pid);
    expect((await fetch(`${first.url}/v1/models`)).status).toBe(401);

    // Other commands share the dir with a running server by design (DESIGN §2).
    expect(runCli(['usage', '--json', '--data-dir', dataDir], { env: VAULT_ENV }).status).toBe(0);

    expect(await first.stop()).toBe(0);
    expect(existsSync(join(dataDir, 'gateway.lock'))).toBe(false);
  }, 120_000);

  it('takes over the stale lock of a serve that was killed', async () => {
    const dataDir = join(dir, 'crashed-dir');
    const crashed = await startServe(['--port', '0'], dataDir, VAULT_ENV);
    running.push(crashed);
    const { pid } = serverInfo(dataDir);
    process.kill(pid, 'SIGKILL');
    const deadline = Date.now() + 20_000;
    while (crashed.child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(readHolder(join(dataDir, 'gateway.lock'))?.pid).toBe(pid);

    const next = await startServe(['--port', '0'], dataDir, VAULT_ENV);
    running.push(next);
    const info = serverInfo(dataDir);
    expect(info.pid).not.toBe(pid);
    expect(readHolder(join(dataDir, 'gateway.lock'))?.pid).toBe(info.pid);
    expect(await next.stop()).toBe(0);
  }, 120_000);
});

describe('acquireDataDirLock', () => {
  it('refuses a second holder in one process and frees the dir on release', () => {
    const dataDir = join(dir, 'in-process');
    mkdirSync(dataDir);
    const lock = acquireDataDirLock(dataDir, 'first');
    expect(() => acquireDataDirLock(dataDir, 'second')).toThrow(DataDirLockedError);
    lock.release();
    acquireDataDirLock(dataDir, 'third').release();
    expect(existsSync(lock.path)).toBe(false);
  });

  it('treats a live pid with another start time as a reused pid, and takes the lock', () => {
    const dataDir = join(dir, 'reused-pid');
    mkdirSync(dataDir);
    const lockPath = join(dataDir, 'gateway.lock');
    writeFileSync(lockPath, JSON.stringify({ pid: process.pid, startedAt: 1, host: hostname(), app: 'long gone' }));
    const lock = acquireDataDirLock(dataDir, 'this test');
    expect(readHolder(lockPath)?.app).toBe('this test');
    lock.release();
  });

  it('does not remove a lock that another process has since taken over', () => {
    const dataDir = join(dir, 'taken-over');
    mkdirSync(dataDir);
    const lock = acquireDataDirLock(dataDir, 'this test');
    const other = JSON.stringify({ pid: process.ppid, startedAt: 5, host: hostname(), app: 'another one' });
    writeFileSync(lock.path, other);
    lock.release();
    expect(readFileSync(lock.path, 'utf8')).toBe(other);
  });

  it('assumes a lock from another host is held (its pid cannot be checked from here)', () => {
    const dataDir = join(dir, 'network-share');
    mkdirSync(dataDir);
    writeFileSync(join(dataDir, 'gateway.lock'), JSON.stringify({ pid: 999_999, startedAt: 1, host: 'elsewhere', app: 'switchyard serve' }));
    expect(() => acquireDataDirLock(dataDir)).toThrow(/in use by switchyard serve \(pid 999999 on elsewhere/);
  });
});
