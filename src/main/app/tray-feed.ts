import { clipboard } from 'electron';
import type { RunningGateway } from '../core/gateway.js';
import type { LoginItem } from './login-item.js';
import { createTray, type TrayState } from './tray.js';

/** Usage batches can commit several times a second under load; the tray menu needs no more than this. */
const TRAY_REFRESH_MS = 1_000;

export interface GatewayTrayFeed {
  /** Shown while the usage log is flushed at quit. */
  markStopping(): void;
  destroy(): void;
}

/** The tray, kept current from the gateway: status, today's spend, and the login-item switch. */
export function trayForGateway(
  gateway: Pick<RunningGateway, 'url' | 'spendWatch'>,
  login: LoginItem,
  actions: { open(): void; quit(): void },
): GatewayTrayFeed {
  const baseUrl = `${gateway.url}/v1`;
  let status: TrayState['status'] = 'running';
  const state = (): TrayState => ({ baseUrl, status, today: gateway.spendWatch.today(), openAtLogin: login.isEnabled() });
  const tray = createTray(state(), {
    open: actions.open,
    quit: actions.quit,
    copyBaseUrl: () => clipboard.writeText(baseUrl),
    setOpenAtLogin(enabled) {
      login.setEnabled(enabled);
      tray.update(state());
    },
  });
  let timer: NodeJS.Timeout | undefined;
  const stopFollowing = gateway.spendWatch.onChange(() => {
    timer ??= setTimeout(() => {
      timer = undefined;
      tray.update(state());
    }, TRAY_REFRESH_MS);
  });
  return {
    markStopping() {
      status = 'stopping';
      tray.update({ ...state() });
    },
    destroy() {
      stopFollowing();
      clearTimeout(timer);
      tray.destroy();
    },
  };
}
