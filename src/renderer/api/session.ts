import { sessionInfoSchema } from '../../shared/control/session.js';
import { ApiError, callApi } from './client.js';

/**
 * Signs this page in to the control API. A browser carries the HttpOnly cookie the login link
 * set; the desktop window asks its main process for a one-time login token and redeems it.
 * False when there is no session and no way to get one (a browser that never had the link).
 */
export async function ensureSession(): Promise<boolean> {
  try {
    await callApi('GET', '/session', sessionInfoSchema);
    return true;
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 401) throw err;
  }
  const bridge = window.switchyard;
  if (!bridge) return false;
  const login = await bridge.requestLogin();
  await callApi('POST', '/session', sessionInfoSchema, { login });
  return true;
}
