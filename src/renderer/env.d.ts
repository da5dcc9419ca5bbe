/// <reference types="vite/client" />
import type { SwitchyardBridge } from '../preload/bridge-contract.js';

declare global {
  interface Window {
    /** Present only inside the desktop app (set by the preload); absent in a browser. */
    readonly switchyard?: SwitchyardBridge;
  }
}
