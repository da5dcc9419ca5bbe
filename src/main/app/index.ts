import { join } from 'node:path';
import { app, clipboard, dialog, session, type BrowserWindow, type Tray } from 'electron';
import { startGateway, type RunningGateway } from '../core/gateway.js';
import { handleCopyTextRequests } from './clipboard-ipc.js';
import { handleLoginRequests } from './login-ipc.js';
import { denyAllPermissions, hardenWebContents } from './harden-web-contents.js';
import { resolveLaunchOptions } from './launch-options.js';
import { createMainWindow, revealWindow } from './main-window.js';
import { createTray } from './tray.js';

/** Upper bound on flushing the usage log at quit, so a wedged upstream cannot keep the app alive. */
const GATEWAY_CLOSE_TIMEOUT_MS = 10_000;

let gateway: RunningGateway | undefined;
let mainWindow: BrowserWindow | undefined;
// Held for the app's lifetime: a tray that is garbage-collected disappears.
let tray: Tray | undefined;
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

  gateway = await startGateway({
    ...resolveLaunchOptions(process.env, app.getPath('userData')),
    // The renderer build sits beside this bundle (out/main, out/renderer), also inside app.asar.
    rendererDir: join(import.meta.dirname, '../renderer'),
  });
  const origin = new URL(gateway.url).origin;
  handleCopyTextRequests(origin);
  const running = gateway;
  handleLoginRequests(origin, () => running.issueDesktopLogin());
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, origin));

  const apiUrl = `${gateway.url}/v1`;
  tray = createTray(apiUrl, {
    open: openWindow,
    copyApiUrl: () => clipboard.writeText(apiUrl),
    quit: () => app.quit(),
  });
  openWindow();
}

function openWindow(): void {
  if (!gateway) return;
  if (mainWindow && !mainWindow.isDestroyed()) {
    revealWindow(mainWindow);
    return;
  }
  mainWindow = createMainWindow({ url: gateway.url });
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
  tray?.destroy();
  void closeWithin(running, GATEWAY_CLOSE_TIMEOUT_MS).finally(() => {
    shutdown = 'closed';
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
