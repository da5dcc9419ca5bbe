/**
 * The whole surface between the Electron main process, the preload and the renderer.
 * Pure (no electron import) so main, preload and renderer can all depend on it.
 */

/** What the renderer sees as `window.switchyard` inside the desktop app. */
export interface SwitchyardBridge {
  /**
   * A one-time, short-lived login token for the control API, asked of the main process over
   * IPC (sender-checked); the page redeems it for an HttpOnly session cookie. Nothing on the
   * command line or in the page carries a credential.
   */
  requestLogin(): Promise<string>;
  /** Writes text to the system clipboard; the renderer has no clipboard permission of its own. */
  copyText(text: string): Promise<void>;
}

export const COPY_TEXT_CHANNEL = 'switchyard:copy-text';
export const REQUEST_LOGIN_CHANNEL = 'switchyard:request-login';
export const MAX_COPY_TEXT_LENGTH = 10_000;
