import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { accountName, parseAccount, type KeyAccount } from './keychain-accounts.js';
import type { KeytarApi } from './keychain-probe.js';
import { assertProviderId, normalizeSecret, stripTrailingNewlines } from './key-validation.js';
import { KEYCHAIN_SERVICE, VaultError, type KeyVault } from './key-vault.js';
import { CallTimeout, formatMs, withTimeout } from './with-timeout.js';
import { withWriteLock } from './write-lock.js';

export const KEYCHAIN_LOCK_NAME = 'keys.keychain.lock';
// Generous because a locked desktop keyring shows an unlock prompt and waits for the user.
const DEFAULT_CALL_TIMEOUT_MS = 30_000;

export interface KeychainVaultOptions {
  /** Holds the write lock that serializes writers across processes. */
  dataDir: string;
  callTimeoutMs?: number;
}

/** Keys in the OS keychain, service `switchyard`, one entry per key (see keychain-accounts.ts). */
export function keychainVault(keytar: KeytarApi, options: KeychainVaultOptions): KeyVault {
  const callTimeoutMs = options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
  const lockPath = join(options.dataDir, KEYCHAIN_LOCK_NAME);

  // A timed-out keytar call still occupies one of libuv's few worker threads (shared with
  // fs and crypto). While one is stuck, fail fast instead of stranding more of them.
  let stuckCalls = 0;

  async function call<T>(what: string, start: () => Promise<T>): Promise<T> {
    if (stuckCalls > 0) {
      throw new VaultError('keychain-failed', `The OS keychain failed to ${what}: it has not answered an earlier call yet.`);
    }
    const promise = start();
    try {
      return await withTimeout(promise, callTimeoutMs);
    } catch (err) {
      if (err instanceof CallTimeout) {
        stuckCalls++;
        promise.then(settled, settled);
      }
      const detail =
        err instanceof CallTimeout
          ? `no answer within ${formatMs(callTimeoutMs)}; is the keyring locked or its unlock prompt waiting?`
          : err instanceof Error
            ? err.message
            : String(err);
      throw new VaultError('keychain-failed', `The OS keychain failed to ${what}: ${detail}`, { cause: err });
    }
  }

  function settled(): void {
    stuckCalls--;
  }

  async function entries(): Promise<Array<KeyAccount & { secret: string }>> {
    const credentials = await call('list keys', () => keytar.findCredentials(KEYCHAIN_SERVICE));
    const found: Array<KeyAccount & { secret: string }> = [];
    for (const { account, password } of credentials) {
      const parsed = parseAccount(account);
      // Entries stored by hand (secret-tool, `echo key |`) may carry a trailing newline.
      const secret = stripTrailingNewlines(password);
      if (parsed && secret.length > 0) found.push({ ...parsed, secret });
    }
    return found.sort((a, b) => a.ordinal - b.ordinal);
  }

  async function entriesOf(providerId: string) {
    return (await entries()).filter((entry) => entry.providerId === providerId);
  }

  async function locked<T>(fn: () => Promise<T>): Promise<T> {
    await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
    return withWriteLock(lockPath, fn);
  }

  /** Highest ordinal first, so a concurrent reader sees a shrinking prefix of the old list, never a gap. */
  async function deleteAll(owned: KeyAccount[]): Promise<number> {
    let removed = 0;
    for (const entry of [...owned].sort((a, b) => b.ordinal - a.ordinal)) {
      if (await call('delete a key', () => keytar.deletePassword(KEYCHAIN_SERVICE, accountName(entry.providerId, entry.ordinal)))) {
        removed++;
      }
    }
    return removed;
  }

  return {
    backend: 'keychain',
    async list(providerId) {
      assertProviderId(providerId);
      return (await entriesOf(providerId)).map((entry) => entry.secret);
    },
    async add(providerId, secret) {
      assertProviderId(providerId);
      const value = normalizeSecret(secret);
      await locked(async () => {
        const owned = await entriesOf(providerId);
        if (owned.some((entry) => entry.secret === value)) return;
        const next = owned.reduce((max, entry) => Math.max(max, entry.ordinal), 0) + 1;
        await call('store a key', () => keytar.setPassword(KEYCHAIN_SERVICE, accountName(providerId, next), value));
      });
    },
    async set(providerId, secret) {
      assertProviderId(providerId);
      const value = normalizeSecret(secret);
      await locked(async () => {
        // Extra keys go first, then the first entry is overwritten in place: a concurrent
        // reader sees old keys or the new one, and never an empty list if there was a first key.
        await deleteAll((await entriesOf(providerId)).filter((entry) => entry.ordinal !== 1));
        await call('store a key', () => keytar.setPassword(KEYCHAIN_SERVICE, accountName(providerId, 1), value));
      });
    },
    async remove(providerId) {
      assertProviderId(providerId);
      return locked(async () => deleteAll(await entriesOf(providerId)));
    },
    async providers() {
      return [...new Set((await entries()).map((entry) => entry.providerId))].sort();
    },
  };
}
