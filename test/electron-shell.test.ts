import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MenuItemConstructorOptions } from 'electron';
import { fakeElectron, resetFakeElectron } from './helpers/fake-electron.js';

vi.mock('electron', async () => (await import('./helpers/fake-electron.js')).fakeElectron());

const { appMenuTemplate, installAppMenu } = await import('../src/main/app/app-menu.js');
const { createMainWindow, DEFAULT_WINDOW_SIZE } = await import('../src/main/app/main-window.js');
const { handleCopyTextRequests } = await import('../src/main/app/clipboard-ipc.js');
const { followThemeBackground, WINDOW_BACKGROUND, windowBackground } = await import('../src/main/app/window-theme.js');
const { rememberPlacement, restorePlacement } = await import('../src/main/app/window-state.js');
const { trayMenuTemplate } = await import('../src/main/app/tray.js');
const { trayForGateway } = await import('../src/main/app/tray-feed.js');
const { loginItem, startedAtLogin } = await import('../src/main/app/login-item.js');
const { limitNotice, notifyWhenLimitsReached } = await import('../src/main/app/limit-notifications.js');
const { handleLoginRequests } = await import('../src/main/app/login-ipc.js');
const { COPY_TEXT_CHANNEL, REQUEST_LOGIN_CHANNEL } = await import('../src/preload/bridge-contract.js');

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'switchyard-shell-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Electron's fake returns what it was given, so the template is the electron module's view of it. */
type Item = MenuItemConstructorOptions;
const roles = (items: Item[] | undefined) => (items ?? []).map((item) => item.role).filter(Boolean);
const submenu = (template: Item[], key: string) =>
  template.find((item) => item.label === key || item.role === key)?.submenu as Item[] | undefined;
const allRoles = (template: Item[]): string[] =>
  template.flatMap((item) => [item.role ?? '', ...allRoles(Array.isArray(item.submenu) ? item.submenu : [])]).filter(Boolean);

const menuOptions = { openDocs: vi.fn(), copyBaseUrl: vi.fn() };
const look = { bounds: DEFAULT_WINDOW_SIZE, maximized: false, backgroundColor: '#111418', devTools: false };

beforeEach(() => {
  resetFakeElectron();
});

describe('application menu', () => {
  it('has the standard Edit, View and Window roles, and Help opens the docs', () => {
    const template = appMenuTemplate({ ...menuOptions, platform: 'linux', devTools: false });
    expect(roles(submenu(template, 'Edit'))).toEqual(['undo', 'redo', 'cut', 'copy', 'paste', 'pasteAndMatchStyle', 'delete', 'selectAll']);
    expect(roles(submenu(template, 'View'))).toEqual(['reload', 'forceReload', 'resetZoom', 'zoomIn', 'zoomOut', 'togglefullscreen']);
    expect(roles(submenu(template, 'window'))).toEqual(['minimize', 'zoom', 'close']);
    expect(roles(submenu(template, 'File'))).toEqual(['quit']);
    const help = submenu(template, 'help') ?? [];
    (help[0]?.click as () => void)();
    expect(menuOptions.openDocs).toHaveBeenCalledOnce();
  });

  it('follows macOS conventions there (app menu, Close in File, Bring All to Front)', () => {
    const template = appMenuTemplate({ ...menuOptions, platform: 'darwin', devTools: false });
    expect(template[0]?.role).toBe('appMenu');
    expect(roles(submenu(template, 'File'))).toEqual(['close']);
    expect(roles(submenu(template, 'window'))).toContain('front');
  });

  it('offers DevTools only in development builds, and replaces the default menu', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      expect(allRoles(appMenuTemplate({ ...menuOptions, platform, devTools: false }))).not.toContain('toggleDevTools');
      expect(allRoles(appMenuTemplate({ ...menuOptions, platform, devTools: true }))).toContain('toggleDevTools');
    }
    installAppMenu({ ...menuOptions, platform: 'linux', devTools: false });
    expect(fakeElectron().Menu.setApplicationMenu).toHaveBeenCalledOnce();
  });
});

describe('main window', () => {
  it('is sandboxed, isolated, without Node, and has no DevTools in production', () => {
    createMainWindow({ url: 'http://127.0.0.1:4100' }, look);
    const window = fakeElectron().BrowserWindow.created[0]!;
    const prefs = window.options.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      webviewTag: false,
      devTools: false,
    });
    // The credential comes over a sender-checked IPC call, never on the renderer's command line (visible in ps).
    expect(prefs.additionalArguments).toBeUndefined();
    expect(window.options.backgroundColor).toBe('#111418');
    expect(window.options).toMatchObject(DEFAULT_WINDOW_SIZE);
    expect(window.loadURL).toHaveBeenCalledWith('http://127.0.0.1:4100/');
  });

  it('opens where it was, maximised if it was', () => {
    createMainWindow({ url: 'http://127.0.0.1:4100' }, { ...look, bounds: { x: 5, y: 6, width: 800, height: 600 }, maximized: true });
    const window = fakeElectron().BrowserWindow.created[0]!;
    expect(window.options).toMatchObject({ x: 5, y: 6, width: 800, height: 600 });
    window.emit('ready-to-show');
    expect(window.maximize).toHaveBeenCalledOnce();
    expect(window.show).toHaveBeenCalledOnce();
  });
});

describe('window background follows the theme', () => {
  it("matches the UI's own page background in light and dark", () => {
    const css = readFileSync(join(ROOT, 'src/renderer/styles/base.css'), 'utf8');
    const [, light, dark] = /--bg:\s*light-dark\(\s*(#[0-9a-f]{6})\s*,\s*(#[0-9a-f]{6})\s*\)/i.exec(css) ?? [];
    expect(light).toBeDefined();
    expect(WINDOW_BACKGROUND).toEqual({ light, dark });
  });

  it('paints dark before load in dark mode and repaints when the system theme changes', () => {
    const electron = fakeElectron();
    electron.nativeTheme.shouldUseDarkColors = true;
    expect(windowBackground()).toBe(WINDOW_BACKGROUND.dark);
    const window = new electron.BrowserWindow({});
    followThemeBackground(window as never);
    electron.nativeTheme.shouldUseDarkColors = false;
    electron.nativeTheme.emit('updated');
    expect(window.setBackgroundColor).toHaveBeenLastCalledWith(WINDOW_BACKGROUND.light);
    window.emit('closed');
    expect(electron.nativeTheme.listenerCount('updated')).toBe(0);
  });
});

describe('copy-text IPC', () => {
  const origin = 'http://127.0.0.1:4100';
  const handler = () => {
    handleCopyTextRequests(origin);
    const [channel, handle] = fakeElectron().ipcMain.handle.mock.calls[0] as [string, (event: unknown, text: unknown) => void];
    expect(channel).toBe(COPY_TEXT_CHANNEL);
    return handle;
  };

  it('refuses senders other than the gateway page, and non-strings', () => {
    const handle = handler();
    expect(() => handle({ senderFrame: { url: 'http://127.0.0.1:4101/' } }, 'x')).toThrow(/sender is not the Switchyard UI/);
    expect(() => handle({ senderFrame: { url: 'https://evil.example/' } }, 'x')).toThrow(/sender/);
    expect(() => handle({ senderFrame: null }, 'x')).toThrow(/sender/);
    expect(() => handle({ senderFrame: { url: `${origin}/` } }, { text: 'x' })).toThrow(/short string/);
    expect(fakeElectron().clipboard.writeText).not.toHaveBeenCalled();
  });

  it("copies for the gateway's own page", () => {
    handler()({ senderFrame: { url: `${origin}/#/keys` } }, 'sk-sy-abc');
    expect(fakeElectron().clipboard.writeText).toHaveBeenCalledWith('sk-sy-abc');
  });
});

describe('login IPC', () => {
  const origin = 'http://127.0.0.1:4100';
  const issueLogin = vi.fn(() => 'one-time-token');
  const handler = () => {
    handleLoginRequests(origin, issueLogin);
    const [channel, handle] = fakeElectron().ipcMain.handle.mock.calls[0] as [string, (event: unknown) => string];
    expect(channel).toBe(REQUEST_LOGIN_CHANNEL);
    return handle;
  };
  const topFrame = (url: string) => {
    const frame = { url };
    return { senderFrame: frame, sender: { mainFrame: frame } };
  };

  it('hands a login only to the gateway page in its top-level frame', () => {
    const handle = handler();
    expect(() => handle(topFrame('http://127.0.0.1:4101/'))).toThrow(/sender is not the Switchyard UI/);
    expect(() => handle(topFrame('https://evil.example/'))).toThrow(/sender/);
    // The gateway's page framed inside another page is not the window's own page.
    expect(() => handle({ senderFrame: { url: `${origin}/` }, sender: { mainFrame: { url: 'https://evil.example/' } } })).toThrow(/sender/);
    expect(() => handle({ senderFrame: null, sender: { mainFrame: null } })).toThrow(/sender/);
    expect(issueLogin).not.toHaveBeenCalled();
    expect(handle(topFrame(`${origin}/`))).toBe('one-time-token');
    expect(issueLogin).toHaveBeenCalledOnce();
  });
});

describe('window placement', () => {
  const areas = [{ x: 0, y: 0, width: 1920, height: 1080 }];

  it('restores saved bounds, and falls back to the default size when they are off-screen or unreadable', () => {
    const file = join(scratch, 'state-a.json');
    expect(restorePlacement(file, areas, DEFAULT_WINDOW_SIZE)).toEqual({ bounds: DEFAULT_WINDOW_SIZE, maximized: false });
    writeFileSync(file, JSON.stringify({ x: 100, y: 50, width: 1000, height: 700, maximized: true }));
    expect(restorePlacement(file, areas, DEFAULT_WINDOW_SIZE)).toEqual({ bounds: { x: 100, y: 50, width: 1000, height: 700 }, maximized: true });
    // On a monitor that has since been unplugged.
    writeFileSync(file, JSON.stringify({ x: 2500, y: 50, width: 1000, height: 700, maximized: false }));
    expect(restorePlacement(file, areas, DEFAULT_WINDOW_SIZE).bounds).toEqual(DEFAULT_WINDOW_SIZE);
    writeFileSync(file, '{"x": "left"');
    expect(restorePlacement(file, areas, DEFAULT_WINDOW_SIZE).bounds).toEqual(DEFAULT_WINDOW_SIZE);
  });

  it('saves the normal bounds when the window closes', () => {
    const file = join(scratch, 'nested', 'state-b.json');
    const window = new (fakeElectron().BrowserWindow)({});
    window.maximized = true;
    rememberPlacement(window as never, file);
    window.emit('close');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ ...window.normalBounds, maximized: true });
  });
});

describe('tray', () => {
  const state = {
    baseUrl: 'http://127.0.0.1:4100/v1',
    status: 'running' as const,
    today: { day: '2026-12-07', costUsd: 0.01234, requests: 3 },
    openAtLogin: false,
  };
  const actions = { open: vi.fn(), copyBaseUrl: vi.fn(), setOpenAtLogin: vi.fn(), quit: vi.fn() };

  it("shows the gateway's status and today's spend, copies the base URL, toggles start at login", () => {
    const template = trayMenuTemplate(state, actions);
    const labels = template.map((item) => item.label);
    expect(labels).toContain('Gateway running on 127.0.0.1:4100');
    expect(labels).toContain('Spent today: $0.0123 (3 requests, UTC day)');
    (template.find((item) => item.label === 'Copy Base URL')?.click as () => void)();
    expect(actions.copyBaseUrl).toHaveBeenCalledOnce();
    const login = template.find((item) => item.label === 'Open at Login')!;
    expect(login).toMatchObject({ type: 'checkbox', checked: false });
    (login.click as (item: { checked: boolean }) => void)({ checked: true });
    expect(actions.setOpenAtLogin).toHaveBeenCalledWith(true);
    expect(trayMenuTemplate({ ...state, status: 'stopping' }, actions)[0]?.label).toBe('Gateway stopping (127.0.0.1:4100)');
  });
});

describe('tray feed', () => {
  it("refreshes today's spend at most once a second after usage commits, and never after stopping", () => {
    vi.useFakeTimers();
    try {
      let changed: () => void = () => undefined;
      const today = vi.fn(() => ({ day: '2026-12-07', costUsd: 0.5, requests: 2 }));
      const spendWatch = { today, onChange: (listener: () => void) => ((changed = listener), () => undefined) };
      const feed = trayForGateway({ url: 'http://127.0.0.1:4100', spendWatch } as never, { isEnabled: () => false, setEnabled: vi.fn() }, { open: vi.fn(), quit: vi.fn() });
      const tray = fakeElectron().Tray.created[0]!;
      expect(tray.setContextMenu).toHaveBeenCalledTimes(1);
      changed();
      changed();
      vi.advanceTimersByTime(1_000);
      expect(tray.setContextMenu).toHaveBeenCalledTimes(2);
      (fakeElectron().Menu.buildFromTemplate.mock.results.at(-1)?.value.template as Item[])
        .find((item) => item.label === 'Copy Base URL')
        ?.click?.({} as never, undefined, {} as never);
      expect(fakeElectron().clipboard.writeText).toHaveBeenCalledWith('http://127.0.0.1:4100/v1');

      changed();
      feed.markStopping();
      expect(tray.setToolTip).toHaveBeenLastCalledWith('Switchyard — Gateway stopping (127.0.0.1:4100)');
      const queries = today.mock.calls.length;
      changed();
      vi.advanceTimersByTime(5_000);
      expect(today).toHaveBeenCalledTimes(queries);
      feed.destroy();
      expect(tray.destroy).toHaveBeenCalledOnce();
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('start at login (opt-in)', () => {
  it('is off by default and writes, then removes, an XDG autostart entry on Linux', () => {
    const env = { XDG_CONFIG_HOME: join(scratch, 'xdg'), APPIMAGE: '/opt/Apps/Switchyard "x".AppImage' };
    const item = loginItem('linux', env);
    expect(item.isEnabled()).toBe(false);
    item.setEnabled(true);
    const entry = readFileSync(join(env.XDG_CONFIG_HOME, 'autostart', 'switchyard.desktop'), 'utf8');
    expect(entry).toContain('Exec="/opt/Apps/Switchyard \\"x\\".AppImage" --hidden');
    expect(item.isEnabled()).toBe(true);
    item.setEnabled(false);
    expect(existsSync(join(env.XDG_CONFIG_HOME, 'autostart', 'switchyard.desktop'))).toBe(false);
  });

  it("uses the OS login items on macOS and Windows, and a login launch opens no window", () => {
    loginItem('win32').setEnabled(true);
    expect(fakeElectron().app.setLoginItemSettings).toHaveBeenCalledWith({ openAtLogin: true, args: ['--hidden'] });
    expect(startedAtLogin(['switchyard.exe', '--hidden'], 'win32')).toBe(true);
    expect(startedAtLogin(['switchyard.exe'], 'win32')).toBe(false);
    fakeElectron().app.getLoginItemSettings.mockReturnValue({ openAtLogin: true, wasOpenedAtLogin: true });
    expect(startedAtLogin(['Switchyard'], 'darwin')).toBe(true);
  });
});

describe('limit notifications', () => {
  it('shows a notification when the watch reports a key at its limit', () => {
    let listener: ((event: Parameters<typeof limitNotice>[0]) => void) | undefined;
    notifyWhenLimitsReached({ onLimitReached: (l) => ((listener = l), () => undefined) });
    listener?.({ keyName: 'cursor', limitUsd: 5, period: 'daily', spentUsd: 5.0012 });
    expect(fakeElectron().Notification.shown).toEqual([
      {
        title: 'App key "cursor" hit its spend limit',
        body: 'It has spent $5.00 of its daily limit of $5.00; its requests are refused (402) until the limit resets or is raised.',
      },
    ]);
  });
});
