/**
 * What another user of this machine can reach without a browser: the gateway's files in the
 * data dir, the listening socket, and what a client learns from errors about the vault.
 */
import { afterEach, describe, expect, it } from 'vitest';
import net from 'node:net';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../src/main/core/config/load-config.js';
import { startGateway, type RunningGateway } from '../src/main/core/gateway.js';
import { serverInfoPath, usageDbPath } from '../src/main/core/paths.js';
import { AppKeyStore } from '../src/main/core/secrets/app-keys.js';
import { encryptedFileVault, KEY_FILE_NAME } from '../src/main/core/secrets/encrypted-file-vault.js';
import { openDb } from '../src/main/core/usage/usage-db.js';
import { memoryVault } from './helpers/memory-vault.js';
import { rawRequest } from './helpers/raw-request.js';

const posix = process.platform !== 'win32';
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-files-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function start(dataDir: string, opts: Partial<Parameters<typeof startGateway>[0]> = {}): Promise<RunningGateway> {
  const gateway = await startGateway({
    dataDir,
    config: parseConfig(JSON.stringify({ providers: { local: { type: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1', models: ['m'] } } }), 'test.json'),
    port: 0,
    vault: memoryVault(),
    env: {},
    ...opts,
  });
  cleanups.push(() => gateway.close());
  return gateway;
}

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe.runIf(posix)('file modes', () => {
  it('creates a missing data dir private and keeps server.json and the usage database private', async () => {
    const dataDir = join(tempDir(), 'nested', 'switchyard');
    const gateway = await start(dataDir);
    expect(modeOf(dataDir)).toBe(0o700);
    expect(modeOf(serverInfoPath(dataDir))).toBe(0o600);
    expect(JSON.parse(readFileSync(serverInfoPath(dataDir), 'utf8'))).toEqual({ url: gateway.url, port: gateway.port, pid: process.pid });
    for (const suffix of ['', '-wal', '-shm']) {
      const path = usageDbPath(dataDir) + suffix;
      expect(existsSync(path), path).toBe(true);
      expect(modeOf(path), path).toBe(0o600);
    }
  });

  it('keeps its files private in a data dir that others may list', async () => {
    const dataDir = join(tempDir(), 'shared');
    mkdirSync(dataDir, { mode: 0o755 });
    chmodSync(dataDir, 0o755);
    // A database left readable by an earlier version is made private too.
    writeFileSync(usageDbPath(dataDir), '');
    chmodSync(usageDbPath(dataDir), 0o644);
    await start(dataDir);
    for (const path of [serverInfoPath(dataDir), usageDbPath(dataDir), `${usageDbPath(dataDir)}-wal`, `${usageDbPath(dataDir)}-shm`]) {
      expect(modeOf(path), path).toBe(0o600);
    }
  });
});

describe('listening socket', () => {
  it('binds 127.0.0.1 only: other loopback addresses and ::1 are refused', async () => {
    const gateway = await start(tempDir());
    expect(gateway.url).toBe(`http://127.0.0.1:${gateway.port}`);
    const refused = (hostname: string) =>
      new Promise<boolean>((resolve) => {
        const socket = net.connect({ host: hostname, port: gateway.port });
        socket.once('connect', () => {
          socket.destroy();
          resolve(false);
        });
        socket.once('error', () => resolve(true));
      });
    // Linux routes all of 127/8 to loopback, so a wildcard bind would answer on 127.0.0.2.
    const others = process.platform === 'linux' ? ['127.0.0.2', '::1'] : ['::1'];
    for (const other of others) expect(await refused(other), other).toBe(true);
  });
});

describe('vault errors', () => {
  it('tell a client the vault failed without the path of the key file', async () => {
    const dataDir = tempDir();
    writeFileSync(join(dataDir, KEY_FILE_NAME), 'not json');
    const gateway = await start(dataDir, { vault: encryptedFileVault({ dataDir, passphrase: 'correct horse' }) });
    const db = openDb(usageDbPath(dataDir));
    const key = new AppKeyStore(db).create({ name: 'client' }).key;
    db.close();
    const res = await rawRequest(gateway.port, {
      method: 'POST',
      path: '/v1/chat/completions',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'local/m', messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(res.status).toBe(503);
    const body = JSON.parse(res.body) as { error: { code: number; message: string; metadata: Record<string, unknown> } };
    expect(body.error).toMatchObject({ code: 503, metadata: { reason: 'vault_error', provider: 'local' } });
    expect(body.error.message).toContain('local');
    expect(res.body).not.toContain(dataDir);
    expect(res.body).not.toContain(KEY_FILE_NAME);
  });
});
