import { join } from 'node:path';
import { BrowserWindow } from 'electron';

export interface WindowTarget {
  /** The gateway's own origin: the only page the window may show. */
  url: string;
}

/** How the window looks and where it opens (window-state.ts, window-theme.ts); never what it may do. */
export interface WindowLook {
  bounds: { width: number; height: number; x?: number; y?: number };
  maximized: boolean;
  backgroundColor: string;
  /** Development builds only. */
  devTools: boolean;
}

export const DEFAULT_WINDOW_SIZE = { width: 1100, height: 760 };

export function createMainWindow(target: WindowTarget, look: WindowLook): BrowserWindow {
  const window = new BrowserWindow({
    title: 'Switchyard',
    ...look.bounds,
    minWidth: 720,
    minHeight: 480,
    show: false,
    autoHideMenuBar: true,
    backgroundColor: look.backgroundColor,
    webPreferences: {
      devTools: look.devTools,
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
    },
  });
  window.once('ready-to-show', () => {
    if (look.maximized) window.maximize();
    window.show();
  });
  void window.loadURL(`${target.url}/`);
  return window;
}

export function revealWindow(window: BrowserWindow): void {
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}
