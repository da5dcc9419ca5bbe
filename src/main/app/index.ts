// First: the heap cap has to be set before the modules below load (see the file).
import './heap-growth-first.js';
import { join } from 'node:path';
import { app, clipboard, dialog, screen, session, type BrowserWindow } from 'electron';
import { startGateway, type RunningGateway } from '../core/gateway.js';
import { installAppMenu } from './app-menu.js';
import { handleCopyTextRequests } from './clipboard-ipc.js';
import { openDocumentation } from './documentation.js';
import { handleLoginRequests } from './login-ipc.js';
import { denyAllPermissions, hardenWebContents } from './harden-web-contents.js';
import { resolveLaunchOptions } from './launch-options.js';
import { notifyWhenLimitsReached } from './limit-notifications.js';
import { loginItem, startedAtLogin } from './login-item.js';
import { createMainWindow, DEFAULT_WINDOW_SIZE, revealWindow } from './main-window.js';
import { trayForGateway, type GatewayTrayFeed } from './tray-feed.js';
import { warnWhenKeysCannotBeStored } from './vault-warning.js';
import { rememberPlacement, restorePlacement } from './window-state.js';
import { followThemeBackground, windowBackground } from './window-theme.js';

/** Upper bound on flushing the usage log at quit, so a wedged upstream cannot keep the app alive. */
const GATEWAY_CLOSE_TIMEOUT_MS = 10_000;
/** electron-builder's appId: Windows shows notifications only for an app with this id. */
const APP_USER_MODEL_ID = 'dev.switchyard.desktop';
/** DevTools exist only when running from a checkout (npm run dev / npm start), never in a packaged build. */
const devTools = !app.isPackaged;

let gateway: RunningGateway | undefined;
let mainWindow: BrowserWindow | undefined;
// Held for the app's lifetime: a tray that is garbage-collected disappears.
let tray: GatewayTrayFeed | undefined;
let shutdown: 'running' | 'closing' | 'closed' = 'running';

app.enableSandbox();

if (app.requestSingleInstanceLock()) {
  app.on('second-instance', openWindow);
  app.on('activate', openWindow);
  // The gateway keeps serving local tools from the tray after the window closes.
  app.on('window-all-closed', () => {});
  app.on('before-quit', closeGatewayBeforeQuit);
  launch().catch((err: unknown) => {
    dialog.showErrorBox('Switchyard could not start', err instanceof Error ? err.message : String(err));
    app.exit(1);
  });
} else {
  app.quit();
}

async function launch(): Promise<void> {
  await app.whenReady();
  denyAllPermissions(session.defaultSession);
  app.setAppUserModelId(APP_USER_MODEL_ID);
  installAppMenu({ platform: process.platform, devTools, openDocs: openDocumentation, copyBaseUrl });

  gateway = await startGateway({
    ...resolveLaunchOptions(process.env, app.getPath('userData')),
    // The renderer build sits beside this bundle (app/out/main, app/out/renderer), also inside app.asar.
    rendererDir: join(import.meta.dirname, '../renderer'),
  });
  const origin = new URL(gateway.url).origin;
  handleCopyTextRequests(origin);
  const running = gateway;
  handleLoginRequests(origin, () => running.issueDesktopLogin());
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, origin));

  tray = trayForGateway(gateway, loginItem(), { open: openWindow, quit: () => app.quit() });
  notifyWhenLimitsReached(gateway.spendWatch);
  warnWhenKeysCannotBeStored(gateway.vault);
  // Started by the login item: serve tools from the tray, open no window until asked.
  if (!startedAtLogin(process.argv)) openWindow();
}

function copyBaseUrl(): void {
  if (gateway) clipboard.writeText(`${gateway.url}/v1`);
}

function windowStateFile(): string {
  return join(app.getPath('userData'), 'window-state.json');
}

function openWindow(): void {
  if (!gateway) return;
  if (mainWindow && !mainWindow.isDestroyed()) {
    revealWindow(mainWindow);
    return;
  }
  const placement = restorePlacement(windowStateFile(), screen.getAllDisplays().map((d) => d.workArea), DEFAULT_WINDOW_SIZE);
  mainWindow = createMainWindow(
    { url: gateway.url },
    { ...placement, backgroundColor: windowBackground(), devTools },
  );
  rememberPlacement(mainWindow, windowStateFile());
  followThemeBackground(mainWindow);
  mainWindow.on('closed', () => {
    mainWindow = undefined;
  });
}

function closeGatewayBeforeQuit(event: Electron.Event): void {
  const running = gateway;
  if (!running || shutdown === 'closed') return;
  event.preventDefault();
  if (shutdown === 'closing') return;
  shutdown = 'closing';
  tray?.markStopping();
  void closeWithin(running, GATEWAY_CLOSE_TIMEOUT_MS).finally(() => {
    shutdown = 'closed';
    tray?.destroy();
    app.quit();
  });
}

async function closeWithin(running: RunningGateway, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      console.error(`Switchyard: gateway did not close within ${timeoutMs} ms; quitting anyway`);
      resolve();
    }, timeoutMs);
  });
  try {
    await Promise.race([running.close(), timeout]);
  } catch (err) {
    console.error('Switchyard: error while closing the gateway', err);
  } finally {
    clearTimeout(timer);
  }
}
