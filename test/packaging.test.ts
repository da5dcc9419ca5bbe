import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { FuseState, FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { parse as parseYaml } from 'yaml';
import { NATIVE_MODULES } from '../electron.vite.config.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const scratch = mkdtempSync(join(tmpdir(), 'switchyard-packaging-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

type BuilderConfig = Record<string, any>;
const builderConfig = (): BuilderConfig => parseYaml(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')) as BuilderConfig;
const readJson = (path: string) => JSON.parse(readFileSync(join(ROOT, path), 'utf8')) as Record<string, any>;

/** electron-builder's own validation (its JSON schema plus its deprecation checks), as `electron-builder` runs it. */
async function validate(config: BuilderConfig): Promise<void> {
  const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
    validateConfiguration(config: BuilderConfig, debug: { isEnabled: boolean; add(): void }): Promise<void>;
  };
  await validateConfiguration(config, { isEnabled: false, add() {} });
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(path: string): [number, number] {
  const png = readFileSync(path);
  expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
  return [png.readUInt32BE(16), png.readUInt32BE(20)];
}

describe('electron-builder configuration', () => {
  it("is valid against electron-builder's schema, and an invalid one is not", async () => {
    await expect(validate(builderConfig())).resolves.toBeUndefined();
    await expect(validate({ ...builderConfig(), mac: { ...builderConfig().mac, hardenedRuntime: 'yes' } })).rejects.toThrow(/hardenedRuntime/);
    await expect(validate({ ...builderConfig(), asarr: true })).rejects.toThrow(/asarr/);
  });

  it('packages AppImage and deb, a hardened dmg and an nsis installer, with asar and the fuses hook', () => {
    const config = builderConfig();
    expect(config.asar).toBe(true);
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.mac.hardenedRuntime).toBe(true);
    expect(readFileSync(join(ROOT, config.mac.entitlements), 'utf8')).toContain('com.apple.security.cs.allow-jit');
    expect(config.win.target).toEqual(['nsis']);
    expect(existsSync(join(ROOT, config.afterPack))).toBe(true);
    expect(existsSync(join(ROOT, config.extraResources[0].from))).toBe(true);
  });

  it('has icons at every size the three platforms use', () => {
    const config = builderConfig();
    for (const size of [16, 24, 32, 48, 64, 128, 256, 512, 1024]) {
      expect(pngSize(join(ROOT, config.linux.icon, `${size}x${size}.png`))).toEqual([size, size]);
    }
    const icns = readFileSync(join(ROOT, config.mac.icon));
    expect(icns.subarray(0, 4).toString('latin1')).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    // ICO: reserved 0, type 1, image count; each directory entry starts with width (0 means 256).
    const ico = readFileSync(join(ROOT, config.win.icon));
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2)]).toEqual([0, 1]);
    const widths = Array.from({ length: ico.readUInt16LE(4) }, (_, i) => ico[6 + i * 16] || 256);
    expect(widths).toEqual(expect.arrayContaining([16, 32, 48, 256]));
  });
});

describe("the app's own module folder (app/)", () => {
  it('lists exactly the native modules the main bundle leaves external, pinned as in the root package.json', () => {
    const app = readJson('app/package.json');
    const root = readJson('package.json');
    expect(app.version).toBe(root.version);
    expect(app.type).toBe('module');
    expect(`app/${app.main}`).toBe(root.main);
    const appDeps = { ...app.dependencies, ...app.optionalDependencies };
    expect(Object.keys(appDeps).sort()).toEqual([...NATIVE_MODULES].sort());
    const rootDeps = { ...root.dependencies, ...root.optionalDependencies };
    for (const name of NATIVE_MODULES) expect(appDeps[name], name).toBe(rootDeps[name]);
    expect(Object.keys(app.allowScripts).sort()).toEqual([...NATIVE_MODULES].sort());
    expect(root.devDependencies['electron-builder']).toMatch(/^\d+\.\d+\.\d+$/);
    expect(root.scripts.dist).toContain('electron-builder');
    expect(root.scripts.prestart).toContain('electron-builder install-app-deps');
  });
});

describe('Electron fuses (afterPack hook)', () => {
  const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
  /** Electron's stock wire: run-as-node, NODE_OPTIONS and --inspect on; integrity and asar-only off. */
  const STOCK_WIRE = '1011001';

  function fakeElectronBinary(path: string): void {
    mkdirSync(join(path, '..'), { recursive: true });
    const filler = Buffer.alloc(64 * 1024, 0x90);
    const wire = Buffer.concat([Buffer.from(SENTINEL), Buffer.from([1, STOCK_WIRE.length]), Buffer.from(STOCK_WIRE)]);
    writeFileSync(path, Buffer.concat([filler, wire, filler]));
  }

  const packagedApp = (platform: string, appOutDir: string) => ({
    appOutDir,
    electronPlatformName: platform,
    arch: 1,
    packager: { executableName: 'switchyard', appInfo: { productFilename: 'Switchyard' } },
  });

  const loadHook = async () =>
    (await import(pathToFileURL(join(ROOT, 'build/after-pack.mjs')).href)) as {
      afterPack(context: ReturnType<typeof packagedApp>): Promise<void>;
    };

  it('flips every fuse the issue names in the packaged binary, on Linux and Windows', async () => {
    const hook = await loadHook();
    for (const [platform, file] of [['linux', 'switchyard'], ['win32', 'Switchyard.exe']] as const) {
      const appOutDir = join(scratch, platform);
      fakeElectronBinary(join(appOutDir, file));
      await hook.afterPack(packagedApp(platform, appOutDir));
      const wire = await getCurrentFuseWire(join(appOutDir, file));
      expect(wire[FuseV1Options.RunAsNode], platform).toBe(FuseState.DISABLE);
      expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(FuseState.DISABLE);
      expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe(FuseState.DISABLE);
      expect(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(FuseState.ENABLE);
      expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(FuseState.ENABLE);
      expect(wire[FuseV1Options.EnableCookieEncryption]).toBe(FuseState.ENABLE);
      // A fuse the app does not set keeps the binary's own value.
      expect(wire[FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]).toBe(FuseState.ENABLE);
    }
  });

  it('finds the fuse wire inside the .app bundle on macOS', async () => {
    const appOutDir = join(scratch, 'darwin');
    const framework = join(appOutDir, 'Switchyard.app', 'Contents', 'Frameworks', 'Electron Framework.framework', 'Electron Framework');
    fakeElectronBinary(framework);
    const hook = await loadHook();
    await hook.afterPack(packagedApp('darwin', appOutDir));
    expect((await getCurrentFuseWire(join(appOutDir, 'Switchyard.app')))[FuseV1Options.RunAsNode]).toBe(FuseState.DISABLE);
  });
});
