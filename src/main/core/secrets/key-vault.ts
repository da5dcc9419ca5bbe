/**
 * The provider-key vault: where upstream API keys live. Several keys per provider are
 * kept in insertion order (callers may spread load across them). Secrets never appear
 * in logs or error messages; only provider ids and paths do.
 */
export type VaultBackend = 'keychain' | 'file' | 'unavailable';

export interface KeyVault {
  readonly backend: VaultBackend;
  /** Set when backend is 'unavailable': what is missing and what the user can do about it. */
  readonly unavailableReason?: string;
  /** The provider's keys, oldest first; empty when it has none. */
  list(providerId: string): Promise<string[]>;
  /** Appends a key; adding a key the provider already has changes nothing. */
  add(providerId: string, secret: string): Promise<void>;
  /** Replaces all of the provider's keys with this one. */
  set(providerId: string, secret: string): Promise<void>;
  /** Deletes all of the provider's keys and says how many there were. */
  remove(providerId: string): Promise<number>;
  /** Ids of the providers that have at least one key, sorted. */
  providers(): Promise<string[]>;
}

/** The keychain service name; the account is the provider id. */
export const KEYCHAIN_SERVICE = 'switchyard';

export type VaultErrorCode =
  | 'invalid-provider-id'
  | 'invalid-secret'
  | 'invalid-config'
  | 'unavailable'
  | 'wrong-passphrase'
  | 'corrupt-file'
  | 'keychain-failed'
  | 'busy';

/** A plain Error (not a GatewayError): vault problems are the operator's to fix, not a client's. */
export class VaultError extends Error {
  override readonly name = 'VaultError';
  readonly code: VaultErrorCode;

  constructor(code: VaultErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}
