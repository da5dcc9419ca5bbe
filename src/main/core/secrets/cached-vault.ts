import { assertProviderId } from './key-validation.js';
import type { KeyVault } from './key-vault.js';

export interface CachedKeyVault extends KeyVault {
  /** Forgets everything read so far. */
  invalidate(): void;
}

interface Entry {
  expiresAt: number;
  value: Promise<string[]>;
}

/**
 * Read-through cache for the server: a keychain read is a D-Bus round trip (a file read
 * is an AES decrypt), too slow to repeat on every request. The CLI writes from another
 * process, so its changes show up here once `ttlMs` has passed; writes made through this
 * object are visible at once. Concurrent misses share one read, failures are not cached.
 */
export function cachedVault(vault: KeyVault, ttlMs = 2_000, now: () => number = Date.now): CachedKeyVault {
  const entries = new Map<string, Entry>();

  async function read(slot: string, load: () => Promise<string[]>): Promise<string[]> {
    let entry = entries.get(slot);
    if (entry === undefined || now() >= entry.expiresAt) {
      const created: Entry = { expiresAt: now() + ttlMs, value: load() };
      created.value.catch(() => {
        if (entries.get(slot) === created) entries.delete(slot);
      });
      entries.set(slot, created);
      entry = created;
    }
    return [...(await entry.value)];
  }

  function invalidate(): void {
    entries.clear();
  }

  async function write<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } finally {
      invalidate();
    }
  }

  return {
    get backend() {
      return vault.backend;
    },
    get unavailableReason() {
      return vault.unavailableReason;
    },
    // Validated here because '#providers' must never reach the slot of providers().
    list: async (providerId) => {
      assertProviderId(providerId);
      return read(providerId, () => vault.list(providerId));
    },
    providers: () => read('#providers', () => vault.providers()),
    add: (providerId, secret) => write(() => vault.add(providerId, secret)),
    set: (providerId, secret) => write(() => vault.set(providerId, secret)),
    remove: (providerId) => write(() => vault.remove(providerId)),
    invalidate,
  };
}
