import type { VaultState } from '../../../shared/control/providers.js';
import type { KeyVault } from '../secrets/key-vault.js';
import type { ControlRoute } from './control-router.js';

function advice(vault: KeyVault): string {
  if (vault.backend === 'keychain') return 'Provider keys are kept in the OS keychain. Nothing to do.';
  if (vault.backend === 'file') {
    return 'No OS keychain was reachable, so provider keys are kept in an encrypted file in the data folder, unlocked with your passphrase. Install or unlock a keychain (GNOME Keyring, KWallet, macOS Keychain) to use it instead.';
  }
  return `Keys cannot be saved: ${vault.unavailableReason ?? 'no key vault'}. Unlock the OS keychain, or restart with SWITCHYARD_VAULT=file and a passphrase.`;
}

export function vaultRoutes(vault: KeyVault): ControlRoute[] {
  return [{ method: 'GET', path: '/vault', run: (): VaultState => ({ backend: vault.backend, advice: advice(vault) }) }];
}
