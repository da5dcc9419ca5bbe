import { VaultError } from './key-vault.js';

const PROVIDER_ID = /^[a-z0-9._-]{1,64}$/;
export const MAX_SECRET_BYTES = 8 * 1024;
// Whitespace, control and invisible format characters (e.g. U+200B) are never part of an
// API key; they come from copy-paste and would make every upstream call fail with 401.
const FORBIDDEN_IN_SECRET = /[\s\p{Cc}\p{Cf}]/u;

/** The id is deliberately not echoed: a key pasted into the wrong argument must not end up in a terminal log. */
export function assertProviderId(providerId: string): void {
  if (!PROVIDER_ID.test(providerId)) {
    throw new VaultError(
      'invalid-provider-id',
      'Invalid provider id: use 1-64 characters from a-z, 0-9, ".", "_" and "-".',
    );
  }
}

export function isProviderId(value: string): boolean {
  return PROVIDER_ID.test(value);
}

/** Keys piped through stdin or copied from a file usually end in a newline; that is not part of the key. */
export function stripTrailingNewlines(value: string): string {
  return value.replace(/(?:\r?\n)+$/, '');
}

/** Returns the secret as it will be stored, or throws without ever quoting it. */
export function normalizeSecret(secret: string): string {
  const value = stripTrailingNewlines(secret);
  if (value.length === 0) throw new VaultError('invalid-secret', 'The key is empty.');
  if (FORBIDDEN_IN_SECRET.test(value)) {
    throw new VaultError('invalid-secret', 'The key contains whitespace or control characters.');
  }
  if (Buffer.byteLength(value, 'utf8') > MAX_SECRET_BYTES) {
    throw new VaultError('invalid-secret', `The key is longer than ${MAX_SECRET_BYTES / 1024} KiB.`);
  }
  return value;
}
