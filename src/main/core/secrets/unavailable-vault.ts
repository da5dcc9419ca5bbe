import { VaultError, type KeyVault } from './key-vault.js';

/**
 * What the gateway gets when no store is usable: it still starts (providers with
 * `apiKeyEnv` or no key keep working), reads find no keys, and every write explains
 * what to do instead of falling back to anything weaker.
 */
export function unavailableVault(reason: string): KeyVault {
  const refuse = async (): Promise<never> => {
    throw new VaultError('unavailable', reason);
  };
  return {
    backend: 'unavailable',
    unavailableReason: reason,
    list: async () => [],
    add: refuse,
    set: refuse,
    remove: refuse,
    providers: async () => [],
  };
}
