import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { encryptedFileVault, KEY_FILE_NAME } from './encrypted-file-vault.js';
import { probeKeychain, type KeychainProbe } from './keychain-probe.js';
import { keychainVault } from './keychain-vault.js';
import { VaultError, type KeyVault } from './key-vault.js';
import { unavailableVault } from './unavailable-vault.js';

export type VaultBackendChoice = 'auto' | 'keychain' | 'file';

export interface OpenVaultOptions {
  dataDir: string;
  /** Overrides env SWITCHYARD_VAULT; default 'auto' (keychain if reachable, else the file if a passphrase is set). */
  backend?: VaultBackendChoice;
  /** Overrides env SWITCHYARD_VAULT_PASSPHRASE. */
  passphrase?: string;
  env?: Readonly<Record<string, string | undefined>>;
  probeTimeoutMs?: number;
}

export const VAULT_ENV = 'SWITCHYARD_VAULT';
export const PASSPHRASE_ENV = 'SWITCHYARD_VAULT_PASSPHRASE';

const START_SECRET_SERVICE =
  'start a Secret Service (e.g. gnome-keyring-daemon inside a D-Bus session; headless: scripts/with-keyring.sh)';

/**
 * Picks the key store. Never falls back silently: the file store is used only when a
 * passphrase was given, and with no usable store the vault is 'unavailable' with a
 * reason that says what to do. `probe` exists so tests can stand in for the OS keychain.
 */
export async function openVault(
  options: OpenVaultOptions,
  probe: () => Promise<KeychainProbe> = () => probeKeychain(options.probeTimeoutMs),
): Promise<KeyVault> {
  const env = options.env ?? process.env;
  const choice = options.backend ?? vaultChoice(env);
  const passphrase = options.passphrase || env[PASSPHRASE_ENV] || undefined;
  const keyFile = join(options.dataDir, KEY_FILE_NAME);

  if (choice === 'file') {
    if (passphrase) return encryptedFileVault({ dataDir: options.dataDir, passphrase });
    return unavailableVault(
      `The encrypted key file was chosen, but no passphrase was given: set ${PASSPHRASE_ENV} ` +
        `(keys are kept in ${keyFile}).`,
    );
  }

  const keychain = await probe();
  if (keychain.reachable) return keychainVault(keychain.keytar, { dataDir: options.dataDir });
  const unreachable = `No OS keychain is reachable: ${keychain.reason}.`;
  if (choice === 'keychain') {
    return unavailableVault(
      `${unreachable} ${VAULT_ENV}=keychain forbids other stores: ${START_SECRET_SERVICE}, ` +
        `or use ${VAULT_ENV}=file with ${PASSPHRASE_ENV} set.`,
    );
  }
  if (passphrase) return encryptedFileVault({ dataDir: options.dataDir, passphrase });
  const fileHint = existsSync(keyFile)
    ? `set ${PASSPHRASE_ENV} to unlock the encrypted key file ${keyFile}`
    : `set ${PASSPHRASE_ENV} to keep keys in an encrypted file (${keyFile})`;
  return unavailableVault(`${unreachable} Provider keys cannot be stored. Either ${START_SECRET_SERVICE}, or ${fileHint}.`);
}

/** The store SWITCHYARD_VAULT asks for. */
export function vaultChoice(env: Readonly<Record<string, string | undefined>>): VaultBackendChoice {
  const value = env[VAULT_ENV];
  if (value === undefined || value === '') return 'auto';
  if (value === 'auto' || value === 'keychain' || value === 'file') return value;
  throw new VaultError('invalid-config', `${VAULT_ENV} must be "keychain", "file" or "auto".`);
}
