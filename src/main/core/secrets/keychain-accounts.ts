import { isProviderId } from './key-validation.js';

/**
 * One keychain entry per key: the first key's account is the bare provider id (what
 * DESIGN.md promises and what `secret-tool lookup service switchyard account openai`
 * finds), later ones are `openai#2`, `openai#3`… Each entry holds exactly one raw key,
 * so a reader never parses a blob and a damaged entry costs one key, not all of them.
 * `#` cannot occur in a provider id, which keeps the parse unambiguous.
 */
export interface KeyAccount {
  providerId: string;
  /** 1 for the bare provider id, n for `id#n` (n >= 2). */
  ordinal: number;
}

export function accountName(providerId: string, ordinal: number): string {
  return ordinal === 1 ? providerId : `${providerId}#${ordinal}`;
}

/** Accounts that do not follow the scheme (other tools, probes) are ignored. */
export function parseAccount(account: string): KeyAccount | undefined {
  const match = /^([^#]+)(?:#([2-9]|[1-9][0-9]{1,5}))?$/.exec(account);
  if (!match?.[1] || !isProviderId(match[1])) return undefined;
  return { providerId: match[1], ordinal: match[2] === undefined ? 1 : Number(match[2]) };
}
