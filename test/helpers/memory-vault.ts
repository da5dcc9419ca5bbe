import type { KeyVault } from '../../src/main/core/secrets/key-vault.js';

/** An in-process KeyVault for gateway tests that are not about the keychain itself. */
export function memoryVault(initial: Record<string, string[]> = {}): KeyVault {
  const keys = new Map(Object.entries(initial).map(([id, list]) => [id, [...list]]));
  return {
    backend: 'keychain',
    list: async (id) => [...(keys.get(id) ?? [])],
    add: async (id, secret) => {
      const list = keys.get(id) ?? [];
      if (!list.includes(secret)) list.push(secret);
      keys.set(id, list);
    },
    set: async (id, secret) => {
      keys.set(id, [secret]);
    },
    remove: async (id) => {
      const n = keys.get(id)?.length ?? 0;
      keys.delete(id);
      return n;
    },
    providers: async () => [...keys.keys()].sort(),
  };
}
