import { dialog } from 'electron';
import type { KeyVault } from '../core/secrets/key-vault.js';

/**
 * The desktop app keeps provider keys where `serve` does: the OS keychain through keytar, or the
 * encrypted file when SWITCHYARD_VAULT_PASSPHRASE is set. It never uses Electron's safeStorage,
 * whose Linux fallback without a Secret Service ("basic_text") is plaintext-equivalent; with no
 * usable store the gateway still serves local and env-keyed providers, and the user is told why
 * keys cannot be saved and what to do.
 */
export function warnWhenKeysCannotBeStored(vault: Pick<KeyVault, 'backend' | 'unavailableReason'>): void {
  if (vault.backend !== 'unavailable') return;
  void dialog.showMessageBox({
    type: 'warning',
    title: 'Switchyard',
    message: 'Provider keys cannot be stored on this computer',
    detail:
      `${vault.unavailableReason ?? 'No key store is available.'}\n\n` +
      "Switchyard does not fall back to Electron's basic_text storage, which would keep keys as good as plaintext.",
  });
}
