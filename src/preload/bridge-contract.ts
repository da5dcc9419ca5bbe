/**
 * The whole surface between the Electron main process, the preload and the renderer.
 * Pure (no electron import) so main, preload and renderer can all depend on it.
 */

/** What the renderer sees as `window.switchyard` inside the desktop app. */
export interface SwitchyardBridge {
  /** Origin of the local gateway, e.g. `http://127.0.0.1:4100`. */
  apiBase: string;
  /** Per-launch session token for the control API (`/_app/api/…`). */
  token: string;
  /** Writes text to the system clipboard; the renderer has no clipboard permission of its own. */
  copyText(text: string): Promise<void>;
}

export const COPY_TEXT_CHANNEL = 'switchyard:copy-text';
export const MAX_COPY_TEXT_LENGTH = 10_000;

const API_BASE_FLAG = '--switchyard-api=';
const TOKEN_FLAG = '--switchyard-token=';

/** Arguments for `webPreferences.additionalArguments`; they reach the preload as `process.argv`. */
export function bridgeArguments(apiBase: string, token: string): string[] {
  return [`${API_BASE_FLAG}${apiBase}`, `${TOKEN_FLAG}${token}`];
}

export function readBridgeArguments(argv: readonly string[]): { apiBase: string; token: string } {
  const apiBase = valueOf(argv, API_BASE_FLAG);
  const token = valueOf(argv, TOKEN_FLAG);
  if (!apiBase || !token) throw new Error('Switchyard preload started without its gateway arguments');
  return { apiBase, token };
}

function valueOf(argv: readonly string[], flag: string): string | undefined {
  return argv.find((arg) => arg.startsWith(flag))?.slice(flag.length);
}
