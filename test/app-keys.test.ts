import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppKeyStore } from '../src/main/core/secrets/app-keys.js';
import { openDb, type Db } from '../src/main/core/usage/usage-db.js';

let dir: string;
let server: Db;
let cli: Db;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'switchyard-app-keys-'));
  server = openDb(join(dir, 'usage.db'));
  cli = openDb(join(dir, 'usage.db'));
});
afterEach(() => {
  vi.useRealTimers();
  server.close();
  cli.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('app keys', () => {
  it('stores only a hash and a 4-character hint', () => {
    const store = new AppKeyStore(server);
    const { key } = store.create({ name: 'cursor' });
    expect(key).toMatch(/^sk-sy-[\w-]{43}$/);
    const row = server.prepare('SELECT * FROM app_keys').get() as Record<string, unknown>;
    expect(JSON.stringify(row)).not.toContain(key.slice(6, 20));
    expect((row.key_hash as Buffer).length).toBe(32);
    expect(row.key_hint).toBe(key.slice(-4));
  });

  it('verifies the exact key only', () => {
    const store = new AppKeyStore(server);
    const { key } = store.create({ name: 'cursor' });
    expect(store.verify(key)?.name).toBe('cursor');
    const flipped = key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');
    expect(store.verify(flipped)).toBeUndefined();
    expect(store.verify('sk-sy-short')).toBeUndefined();
    expect(store.verify(`${key} `)).toBeUndefined();
  });

  it('honours a revoke or disable by another process within the recheck interval (time is the subject)', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const serverStore = new AppKeyStore(server);
    const cliStore = new AppKeyStore(cli);
    const { key } = cliStore.create({ name: 'agent' });
    expect(serverStore.verify(key)?.name).toBe('agent');
    cliStore.revoke('agent');
    vi.advanceTimersByTime(150);
    expect(serverStore.verify(key)).toBeUndefined();

    const second = cliStore.create({ name: 'agent2' }).key;
    vi.advanceTimersByTime(150);
    expect(serverStore.verify(second)?.name).toBe('agent2');
    cliStore.setDisabled('agent2', true);
    vi.advanceTimersByTime(150);
    expect(serverStore.verify(second)).toBeUndefined();
  });

  it('sees its own revokes at once', () => {
    const store = new AppKeyStore(server);
    const { key } = store.create({ name: 'x' });
    expect(store.verify(key)).toBeDefined();
    store.revoke('x');
    expect(store.verify(key)).toBeUndefined();
  });

  it('allows a new key under a revoked name but not two active keys with one name', () => {
    const store = new AppKeyStore(server);
    store.create({ name: 'dup' });
    expect(() => store.create({ name: 'dup' })).toThrow(/already exists/);
    store.revoke('dup');
    expect(store.create({ name: 'dup' }).appKey.name).toBe('dup');
  });
});
