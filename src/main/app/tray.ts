import { Menu, Tray, type MenuItemConstructorOptions } from 'electron';
import type { SpendToday } from '../core/policy/spend-watch.js';
import { usd } from './limit-notifications.js';
import { trayIcon } from './tray-icon.js';

export interface TrayState {
  /** OpenAI base URL tools point at, e.g. http://127.0.0.1:4100/v1. */
  baseUrl: string;
  status: 'running' | 'stopping';
  today: SpendToday;
  openAtLogin: boolean;
}

export interface TrayActions {
  open(): void;
  copyBaseUrl(): void;
  setOpenAtLogin(enabled: boolean): void;
  quit(): void;
}

export interface GatewayTray {
  update(state: TrayState): void;
  destroy(): void;
}

export function trayMenuTemplate(state: TrayState, actions: TrayActions): MenuItemConstructorOptions[] {
  const requests = `${state.today.requests} request${state.today.requests === 1 ? '' : 's'}`;
  return [
    { label: statusLine(state), enabled: false },
    { label: `Spent today: ${usd(state.today.costUsd)} (${requests}, UTC day)`, enabled: false },
    { type: 'separator' },
    { label: 'Open Switchyard', click: () => actions.open() },
    { label: 'Copy Base URL', click: () => actions.copyBaseUrl() },
    { type: 'separator' },
    {
      label: 'Open at Login',
      type: 'checkbox',
      checked: state.openAtLogin,
      click: (item) => actions.setOpenAtLogin(item.checked),
    },
    { type: 'separator' },
    { label: 'Quit Switchyard', click: () => actions.quit() },
  ];
}

export function createTray(state: TrayState, actions: TrayActions): GatewayTray {
  const tray = new Tray(trayIcon());
  const update = (next: TrayState) => {
    tray.setToolTip(`Switchyard — ${statusLine(next)}`);
    tray.setContextMenu(Menu.buildFromTemplate(trayMenuTemplate(next, actions)));
  };
  update(state);
  tray.on('click', () => actions.open());
  return { update, destroy: () => tray.destroy() };
}

function statusLine(state: TrayState): string {
  const where = new URL(state.baseUrl).host;
  return state.status === 'running' ? `Gateway running on ${where}` : `Gateway stopping (${where})`;
}
