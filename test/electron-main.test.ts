import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireDataDirLock } from '../src/main/core/data-dir-lock.js';
import { COPY_TEXT_CHANNEL, REQUEST_LOGIN_CHANNEL } from '../src/preload/bridge-contract.js';
import { resetFakeElectron, type FakeElectron } from './helpers/fake-electron.js';

vi.mock('electron', async () => (await import('./helpers/fake-electron.js')).fakeElectron());

/**
 * The desktop main process (src/main/app/index.ts) run against a faked `electron` and the real
 * core: a real gateway starts in a temp data dir, so the lock and the lifecycle are the real ones.
 */
const scratch = mkdtempSync(join(tmpdir(), 'switchyard-main-'));
const savedEnv = { ...process.env };
let electron: FakeElectron;
let dataDir: string;

beforeEach(() => {
  electron = resetFakeElectron();
  dataDir = mkdtempSync(join(scratch, 'data-'));
  process.env.SWITCHYARD_DATA_DIR = dataDir;
  process.env.SWITCHYARD_VAULT_PASSPHRASE = 'electron-main-test-passphrase';
  electron.app.getPath.mockReturnValue(join(dataDir, 'user-data'));
  vi.resetModules();
});
afterEach(() => {
  process.env = { ...savedEnv };
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const launchApp = () => import('../src/main/app/index.js');

describe('desktop main process', () => {
  it('quits at once when another instance already runs (single instance)', async () => {
    electron.app.requestSingleInstanceLock.mockReturnValue(false);
    await launchApp();
    expect(electron.app.enableSandbox).toHaveBeenCalledOnce();
    expect(electron.app.quit).toHaveBeenCalledOnce();
    expect(electron.app.whenReady).not.toHaveBeenCalled();
    expect(existsSync(join(dataDir, 'gateway.lock'))).toBe(false);
  });

  it('says which process holds the data dir and exits 1 when serve already runs on it', async () => {
    const serveLock = acquireDataDirLock(dataDir, 'switchyard serve');
    try {
      await launchApp();
      await vi.waitFor(() => expect(electron.app.exit).toHaveBeenCalledWith(1), { timeout: 10_000 });
      const [title, message] = electron.dialog.showErrorBox.mock.calls[0] as [string, string];
      expect(title).toBe('Switchyard could not start');
      expect(message).toContain(`data dir ${dataDir} is in use by switchyard serve (pid ${process.pid}`);
      expect(electron.BrowserWindow.created).toHaveLength(0);
    } finally {
      serveLock.release();
    }
  });

  it('starts the gateway, menu, tray and a hardened window; a second launch reveals it; quit releases the dir', async () => {
    await launchApp();
    await vi.waitFor(() => expect(electron.BrowserWindow.created).toHaveLength(1), { timeout: 20_000 });
    const window = electron.BrowserWindow.created[0]!;
    expect(window.options.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, devTools: false });
    expect(window.options.backgroundColor).toBe('#f6f7f9');
    expect(existsSync(join(dataDir, 'gateway.lock'))).toBe(true);

    const [menu] = electron.Menu.setApplicationMenu.mock.calls[0] as [{ template: { submenu?: { role?: string }[] }[] }];
    expect(JSON.stringify(menu.template)).not.toContain('toggleDevTools');
    expect(electron.session.defaultSession.setPermissionRequestHandler).toHaveBeenCalled();
    // Two sender-checked channels: copy text, and the one-time login for the control API.
    expect(electron.ipcMain.handle.mock.calls.map(([channel]) => channel).sort()).toEqual([COPY_TEXT_CHANNEL, REQUEST_LOGIN_CHANNEL].sort());
    expect(electron.Tray.created).toHaveLength(1);
    expect(electron.dialog.showMessageBox).not.toHaveBeenCalled();
    expect(electron.Tray.created[0]!.setToolTip.mock.calls[0]?.[0]).toMatch(/^Switchyard — Gateway running on 127\.0\.0\.1:\d+$/);

    // Navigation guards apply to every web contents the app creates.
    const contents = Object.assign(new EventEmitter(), { setWindowOpenHandler: vi.fn() });
    electron.app.emit('web-contents-created', {}, contents);
    const foreign = { url: 'https://evil.example/', preventDefault: vi.fn() };
    const own = { url: `${new URL(String(window.loadURL.mock.calls[0]?.[0])).origin}/#/keys`, preventDefault: vi.fn() };
    contents.emit('will-navigate', foreign);
    contents.emit('will-navigate', own);
    expect(foreign.preventDefault).toHaveBeenCalled();
    expect(own.preventDefault).not.toHaveBeenCalled();

    electron.app.emit('second-instance');
    expect(window.show).toHaveBeenCalled();
    expect(electron.BrowserWindow.created).toHaveLength(1);

    const quitEvent = { preventDefault: vi.fn() };
    electron.app.emit('before-quit', quitEvent);
    expect(quitEvent.preventDefault).toHaveBeenCalled();
    await vi.waitFor(() => expect(electron.app.quit).toHaveBeenCalled(), { timeout: 20_000 });
    expect(existsSync(join(dataDir, 'gateway.lock'))).toBe(false);
    expect(existsSync(join(dataDir, 'server.json'))).toBe(false);
  }, 60_000);

  it('says so, and stores no key, when no key store is usable (never a plaintext fallback)', async () => {
    process.env.SWITCHYARD_VAULT = 'file';
    delete process.env.SWITCHYARD_VAULT_PASSPHRASE;
    await launchApp();
    await vi.waitFor(() => expect(electron.dialog.showMessageBox).toHaveBeenCalledOnce(), { timeout: 20_000 });
    const [options] = electron.dialog.showMessageBox.mock.calls[0] as [{ message: string; detail: string }];
    expect(options.message).toBe('Provider keys cannot be stored on this computer');
    expect(options.detail).toContain('SWITCHYARD_VAULT_PASSPHRASE');
    expect(options.detail).toContain('basic_text');
    electron.app.emit('before-quit', { preventDefault: vi.fn() });
    await vi.waitFor(() => expect(existsSync(join(dataDir, 'gateway.lock'))).toBe(false), { timeout: 20_000 });
  }, 60_000);
});
