import { join } from 'node:path';
import { BrowserWindow } from 'electron';

export interface WindowTarget {
  /** The gateway's own origin: the only page the window may show. */
  url: string;
}

export function createMainWindow(target: WindowTarget): BrowserWindow {
  const window = new BrowserWindow({
    title: 'Switchyard',
    width: 1100,
    height: 760,
    minWidth: 720,
    minHeight: 480,
    show: false,
    autoHideMenuBar: true,
    backgroundColor: '#f6f7f9',
    webPreferences: {
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
  window.once('ready-to-show', () => window.show());
  void window.loadURL(`${target.url}/`);
  return window;
}

export function revealWindow(window: BrowserWindow): void {
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}
