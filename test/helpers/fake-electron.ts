import { EventEmitter } from 'node:events';
import { vi } from 'vitest';

/**
 * A stand-in for the `electron` module (whose binary cannot be installed here), recording what
 * the main process asks of it. Tests use it through `vi.mock('electron', …)`; the instance lives
 * on globalThis so a test that re-imports the app after vi.resetModules sees the same fakes.
 */
export function createFakeElectron() {
  class BrowserWindow extends EventEmitter {
    static created: BrowserWindow[] = [];
    destroyed = false;
    maximized = false;
    normalBounds = { x: 10, y: 20, width: 900, height: 700 };
    readonly loadURL = vi.fn(async (_url: string) => undefined);
    readonly show = vi.fn();
    readonly focus = vi.fn();
    readonly restore = vi.fn();
    readonly maximize = vi.fn();
    readonly setBackgroundColor = vi.fn();
    constructor(readonly options: Record<string, any>) {
      super();
      BrowserWindow.created.push(this);
    }
    isDestroyed = () => this.destroyed;
    isMinimized = () => false;
    isMaximized = () => this.maximized;
    getNormalBounds = () => this.normalBounds;
  }

  class Tray extends EventEmitter {
    static created: Tray[] = [];
    readonly setToolTip = vi.fn();
    readonly setContextMenu = vi.fn();
    readonly destroy = vi.fn();
    constructor(readonly image: unknown) {
      super();
      Tray.created.push(this);
    }
  }

  class Notification {
    static readonly isSupported = vi.fn(() => true);
    static shown: { title: string; body: string }[] = [];
    constructor(readonly options: { title: string; body: string }) {}
    show() {
      Notification.shown.push(this.options);
    }
  }

  const app = Object.assign(new EventEmitter(), {
    isPackaged: true,
    enableSandbox: vi.fn(),
    requestSingleInstanceLock: vi.fn(() => true),
    whenReady: vi.fn(async () => undefined),
    quit: vi.fn(),
    exit: vi.fn(),
    getPath: vi.fn((_name: string) => '/nonexistent-user-data'),
    getAppPath: vi.fn(() => '/nonexistent-app'),
    setAppUserModelId: vi.fn(),
    getLoginItemSettings: vi.fn((_opts?: unknown) => ({ openAtLogin: false, wasOpenedAtLogin: false })),
    setLoginItemSettings: vi.fn(),
  });

  return {
    app,
    BrowserWindow,
    Tray,
    Notification,
    Menu: {
      buildFromTemplate: vi.fn((template: unknown[]) => ({ template })),
      setApplicationMenu: vi.fn(),
    },
    ipcMain: { handle: vi.fn() },
    clipboard: { writeText: vi.fn() },
    nativeTheme: Object.assign(new EventEmitter(), { shouldUseDarkColors: false }),
    nativeImage: { createFromBuffer: vi.fn(() => ({ addRepresentation: vi.fn() })) },
    dialog: { showErrorBox: vi.fn(), showMessageBox: vi.fn(async (_options: unknown) => ({ response: 0 })) },
    screen: { getAllDisplays: vi.fn(() => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }]) },
    shell: { openExternal: vi.fn(async () => undefined), openPath: vi.fn(async (_path: string) => '') },
    session: {
      defaultSession: {
        setPermissionRequestHandler: vi.fn(),
        setPermissionCheckHandler: vi.fn(),
        setDevicePermissionHandler: vi.fn(),
      },
    },
  };
}

export type FakeElectron = ReturnType<typeof createFakeElectron>;

const holder = globalThis as { __switchyardFakeElectron?: FakeElectron };

export function fakeElectron(): FakeElectron {
  holder.__switchyardFakeElectron ??= createFakeElectron();
  return holder.__switchyardFakeElectron;
}

/** Clears what the fakes recorded, in place: modules already imported keep using the same fakes. */
export function resetFakeElectron(): FakeElectron {
  const fake = fakeElectron();
  vi.clearAllMocks();
  fake.BrowserWindow.created.length = 0;
  fake.Tray.created.length = 0;
  fake.Notification.shown.length = 0;
  fake.nativeTheme.shouldUseDarkColors = false;
  fake.nativeTheme.removeAllListeners();
  fake.app.removeAllListeners();
  fake.app.isPackaged = true;
  fake.app.requestSingleInstanceLock.mockReturnValue(true);
  fake.app.getLoginItemSettings.mockReturnValue({ openAtLogin: false, wasOpenedAtLogin: false });
  return fake;
}
