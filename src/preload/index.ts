import { contextBridge, ipcRenderer } from 'electron';
import { COPY_TEXT_CHANNEL, REQUEST_LOGIN_CHANNEL, type SwitchyardBridge } from './bridge-contract.js';

// Sandboxed preload: only `electron` may be required here, and nothing Node-shaped leaks out.
const bridge: SwitchyardBridge = {
  async requestLogin(): Promise<string> {
    return String(await ipcRenderer.invoke(REQUEST_LOGIN_CHANNEL));
  },
  async copyText(text: string): Promise<void> {
    await ipcRenderer.invoke(COPY_TEXT_CHANNEL, String(text));
  },
};

contextBridge.exposeInMainWorld('switchyard', bridge);
