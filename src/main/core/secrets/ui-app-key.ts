import type { AppKey, AppKeyStore } from './app-keys.js';

/** The app key the UI's own chats run under, so they are routed, limited and logged like any tool's. */
export const UI_APP_KEY_NAME = 'switchyard-ui';

/**
 * Finds or creates the UI's key in the app-key table, so it survives restarts and keeps its
 * limit. Its secret is thrown away: the UI never presents it, the control API calls the
 * gateway path with the key record itself.
 */
export function ensureUiAppKey(store: AppKeyStore): AppKey {
  return store.list().find((key) => key.name === UI_APP_KEY_NAME) ?? store.create({ name: UI_APP_KEY_NAME }).appKey;
}
