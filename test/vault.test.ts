import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cachedVault } from '../src/main/core/secrets/cached-vault.js';
import { encryptedFileVault, KEY_FILE_NAME } from '../src/main/core/secrets/encrypted-file-vault.js';
import { parseAccount } from '../src/main/core/secrets/keychain-accounts.js';
import { loadKeytar, probeKeychain, type KeychainProbe, type KeytarApi } from '../src/main/core/secrets/keychain-probe.js';
import { keychainVault } from '../src/main/core/secrets/keychain-vault.js';
import { assertProviderId, normalizeSecret } from '../src/main/core/secrets/key-validation.js';
import { KEYCHAIN_SERVICE, VaultError, type KeyVault } from '../src/main/core/secrets/key-vault.js';
import { openVault } from '../src/main/core/secrets/open-vault.js';
import { withWriteLock } from '../src/main/core/secrets/write-lock.js';

// Probed once at load time (not in beforeAll) because describe.runIf needs the answer
// while tests are being collected. Bounded: a missing D-Bus can hang instead of failing.
const osKeychain = await probeKeychain(3_000);
const osKeychainProblem = osKeychain.reachable ? undefined : osKeychain.reason;
// Under CI the real-keychain tests run whatever the probe says: a missing keytar or D-Bus
// there fails them instead of quietly turning them into "skipped".
const keychainRequired = process.env.CI === 'true';

const canary = (label: string) => `sk-test-canary-${label}-${randomBytes(8).toString('hex')}`;
const PASSPHRASE = 'correct horse battery staple';

let dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'switchyard-vault-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  dirs = [];
});

async function vaultError(promise: Promise<unknown>): Promise<VaultError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(VaultError);
  return err as VaultError;
}

function thrownBy(fn: () => unknown): VaultError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(VaultError);
    return err as VaultError;
  }
  throw new Error('expected a VaultError');
}

/** Stands in for the OS keychain; answers asynchronously and in reverse order, as a real one may. */
function memoryKeytar(): KeytarApi & { accounts(): Record<string, string> } {
  const store = new Map<string, string>();
  const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
  const id = (service: string, account: string) => `${service}\u0000${account}`;
  return {
    async getPassword(service, account) {
      await tick();
      return store.get(id(service, account)) ?? null;
    },
    async setPassword(service, account, password) {
      await tick();
      store.set(id(service, account), password);
    },
    async deletePassword(service, account) {
      await tick();
      return store.delete(id(service, account));
    },
    async findCredentials(service) {
      await tick();
      return [...store]
        .filter(([key]) => key.startsWith(`${service}\u0000`))
        .map(([key, password]) => ({ account: key.slice(service.length + 1), password }))
        .reverse();
    },
    accounts() {
      return Object.fromEntries([...store].map(([key, value]) => [key.split('\u0000')[1], value]));
    },
  };
}

const unreachable = async (): Promise<KeychainProbe> => ({ reachable: false, reason: 'test: no Secret Service' });
const never = <T>() => new Promise<T>(() => undefined);

describe('key validation', () => {
  it.each(['', 'OpenAI', 'open ai', 'openai#2', 'a/b', 'é', 'x'.repeat(65)])('rejects provider id %j', (id) => {
    expect(thrownBy(() => assertProviderId(id)).code).toBe('invalid-provider-id');
  });

  it('accepts lowercase ids up to 64 characters', () => {
    for (const id of ['openai', 'my-provider_1.eu', 'x'.repeat(64)]) expect(() => assertProviderId(id)).not.toThrow();
  });

  it('strips trailing newlines only', () => {
    expect(normalizeSecret('sk-abc\n')).toBe('sk-abc');
    expect(normalizeSecret('sk-abc\r\n')).toBe('sk-abc');
    expect(normalizeSecret('sk-abc\n\n')).toBe('sk-abc');
  });

  it.each([
    ['empty', ''],
    ['only a newline', '\n'],
    ['a leading space', ' sk-test-canary-x'],
    ['an inner space', 'sk-test canary-x'],
    ['a tab', 'sk-test-canary\tx'],
    ['an inner newline', 'sk-test-canary\nx'],
    ['a NUL', 'sk-test-canary\u0000x'],
    ['a zero-width space', 'sk-test-canary\u200bx'],
    ['over 8 KiB', `sk-test-canary-${'x'.repeat(8192)}`],
  ])('rejects a secret with %s, without quoting it', (_label, secret) => {
    const err = thrownBy(() => normalizeSecret(secret));
    expect(err.code).toBe('invalid-secret');
    if (secret.trim()) expect(err.message).not.toContain(secret.trim());
  });

  it('accepts a secret of exactly 8 KiB', () => {
    expect(normalizeSecret('k'.repeat(8192))).toHaveLength(8192);
  });

  it('rejects invalid input before touching the store', async () => {
    const dataDir = await tempDir();
    const vault = encryptedFileVault({ dataDir, passphrase: PASSPHRASE });
    expect((await vaultError(vault.add('OpenAI', canary('a')))).code).toBe('invalid-provider-id');
    expect((await vaultError(vault.add('openai', 'sk bad'))).code).toBe('invalid-secret');
    expect((await vaultError(vault.list('../etc'))).code).toBe('invalid-provider-id');
    expect(await readdir(dataDir)).toEqual([]);
  });
});

describe('encrypted file vault', () => {
  it('round-trips several keys per provider in insertion order', async () => {
    const dataDir = await tempDir();
    const [a, b, c, g] = [canary('a'), canary('b'), canary('c'), canary('g')];
    const vault = encryptedFileVault({ dataDir, passphrase: PASSPHRASE });
    expect(await vault.list('openai')).toEqual([]);
    await vault.add('openai', a);
    await vault.add('openai', `${b}\n`);
    await vault.add('openai', c);
    await vault.add('openai', a);
    await vault.add('groq', g);
    expect(await vault.list('openai')).toEqual([a, b, c]);
    expect(await vault.providers()).toEqual(['groq', 'openai']);

    const reopened = encryptedFileVault({ dataDir, passphrase: PASSPHRASE });
    expect(await reopened.list('openai')).toEqual([a, b, c]);
    expect(await reopened.list('groq')).toEqual([g]);

    const replacement = canary('r');
    await reopened.set('openai', replacement);
    expect(await vault.list('openai')).toEqual([replacement]);
    expect(await vault.remove('openai')).toBe(1);
    expect(await vault.remove('openai')).toBe(0);
    expect(await vault.providers()).toEqual(['groq']);
  });

  it('keeps provider ids that are special to JavaScript objects as plain data', async () => {
    const dataDir = await tempDir();
    const vault = encryptedFileVault({ dataDir, passphrase: PASSPHRASE });
    const key = canary('proto');
    await vault.add('__proto__', key);
    expect(await encryptedFileVault({ dataDir, passphrase: PASSPHRASE }).list('__proto__')).toEqual([key]);
    expect(await vault.list('constructor')).toEqual([]);
  });

  it('writes an authenticated, private file that does not contain the secrets', async () => {
    const parent = await tempDir();
    const dataDir = join(parent, 'nested', 'data');
    const key = canary('plain');
    const vault = encryptedFileVault({ dataDir, passphrase: PASSPHRASE });
    await vault.add('anthropic', key);

    const file = join(dataDir, KEY_FILE_NAME);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
    const bytes = await readFile(file);
    expect(bytes.includes(key)).toBe(false);
    expect(bytes.includes(Buffer.from(key).toString('base64').slice(0, 16))).toBe(false);
    expect(bytes.includes('anthropic')).toBe(false);
    expect(bytes.includes(PASSPHRASE)).toBe(false);

    const envelope = JSON.parse(bytes.toString('utf8'));
    expect(envelope).toMatchObject({
      format: 'switchyard-keys',
      version: 1,
      kdf: { name: 'scrypt', N: 2 ** 17, r: 8, p: 1 },
      cipher: { name: 'aes-256-gcm' },
    });
    expect(Buffer.from(envelope.kdf.salt, 'base64')).toHaveLength(16);
    expect(Buffer.from(envelope.cipher.iv, 'base64')).toHaveLength(12);
  });

  it('uses a fresh IV for every write and leaves no temp or lock files behind', async () => {
    const dataDir = await tempDir();
    const vault = encryptedFileVault({ dataDir, passphrase: PASSPHRASE });
    const ivs = new Set<string>();
    for (let i = 0; i < 5; i++) {
      await vault.add('openai', canary(`k${i}`));
      ivs.add(JSON.parse(await readFile(join(dataDir, KEY_FILE_NAME), 'utf8')).cipher.iv);
    }
    expect(ivs.size).toBe(5);
    expect(await readdir(dataDir)).toEqual([KEY_FILE_NAME]);
  });

  it('fails clearly on a wrong passphrase and does not overwrite the file', async () => {
    const dataDir = await tempDir();
    const key = canary('wrong');
    await encryptedFileVault({ dataDir, passphrase: PASSPHRASE }).add('openai', key);
    const before = await readFile(join(dataDir, KEY_FILE_NAME));

    const wrong = encryptedFileVault({ dataDir, passphrase: 'not the passphrase' });
    const err = await vaultError(wrong.list('openai'));
    expect(err.code).toBe('wrong-passphrase');
    expect(err.message).toContain('SWITCHYARD_VAULT_PASSPHRASE');
    expect(err.message).not.toContain(key);
    expect(err.message).not.toContain('not the passphrase');
    expect((await vaultError(wrong.add('openai', canary('other')))).code).toBe('wrong-passphrase');
    expect((await vaultError(wrong.providers())).code).toBe('wrong-passphrase');
    expect(await readFile(join(dataDir, KEY_FILE_NAME))).toEqual(before);
  });

  type Envelope = { ciphertext: string; cipher: { iv: string; tag: string }; kdf: { salt: string; N: number } };
  it.each([
    ['ciphertext', (e: Envelope) => (e.ciphertext = flipFirstByte(e.ciphertext))],
    ['auth tag', (e: Envelope) => (e.cipher.tag = flipFirstByte(e.cipher.tag))],
    ['IV', (e: Envelope) => (e.cipher.iv = flipFirstByte(e.cipher.iv))],
    ['salt', (e: Envelope) => (e.kdf.salt = flipFirstByte(e.kdf.salt))],
    ['scrypt cost', (e: Envelope) => (e.kdf.N = 2 ** 16)],
  ])('rejects a file whose %s was modified', async (_label, tamper) => {
    const dataDir = await tempDir();
    await encryptedFileVault({ dataDir, passphrase: PASSPHRASE }).add('openai', canary('t'));
    const file = join(dataDir, KEY_FILE_NAME);
    const envelope = JSON.parse(await readFile(file, 'utf8'));
    tamper(envelope);
    await writeFile(file, JSON.stringify(envelope));
    const err = await vaultError(encryptedFileVault({ dataDir, passphrase: PASSPHRASE }).list('openai'));
    expect(err.code).toBe('wrong-passphrase');
    expect(err.message).toContain('modified');
  });

  it.each([
    ['not JSON', '{"format":'],
    ['a foreign JSON document', '{"keys":{"openai":"sk-test-canary-plaintext"}}'],
    ['an absurd scrypt cost', null],
  ])('rejects a key file that is %s', async (_label, text) => {
    const dataDir = await tempDir();
    const file = join(dataDir, KEY_FILE_NAME);
    if (text === null) {
      await encryptedFileVault({ dataDir, passphrase: PASSPHRASE }).add('openai', canary('n'));
      const envelope = JSON.parse(await readFile(file, 'utf8'));
      Object.assign(envelope.kdf, { N: 2 ** 20, r: 16 }); // 2 GiB: refused before any allocation
      await writeFile(file, JSON.stringify(envelope));
    } else {
      await writeFile(file, text);
    }
    const err = await vaultError(encryptedFileVault({ dataDir, passphrase: PASSPHRASE }).list('openai'));
    expect(err.code).toBe('corrupt-file');
    expect(err.message).toContain(file);
    expect(err.message).not.toContain('sk-test-canary');
  });

  it('loses no key when two processes add at the same time', async () => {
    const dataDir = await tempDir();
    const cli = encryptedFileVault({ dataDir, passphrase: PASSPHRASE });
    const server = encryptedFileVault({ dataDir, passphrase: PASSPHRASE });
    const keys = Array.from({ length: 12 }, (_, i) => canary(`c${i}`));
    await cli.add('openai', keys[0]!);
    await Promise.all(keys.slice(1).map((key, i) => (i % 2 ? cli : server).add('openai', key)));
    const stored = await cli.list('openai');
    expect(stored).toHaveLength(keys.length);
    expect(new Set(stored)).toEqual(new Set(keys));
    expect(stored[0]).toBe(keys[0]);
  });

  it('takes over a lock left behind by a process that died', async () => {
    const dataDir = await tempDir();
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    await writeFile(join(dataDir, 'keys.enc.lock'), `${dead}\n`);
    const vault = encryptedFileVault({ dataDir, passphrase: PASSPHRASE });
    const key = canary('lock');
    await vault.add('openai', key);
    expect(await vault.list('openai')).toEqual([key]);
    expect(await readdir(dataDir)).toEqual([KEY_FILE_NAME]);
  });
});

describe('write lock', () => {
  it('gives up with a clear error while a live process holds it', async () => {
    const lockPath = join(await tempDir(), 'held.lock');
    await writeFile(lockPath, `${process.pid}\n`);
    let ran = false;
    const err = await vaultError(
      withWriteLock(
        lockPath,
        async () => {
          ran = true;
        },
        { waitMs: 50 },
      ),
    );
    expect(err.code).toBe('busy');
    expect(err.message).toContain(`pid ${process.pid}`);
    expect(err.message).toContain(lockPath);
    expect(ran).toBe(false);
  });

  it('runs writers one at a time', async () => {
    const lockPath = join(await tempDir(), 'serial.lock');
    let inside = 0;
    let maxInside = 0;
    await Promise.all(
      Array.from({ length: 6 }, () =>
        withWriteLock(lockPath, async () => {
          maxInside = Math.max(maxInside, ++inside);
          await new Promise((resolve) => setImmediate(resolve));
          inside--;
        }),
      ),
    );
    expect(maxInside).toBe(1);
  });
});

describe('keychain vault (in-memory keychain)', () => {
  it('stores one entry per key: the bare provider id first, then id#2, id#3', async () => {
    const keytar = memoryKeytar();
    const vault = keychainVault(keytar, { dataDir: await tempDir() });
    const [a, b, c] = [canary('a'), canary('b'), canary('c')];
    await vault.add('openai', a);
    await vault.add('openai', b);
    await vault.add('openai', `${c}\n`);
    await vault.add('openai', b);
    expect(keytar.accounts()).toEqual({ openai: a, 'openai#2': b, 'openai#3': c });
    expect(await vault.list('openai')).toEqual([a, b, c]);
  });

  it('orders by slot number, not by how the keychain lists entries', async () => {
    const keytar = memoryKeytar();
    const keys = Array.from({ length: 11 }, (_, i) => canary(`o${i}`));
    for (const [i, key] of keys.entries()) await keytar.setPassword(KEYCHAIN_SERVICE, i ? `groq#${i + 1}` : 'groq', key);
    expect(await keychainVault(keytar, { dataDir: await tempDir() }).list('groq')).toEqual(keys);
  });

  it('ignores entries that are not provider keys and trims a hand-stored newline', async () => {
    const keytar = memoryKeytar();
    const key = canary('hand');
    for (const account of ['#probe', 'OpenAI', 'openai#1', 'openai#02', 'openai#x', 'app-key:main']) {
      await keytar.setPassword(KEYCHAIN_SERVICE, account, canary('foreign'));
    }
    await keytar.setPassword(KEYCHAIN_SERVICE, 'mistral', `${key}\n`);
    await keytar.setPassword('another-app', 'openai', canary('other-service'));
    const vault = keychainVault(keytar, { dataDir: await tempDir() });
    expect(await vault.providers()).toEqual(['mistral']);
    expect(await vault.list('mistral')).toEqual([key]);
    expect(await vault.list('openai')).toEqual([]);
  });

  it('replaces and removes all of a provider’s keys', async () => {
    const keytar = memoryKeytar();
    const vault = keychainVault(keytar, { dataDir: await tempDir() });
    for (const label of ['a', 'b', 'c']) await vault.add('openai', canary(label));
    await vault.add('groq', canary('g'));
    const replacement = canary('r');
    await vault.set('openai', replacement);
    expect(await vault.list('openai')).toEqual([replacement]);
    expect(Object.keys(keytar.accounts()).sort()).toEqual(['groq', 'openai']);
    expect(await vault.remove('openai')).toBe(1);
    expect(await vault.remove('openai')).toBe(0);
    expect(await vault.providers()).toEqual(['groq']);
  });

  it('appends after the highest slot when the first entry was deleted by hand', async () => {
    const keytar = memoryKeytar();
    const vault = keychainVault(keytar, { dataDir: await tempDir() });
    const [a, b, c] = [canary('a'), canary('b'), canary('c')];
    await vault.add('openai', a);
    await vault.add('openai', b);
    await keytar.deletePassword(KEYCHAIN_SERVICE, 'openai');
    await vault.add('openai', c);
    expect(keytar.accounts()).toEqual({ 'openai#2': b, 'openai#3': c });
    expect(await vault.list('openai')).toEqual([b, c]);
  });

  it('gives every concurrent add its own slot', async () => {
    const keytar = memoryKeytar();
    const dataDir = await tempDir();
    const cli = keychainVault(keytar, { dataDir });
    const server = keychainVault(keytar, { dataDir });
    const keys = Array.from({ length: 10 }, (_, i) => canary(`p${i}`));
    await Promise.all(keys.map((key, i) => (i % 2 ? cli : server).add('openai', key)));
    expect(new Set(await cli.list('openai'))).toEqual(new Set(keys));
    expect(Object.keys(keytar.accounts())).toHaveLength(keys.length);
  });

  it('turns a keychain that stops answering into a clear error, and does not pile up stuck calls', async () => {
    const memory = memoryKeytar();
    let answerStuckCall: (() => void) | undefined;
    let started = 0;
    const keytar: KeytarApi = {
      ...memory,
      findCredentials(service) {
        started++;
        if (started > 1) return memory.findCredentials(service);
        return new Promise((resolve) => (answerStuckCall = () => resolve([])));
      },
    };
    const vault = keychainVault(keytar, { dataDir: await tempDir(), callTimeoutMs: 20 });
    const first = await vaultError(vault.list('openai'));
    expect(first.code).toBe('keychain-failed');
    expect(first.message).toContain('no answer within 20 ms');

    const second = await vaultError(vault.providers());
    expect(second.message).toContain('has not answered an earlier call yet');
    expect(started).toBe(1);

    answerStuckCall?.();
    await new Promise((resolve) => setImmediate(resolve));
    expect(await vault.list('openai')).toEqual([]);
    expect(started).toBe(2);
  });
});

describe('keychain probe', () => {
  it('reports a keytar that cannot be loaded', async () => {
    const probe = await probeKeychain(1_000, () => Promise.reject(new Error("Cannot find package 'keytar'")));
    expect(probe).toEqual({ reachable: false, reason: expect.stringContaining('keytar is not installed') });
  });

  it('reports a Secret Service that refuses', async () => {
    const keytar = { ...memoryKeytar(), getPassword: () => Promise.reject(new Error('Cannot autolaunch D-Bus')) };
    const probe = await probeKeychain(1_000, async () => keytar);
    expect(probe).toEqual({ reachable: false, reason: expect.stringContaining('Cannot autolaunch D-Bus') });
  });

  it('gives up on a Secret Service that never answers', async () => {
    const keytar = { ...memoryKeytar(), getPassword: never } as KeytarApi;
    const probe = await probeKeychain(30, async () => keytar);
    expect(probe).toEqual({ reachable: false, reason: expect.stringContaining('did not answer within 30 ms') });
  });
});

describe('openVault', () => {
  async function expectUnavailable(vault: KeyVault): Promise<string> {
    expect(vault.backend).toBe('unavailable');
    const reason = vault.unavailableReason ?? '';
    expect(await vault.list('openai')).toEqual([]);
    expect(await vault.providers()).toEqual([]);
    for (const write of [() => vault.add('openai', canary('u')), () => vault.set('openai', canary('u')), () => vault.remove('openai')]) {
      const err = await vaultError(write());
      expect(err).not.toHaveProperty('status');
      expect(err.code).toBe('unavailable');
      expect(err.message).toBe(reason);
    }
    return reason;
  }

  it('without a keychain or a passphrase, reads nothing and says what to do on writes', async () => {
    const dataDir = await tempDir();
    const reason = await expectUnavailable(await openVault({ dataDir, env: {} }, unreachable));
    expect(reason).toContain('test: no Secret Service');
    expect(reason).toContain('start a Secret Service');
    expect(reason).toContain('SWITCHYARD_VAULT_PASSPHRASE');
    expect(reason).toContain(join(dataDir, KEY_FILE_NAME));
    expect(await readdir(dataDir)).toEqual([]);
  });

  it('asks for the passphrase when an encrypted key file already exists', async () => {
    const dataDir = await tempDir();
    await encryptedFileVault({ dataDir, passphrase: PASSPHRASE }).add('openai', canary('e'));
    const reason = await expectUnavailable(await openVault({ dataDir, env: {} }, unreachable));
    expect(reason).toContain(`SWITCHYARD_VAULT_PASSPHRASE to unlock the encrypted key file ${join(dataDir, KEY_FILE_NAME)}`);
  });

  it('uses the encrypted file when the keychain is unreachable and a passphrase is set', async () => {
    const dataDir = await tempDir();
    const key = canary('f');
    const vault = await openVault({ dataDir, env: { SWITCHYARD_VAULT_PASSPHRASE: PASSPHRASE } }, unreachable);
    expect(vault.backend).toBe('file');
    await vault.add('openai', key);
    expect(await encryptedFileVault({ dataDir, passphrase: PASSPHRASE }).list('openai')).toEqual([key]);
  });

  it('prefers a reachable keychain', async () => {
    const keytar = memoryKeytar();
    const vault = await openVault({ dataDir: await tempDir(), passphrase: PASSPHRASE, env: {} }, async () => ({
      reachable: true,
      keytar,
    }));
    expect(vault.backend).toBe('keychain');
  });

  it('honours SWITCHYARD_VAULT=file without probing the keychain', async () => {
    const probeNever = () => Promise.reject(new Error('must not probe'));
    const env = { SWITCHYARD_VAULT: 'file', SWITCHYARD_VAULT_PASSPHRASE: PASSPHRASE };
    expect((await openVault({ dataDir: await tempDir(), env }, probeNever)).backend).toBe('file');
    const reason = await expectUnavailable(await openVault({ dataDir: await tempDir(), env: { SWITCHYARD_VAULT: 'file' } }, probeNever));
    expect(reason).toContain('SWITCHYARD_VAULT_PASSPHRASE');
  });

  it('never swaps a forced keychain for the file store', async () => {
    const dataDir = await tempDir();
    const env = { SWITCHYARD_VAULT: 'keychain', SWITCHYARD_VAULT_PASSPHRASE: PASSPHRASE };
    const reason = await expectUnavailable(await openVault({ dataDir, env }, unreachable));
    expect(reason).toContain('SWITCHYARD_VAULT=keychain');
    expect(reason).toContain('start a Secret Service');
  });

  it('lets the backend option override the environment', async () => {
    const env = { SWITCHYARD_VAULT: 'keychain' };
    const vault = await openVault({ dataDir: await tempDir(), backend: 'file', passphrase: PASSPHRASE, env }, unreachable);
    expect(vault.backend).toBe('file');
  });

  it('rejects an unknown SWITCHYARD_VAULT value', async () => {
    const err = await vaultError(openVault({ dataDir: await tempDir(), env: { SWITCHYARD_VAULT: 'plaintext' } }, unreachable));
    expect(err.code).toBe('invalid-config');
  });

  describe.runIf(!osKeychain.reachable)('on this machine (no reachable keychain)', () => {
    it('auto-detects that and reports the probe result', async () => {
      const reason = await expectUnavailable(await openVault({ dataDir: await tempDir(), env: {} }));
      expect(reason).toContain(osKeychainProblem);
    });
  });
});

describe('cachedVault', () => {
  function countingVault() {
    const keys = new Map<string, string[]>();
    const reads = { list: 0, providers: 0 };
    let failNext = false;
    const vault: KeyVault = {
      backend: 'keychain',
      async list(providerId) {
        reads.list++;
        await new Promise((resolve) => setImmediate(resolve));
        if (failNext) {
          failNext = false;
          throw new Error('D-Bus hiccup');
        }
        return keys.get(providerId) ?? [];
      },
      async add(providerId, secret) {
        keys.set(providerId, [...(keys.get(providerId) ?? []), secret]);
      },
      async set(providerId, secret) {
        keys.set(providerId, [secret]);
      },
      async remove(providerId) {
        const count = keys.get(providerId)?.length ?? 0;
        keys.delete(providerId);
        return count;
      },
      async providers() {
        reads.providers++;
        return [...keys.keys()].sort();
      },
    };
    return { vault, reads, failOnce: () => (failNext = true) };
  }

  it('serves repeated reads from memory until the TTL passes', async () => {
    const { vault, reads } = countingVault();
    let clock = 1_000;
    const cached = cachedVault(vault, 2_000, () => clock);
    const key = canary('ttl');
    await vault.add('openai', key);
    expect(await cached.list('openai')).toEqual([key]);
    await vault.add('openai', canary('from-cli')); // another process writes behind the cache
    clock += 1_999;
    expect(await cached.list('openai')).toEqual([key]);
    expect(reads.list).toBe(1);
    clock += 1;
    // Expired: served as it was while one background refresh runs; the next read sees the write.
    expect(await cached.list('openai')).toEqual([key]);
    expect(reads.list).toBe(2);
    await new Promise((r) => setImmediate(r));
    expect(await cached.list('openai')).toHaveLength(2);
    expect(reads.list).toBe(2);
  });

  it('never makes a request wait on a slow keychain once a value is cached', async () => {
    const { vault } = countingVault();
    let clock = 0;
    let stall: (() => void) | undefined;
    const slow: typeof vault = {
      ...vault,
      list: async (id) => {
        const keys = await vault.list(id);
        if (clock > 0) await new Promise<void>((resolve) => (stall = resolve));
        return keys;
      },
    };
    const cached = cachedVault(slow, 2_000, () => clock);
    await vault.add('openai', canary('stale-ok'));
    expect(await cached.list('openai')).toHaveLength(1);
    await vault.add('openai', canary('newer'));
    clock = 5_000;
    // The refresh hangs on D-Bus, yet reads answer at once with the last good keys.
    expect(await cached.list('openai')).toHaveLength(1);
    expect(await cached.list('openai')).toHaveLength(1);
    await new Promise((r) => setImmediate(r));
    stall?.();
    await new Promise((r) => setImmediate(r));
    expect(await cached.list('openai')).toHaveLength(2);
  });

  it('shares one read among concurrent misses and hands out copies', async () => {
    const { vault, reads } = countingVault();
    const cached = cachedVault(vault, 2_000, () => 0);
    await vault.add('openai', canary('a'));
    const results = await Promise.all(Array.from({ length: 5 }, () => cached.list('openai')));
    expect(reads.list).toBe(1);
    results[0]!.push('mutated');
    expect(await cached.list('openai')).toHaveLength(1);
  });

  it('makes its own writes visible at once', async () => {
    const { vault, reads } = countingVault();
    const cached = cachedVault(vault, 60_000, () => 0);
    expect(await cached.providers()).toEqual([]);
    expect(await cached.list('openai')).toEqual([]);
    const key = canary('w');
    await cached.add('openai', key);
    expect(await cached.list('openai')).toEqual([key]);
    expect(await cached.providers()).toEqual(['openai']);
    expect(await cached.remove('openai')).toBe(1);
    expect(await cached.list('openai')).toEqual([]);
    expect(reads).toEqual({ list: 3, providers: 2 });
  });

  it('does not cache a failed read', async () => {
    const { vault, failOnce } = countingVault();
    const cached = cachedVault(vault, 60_000, () => 0);
    failOnce();
    await expect(cached.list('openai')).rejects.toThrow('D-Bus hiccup');
    expect(await cached.list('openai')).toEqual([]);
  });

  it('validates provider ids and passes the backend through', async () => {
    const cached = cachedVault(countingVault().vault);
    expect((await vaultError(cached.list('#providers'))).code).toBe('invalid-provider-id');
    expect(cached.backend).toBe('keychain');
  });
});

describe.runIf(osKeychain.reachable || keychainRequired)('OS keychain (real Secret Service)', () => {
  it('is reachable (keytar loads and the Secret Service answers over D-Bus)', () => {
    expect(osKeychainProblem, 'CI=true requires a reachable OS keychain; run the tests through scripts/with-keyring.sh').toBeUndefined();
  });

  const run = randomBytes(4).toString('hex');
  const providerA = `vitest-canary-${run}-a`;
  const providerB = `vitest-canary-${run}-b`;
  let dataDir: string;
  let vault: KeyVault;

  beforeEach(async () => {
    dataDir = await tempDir();
    vault = await openVault({ dataDir, env: {} });
  });

  // Straight through keytar, so a vault bug cannot leave canaries in a real keychain.
  afterAll(async () => {
    const keytar = await loadKeytar();
    const ours = async () =>
      (await keytar.findCredentials(KEYCHAIN_SERVICE)).filter(({ account }) => account.startsWith(`vitest-canary-${run}`));
    for (const { account } of await ours()) await keytar.deletePassword(KEYCHAIN_SERVICE, account);
    expect(await ours()).toEqual([]);
  });

  it('is chosen automatically', () => {
    expect(vault.backend).toBe('keychain');
  });

  it('round-trips several keys under service "switchyard", account = provider id', async () => {
    const [a, b] = [canary('a'), canary('b')];
    await vault.add(providerA, a);
    await vault.add(providerA, b);
    expect(await vault.list(providerA)).toEqual([a, b]);
    expect(await vault.providers()).toContain(providerA);

    const keytar = await loadKeytar();
    expect(await keytar.getPassword(KEYCHAIN_SERVICE, providerA)).toBe(a);
    expect(await keytar.getPassword(KEYCHAIN_SERVICE, `${providerA}#2`)).toBe(b);

    const replacement = canary('r');
    await vault.set(providerA, replacement);
    expect(await vault.list(providerA)).toEqual([replacement]);
    expect(await keytar.getPassword(KEYCHAIN_SERVICE, `${providerA}#2`)).toBeNull();
    expect(await vault.remove(providerA)).toBe(1);
    expect(await vault.list(providerA)).toEqual([]);
    expect(await vault.providers()).not.toContain(providerA);
  });

  it('shows one process’s writes to another', async () => {
    const other = await openVault({ dataDir, backend: 'keychain', env: {} });
    const key = canary('shared');
    await vault.add(providerB, key);
    expect(await other.list(providerB)).toEqual([key]);
    expect(await other.remove(providerB)).toBe(1);
    expect(await vault.list(providerB)).toEqual([]);
  });

  it('reads entries stored by other tools under the documented account name', async () => {
    const key = canary('hand');
    await (await loadKeytar()).setPassword(KEYCHAIN_SERVICE, providerB, key);
    expect(await vault.list(providerB)).toEqual([key]);
    expect(parseAccount(providerB)).toEqual({ providerId: providerB, ordinal: 1 });
  });
});

function flipFirstByte(base64: string): string {
  const bytes = Buffer.from(base64, 'base64');
  bytes[0] = bytes[0]! ^ 0xff;
  return bytes.toString('base64');
}
