import { assertProviderId } from './key-validation.js';
import type { KeyVault } from './key-vault.js';

export interface CachedKeyVault extends KeyVault {
  /** Forgets everything read so far. */
  invalidate(): void;
}

interface Entry {
  expiresAt: number;
  value: Promise<string[]>;
  /** The last successful read, served while a refresh runs. */
  settled?: string[];
  refreshing?: boolean;
}

/**
 * Read-through cache for the server: a keychain read is a D-Bus round trip (a file read
 * is an AES decrypt), too slow to repeat on every request. The CLI writes from another
 * process, so its changes show up here once `ttlMs` has passed and one background refresh
 * has completed: an expired entry is served as it was while it refreshes, so no request
 * waits on D-Bus after the first. Writes made through this object are visible at once.
 * Concurrent misses share one read; failures are not cached (a failed refresh keeps the
 * last good value and is retried on the next read).
 */
export function cachedVault(vault: KeyVault, ttlMs = 2_000, now: () => number = Date.now): CachedKeyVault {
  const entries = new Map<string, Entry>();

  function load(slot: string, loader: () => Promise<string[]>): Entry {
    const created: Entry = { expiresAt: now() + ttlMs, value: loader() };
    created.value.then(
      (keys) => {
        created.settled = keys;
      },
      () => {
        if (entries.get(slot) === created) entries.delete(slot);
      },
    );
    entries.set(slot, created);
    return created;
  }

  function refresh(slot: string, stale: Entry & { settled: string[] }, loader: () => Promise<string[]>): void {
    stale.refreshing = true;
    loader().then(
      (keys) => {
        if (entries.get(slot) !== stale) return;
        entries.set(slot, { expiresAt: now() + ttlMs, value: Promise.resolve(keys), settled: keys });
      },
      () => {
        stale.refreshing = false;
      },
    );
  }

  async function read(slot: string, loader: () => Promise<string[]>): Promise<string[]> {
    const entry = entries.get(slot);
    if (entry === undefined) return [...(await load(slot, loader).value)];
    if (now() >= entry.expiresAt) {
      if (entry.settled === undefined) return [...(await load(slot, loader).value)];
      if (!entry.refreshing) refresh(slot, entry as Entry & { settled: string[] }, loader);
      return [...entry.settled];
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
