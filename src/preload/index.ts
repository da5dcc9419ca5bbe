import { contextBridge, ipcRenderer } from 'electron';
import { COPY_TEXT_CHANNEL, readBridgeArguments, type SwitchyardBridge } from './bridge-contract.js';

// Sandboxed preload: only `electron` may be required here, and nothing Node-shaped leaks out.
const { apiBase, token } = readBridgeArguments(process.argv);

const bridge: SwitchyardBridge = {
  apiBase,
  token,
  async copyText(text: string): Promise<void> {
    await ipcRenderer.invoke(COPY_TEXT_CHANNEL, String(text));
  },
};

contextBridge.exposeInMainWorld('switchyard', bridge);
