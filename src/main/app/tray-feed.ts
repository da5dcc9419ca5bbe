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
    // While stopping, the usage log is being closed: its last flush must not query it afterwards.
    if (status === 'stopping') return;
    timer ??= setTimeout(() => {
      timer = undefined;
      if (status === 'running') tray.update(state());
    }, TRAY_REFRESH_MS);
  });
  return {
    markStopping() {
      tray.update({ ...state(), status: 'stopping' });
      status = 'stopping';
      clearTimeout(timer);
      timer = undefined;
    },
    destroy() {
      stopFollowing();
      clearTimeout(timer);
      tray.destroy();
    },
  };
}
