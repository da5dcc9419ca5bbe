import { GatewayError } from '../../../shared/errors.js';
import type { ProviderKeySource } from '../../../shared/usage.js';
import type { ResolvedProvider } from '../router/catalog.js';
import { VaultError } from './key-vault.js';

export interface KeyLister {
  list(providerId: string): Promise<string[]>;
}

/**
 * Finds the secret for a provider: its keychain/vault entries first, then `apiKeyEnv`.
 * Several stored keys are used in turn, spreading load across them; a key the provider
 * refused (401/403) or throttled (429) sits out its cooldown while the others carry on.
 */
export class ProviderKeys {
  private readonly turn = new Map<string, number>();
  /** `providerId \0 key` -> epoch ms when the key may be used again. In memory only, never logged. */
  private readonly coolingUntil = new Map<string, number>();

  constructor(
    private readonly vault: KeyLister,
    private readonly env: Readonly<Record<string, string | undefined>> = process.env,
    private readonly now: () => number = Date.now,
  ) {}

  async all(provider: ResolvedProvider): Promise<string[]> {
    const stored = await this.vault.list(provider.id).catch((err: unknown) => {
      // A broken vault (wrong passphrase, keychain error) must not silently fall back to another key.
      // The vault's own message names files in the data dir: it is for the operator, not for a client.
      const code = err instanceof VaultError ? err.code : 'unknown';
      throw new GatewayError(
        503,
        'vault_error',
        `Could not read the key of provider "${provider.id}" from the key vault (${code}); \`switchyard keys list\` shows why`,
        { provider: provider.id, vault_error: code },
      );
    });
    if (stored.length > 0) return stored;
    const fromEnv = provider.config.apiKeyEnv ? this.env[provider.config.apiKeyEnv] : undefined;
    return fromEnv ? [fromEnv] : [];
  }

  /**
   * The next key in turn that is not cooling down. When every key is cooling down the one
   * free soonest is returned: refusing outright would turn a rate limit into an outage,
   * and the provider's own answer is the better error.
   */
  async next(provider: ResolvedProvider): Promise<string | undefined> {
    const keys = await this.all(provider);
    if (keys.length <= 1) return keys[0];
    const start = this.turn.get(provider.id) ?? 0;
    let soonest: { key: string; at: number; index: number } | undefined;
    for (let i = 0; i < keys.length; i++) {
      const index = (start + i) % keys.length;
      const key = keys[index] as string;
      const until = this.cooldownEnd(provider.id, key);
      if (until === undefined) {
        this.turn.set(provider.id, index + 1);
        return key;
      }
      if (!soonest || until < soonest.at) soonest = { key, at: until, index };
    }
    if (!soonest) return undefined;
    this.turn.set(provider.id, soonest.index + 1);
    return soonest.key;
  }

  /** Takes a key out of rotation for `ms` (after a 401/403 or 429 from the provider). */
  coolDown(provider: ResolvedProvider, key: string, ms: number): void {
    this.coolingUntil.set(`${provider.id}\u0000${key}`, this.now() + ms);
  }

  isCooling(provider: ResolvedProvider, key: string): boolean {
    return this.cooldownEnd(provider.id, key) !== undefined;
  }

  private cooldownEnd(providerId: string, key: string): number | undefined {
    if (this.coolingUntil.size === 0) return undefined;
    const slot = `${providerId}\u0000${key}`;
    const until = this.coolingUntil.get(slot);
    if (until === undefined) return undefined;
    if (until <= this.now()) {
      this.coolingUntil.delete(slot);
      return undefined;
    }
    return until;
  }

  async source(provider: ResolvedProvider): Promise<ProviderKeySource> {
    if ((await this.vault.list(provider.id).catch(() => [])).length > 0) return 'keychain';
    if (provider.config.apiKeyEnv && this.env[provider.config.apiKeyEnv]) return 'env';
    return provider.local ? 'not-required' : 'none';
  }
}
