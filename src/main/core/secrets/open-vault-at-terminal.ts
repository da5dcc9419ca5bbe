import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { KEY_FILE_NAME } from './encrypted-file-vault.js';
import { VaultError, type KeyVault } from './key-vault.js';
import { openVault, vaultChoice } from './open-vault.js';
import { openControllingTerminal, type PassphraseTerminal } from './passphrase-prompt.js';

const PASSPHRASE_ATTEMPTS = 3;

export interface OpenVaultAtTerminalOptions {
  dataDir: string;
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * `openVault`, except that when the only thing missing is the key file's passphrase and a
 * person is at the terminal, it is asked for there (twice for a new file) rather than refused.
 * Without a terminal the result is exactly `openVault`'s, guidance included.
 */
export async function openVaultAtTerminal(options: OpenVaultAtTerminalOptions): Promise<KeyVault> {
  const env = options.env ?? process.env;
  const vault = await openVault({ dataDir: options.dataDir, env });
  // SWITCHYARD_VAULT=keychain forbids the file, so there is nothing a passphrase could unlock.
  if (vault.backend !== 'unavailable' || vaultChoice(env) === 'keychain') return vault;
  const terminal = openControllingTerminal();
  if (!terminal) return vault;
  try {
    return await askForPassphrase(options.dataDir, env, terminal);
  } finally {
    terminal.close();
  }
}

async function askForPassphrase(
  dataDir: string,
  env: Readonly<Record<string, string | undefined>>,
  terminal: PassphraseTerminal,
): Promise<KeyVault> {
  const keyFile = join(dataDir, KEY_FILE_NAME);
  const isNew = !existsSync(keyFile);
  const ask = async (question: string): Promise<string> => {
    const answer = await terminal.askHidden(question);
    if (answer === undefined) throw new VaultError('unavailable', `No passphrase was entered for ${keyFile}.`);
    return answer;
  };
  terminal.say(
    isNew
      ? `Provider keys will be kept in ${keyFile}, encrypted with a passphrase you choose now (or set SWITCHYARD_VAULT_PASSPHRASE).`
      : `Provider keys are in ${keyFile}, encrypted with a passphrase (or set SWITCHYARD_VAULT_PASSPHRASE).`,
  );
  for (let attempt = 1; attempt <= PASSPHRASE_ATTEMPTS; attempt++) {
    const passphrase = await ask(isNew ? 'New passphrase: ' : 'Passphrase: ');
    if (passphrase === '') {
      terminal.say('The passphrase cannot be empty.');
      continue;
    }
    if (isNew) {
      if ((await ask('Repeat the passphrase: ')) !== passphrase) {
        terminal.say('The two passphrases differ.');
        continue;
      }
      return openVault({ dataDir, env, backend: 'file', passphrase });
    }
    const vault = await openVault({ dataDir, env, backend: 'file', passphrase });
    try {
      // Decrypting now, not at the first use, so a wrong passphrase can be typed again.
      await vault.providers();
      return vault;
    } catch (err) {
      if (!(err instanceof VaultError && err.code === 'wrong-passphrase')) throw err;
      terminal.say('Wrong passphrase.');
    }
  }
  throw isNew
    ? new VaultError('invalid-config', `No passphrase was chosen for ${keyFile} in ${PASSPHRASE_ATTEMPTS} attempts.`)
    : new VaultError(
        'wrong-passphrase',
        `Cannot decrypt ${keyFile} after ${PASSPHRASE_ATTEMPTS} attempts: the passphrase is wrong, or the file was modified.`,
      );
}
