import { GatewayError } from '../../../shared/errors.js';
import type { ProviderKeySource } from '../../../shared/usage.js';
import type { ResolvedProvider } from '../router/catalog.js';

export interface KeyLister {
  list(providerId: string): Promise<string[]>;
}

/**
 * Finds the secret for a provider: its keychain/vault entries first, then `apiKeyEnv`.
 * Several stored keys are used in turn, spreading load across them.
 */
export class ProviderKeys {
  private readonly turn = new Map<string, number>();

  constructor(
    private readonly vault: KeyLister,
    private readonly env: Readonly<Record<string, string | undefined>> = process.env,
  ) {}

  async all(provider: ResolvedProvider): Promise<string[]> {
    const stored = await this.vault.list(provider.id).catch((err: unknown) => {
      // A broken vault (wrong passphrase, keychain error) must not silently fall back to another key.
      throw new GatewayError(503, 'vault_error', `Could not read the key of provider "${provider.id}": ${(err as Error).message}`, {
        provider: provider.id,
      });
    });
    if (stored.length > 0) return stored;
    const fromEnv = provider.config.apiKeyEnv ? this.env[provider.config.apiKeyEnv] : undefined;
    return fromEnv ? [fromEnv] : [];
  }

  async next(provider: ResolvedProvider): Promise<string | undefined> {
    const keys = await this.all(provider);
    if (keys.length <= 1) return keys[0];
    const index = (this.turn.get(provider.id) ?? 0) % keys.length;
    this.turn.set(provider.id, index + 1);
    return keys[index];
  }

  async source(provider: ResolvedProvider): Promise<ProviderKeySource> {
    if ((await this.vault.list(provider.id).catch(() => [])).length > 0) return 'keychain';
    if (provider.config.apiKeyEnv && this.env[provider.config.apiKeyEnv]) return 'env';
    return provider.local ? 'not-required' : 'none';
  }
}
