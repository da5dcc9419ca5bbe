import { ipcMain } from 'electron';
import { REQUEST_LOGIN_CHANNEL } from '../../preload/bridge-contract.js';

/**
 * Hands the window a one-time login token for the control API, and only to the gateway's own
 * page in a top-level frame: an iframe or a page from elsewhere gets an error, not a token.
 */
export function handleLoginRequests(gatewayOrigin: string, issueLogin: () => string): void {
  ipcMain.handle(REQUEST_LOGIN_CHANNEL, (event) => {
    const frame = event.senderFrame;
    if (!frame || frame !== event.sender.mainFrame || new URL(frame.url).origin !== gatewayOrigin) {
      throw new Error('request-login refused: sender is not the Switchyard UI');
    }
    return issueLogin();
  });
}
