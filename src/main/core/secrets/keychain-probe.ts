import { KEYCHAIN_SERVICE } from './key-vault.js';
import { CallTimeout, formatMs, withTimeout } from './with-timeout.js';

/** The part of keytar the vault uses; tests substitute an in-memory one. */
export interface KeytarApi {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
  findCredentials(service: string): Promise<Array<{ account: string; password: string }>>;
}

const DEFAULT_PROBE_TIMEOUT_MS = 3_000;
// '#' cannot start a provider id, so probing never matches (or unlocks) a real entry.
const PROBE_ACCOUNT = '#probe';

/**
 * keytar is an optional native module: loaded on first use so that the gateway runs
 * where it is missing or cannot load (no libsecret).
 */
export async function loadKeytar(): Promise<KeytarApi> {
  const mod: unknown = await import('keytar');
  const api = typeof mod === 'object' && mod !== null && 'default' in mod ? mod.default : mod;
  if (!isKeytarApi(api)) throw new Error('the keytar module does not export the expected functions');
  return api;
}

function isKeytarApi(value: unknown): value is KeytarApi {
  if (typeof value !== 'object' || value === null) return false;
  const api = value as Record<string, unknown>;
  return ['getPassword', 'setPassword', 'deletePassword', 'findCredentials'].every((name) => typeof api[name] === 'function');
}

export type KeychainProbe = { reachable: true; keytar: KeytarApi } | { reachable: false; reason: string };

/**
 * Whether a keychain answers. Bounded in time: without a Secret Service, libsecret can
 * wait on D-Bus for a long while instead of failing.
 */
export async function probeKeychain(
  timeoutMs: number = DEFAULT_PROBE_TIMEOUT_MS,
  load: () => Promise<KeytarApi> = loadKeytar,
): Promise<KeychainProbe> {
  let keytar: KeytarApi;
  try {
    keytar = await load();
  } catch (err) {
    return { reachable: false, reason: `keytar is not installed or failed to load (${messageOf(err)})` };
  }
  try {
    await withTimeout(keytar.getPassword(KEYCHAIN_SERVICE, PROBE_ACCOUNT), timeoutMs);
    return { reachable: true, keytar };
  } catch (err) {
    return {
      reachable: false,
      reason:
        err instanceof CallTimeout
          ? `the OS keychain did not answer within ${formatMs(timeoutMs)} (no Secret Service on the D-Bus session?)`
          : `the OS keychain refused the call (${messageOf(err)})`,
    };
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
