import { Menu, Tray } from 'electron';
import { trayIcon } from './tray-icon.js';

export interface TrayActions {
  open(): void;
  copyApiUrl(): void;
  quit(): void;
}

export function createTray(apiUrl: string, actions: TrayActions): Tray {
  const tray = new Tray(trayIcon());
  tray.setToolTip(`Switchyard — ${apiUrl}`);
  tray.setContextMenu(
    Menu.buildFromTemplate([
      { label: 'Open Switchyard', click: actions.open },
      { label: 'Copy API URL', click: actions.copyApiUrl },
      { type: 'separator' },
      { label: 'Quit Switchyard', click: actions.quit },
    ]),
  );
  tray.on('click', actions.open);
  return tray;
}
