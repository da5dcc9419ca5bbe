import { clipboard, ipcMain } from 'electron';
import { COPY_TEXT_CHANNEL, MAX_COPY_TEXT_LENGTH } from '../../preload/bridge-contract.js';

/** The renderer's only native call: copy text, and only when asked by the gateway's own page. */
export function handleCopyTextRequests(gatewayOrigin: string): void {
  ipcMain.handle(COPY_TEXT_CHANNEL, (event, text: unknown) => {
    const senderUrl = event.senderFrame?.url;
    if (!senderUrl || new URL(senderUrl).origin !== gatewayOrigin) {
      throw new Error('copy-text refused: sender is not the Switchyard UI');
    }
    if (typeof text !== 'string' || text.length > MAX_COPY_TEXT_LENGTH) {
      throw new Error('copy-text refused: expected a short string');
    }
    clipboard.writeText(text);
  });
}
