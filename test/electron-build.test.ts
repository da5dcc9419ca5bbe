import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { builtinModules } from 'node:module';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NATIVE_MODULES } from '../electron.vite.config.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
let out: string;
let build: ReturnType<typeof spawnSync>;

beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), 'switchyard-electron-build-'));
  build = spawnSync(join(ROOT, 'node_modules', '.bin', 'electron-vite'), ['build'], {
    cwd: ROOT,
    env: { ...process.env, SWITCHYARD_ELECTRON_OUT_DIR: out },
    encoding: 'utf8',
    timeout: 240_000,
  });
}, 240_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** The Electron binary cannot be downloaded here, so the desktop shell is checked as built code. */
describe('the desktop app builds with electron-vite', () => {
  it('builds main, preload and renderer', () => {
    expect(build.status, String(build.stderr)).toBe(0);
    const html = readFileSync(join(out, 'renderer', 'index.html'), 'utf8');
    expect(html).toContain('<div id="root">');
    expect(html).not.toMatch(/session|token/i);
  });

  it('keeps the window sandboxed and isolated, and electron out of the core', () => {
    const main = readFileSync(join(out, 'main', 'index.js'), 'utf8');
    for (const setting of ['sandbox: true', 'contextIsolation: true', 'nodeIntegration: false', 'webSecurity: true']) {
      expect(main, setting).toContain(setting);
    }
    expect(main).toContain('setPermissionRequestHandler');
    expect(main).toContain('will-navigate');
    expect(main).not.toContain('@electron-toolkit');
  });

  it('hands the window its credential over a sender-checked IPC call, never on its command line', () => {
    const main = readFileSync(join(out, 'main', 'index.js'), 'utf8');
    expect(main).not.toContain('additionalArguments');
    expect(main).toContain('"switchyard:request-login"');
    expect(main).toMatch(/senderFrame[\s\S]{0,200}mainFrame[\s\S]{0,200}origin/);
    const preload = readFileSync(join(out, 'preload', 'index.cjs'), 'utf8');
    expect(preload).not.toContain('process.argv');
    expect(preload).toContain('"switchyard:request-login"');
  });

  it('gives the renderer a narrow bridge: no ipcRenderer, process or env', () => {
    const preload = readFileSync(join(out, 'preload', 'index.cjs'), 'utf8');
    const required = [...preload.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
    expect(new Set(required)).toEqual(new Set(['electron']));
    expect(preload).toContain('exposeInMainWorld("switchyard"');
    expect(preload).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer\s*[,)]/);
    expect(preload).not.toContain('process.env');
    expect(preload).not.toContain('@electron-toolkit');
  });

  it('leaves only Node built-ins, electron and the native modules of app/package.json outside the main bundle', () => {
    const main = readFileSync(join(out, 'main', 'index.js'), 'utf8');
    // Static imports, rolldown's __require() for bundled CommonJS, and dynamic import() (keytar),
    // outside the comments that bundled libraries carry.
    const code = main.split('\n').filter((line) => !/^\s*(\*|\/\/|\/\*)/.test(line));
    const external = new Set(
      code.flatMap((line) =>
        [...line.matchAll(/^import\s+(?:[^'"]*?from\s*)?["']([^"']+)["']|__require\(["']([^"']+)["']\)|\bimport\(["']([^"']+)["']\)/g)].map(
          (m) => m[1] ?? m[2] ?? m[3] ?? '',
        ),
      ),
    );
    // The bundle's own chunks (gpt-tokenizer's encoding is imported lazily) ship beside it.
    const ownChunk = (name: string) => name.startsWith('./chunks/') && existsSync(join(out, 'main', name));
    const allowed = (name: string) =>
      name.startsWith('node:') || builtinModules.includes(name) || name === 'electron' || NATIVE_MODULES.includes(name) || ownChunk(name);
    expect([...external].filter((name) => !allowed(name))).toEqual([]);
    for (const name of ['electron', 'better-sqlite3']) expect(external).toContain(name);
    // The packaged app has no zod, undici or genai-prices in app/node_modules: they must be bundled.
    expect(external).not.toContain('zod');
  });

  it('emits the preload as CommonJS (a sandboxed preload cannot be an ES module)', () => {
    const preload = readFileSync(join(out, 'preload', 'index.cjs'), 'utf8');
    expect(preload).toMatch(/require\("electron"\)/);
    expect(preload).not.toMatch(/^\s*(import|export)\s/m);
    expect(preload).not.toContain('import.meta');
  });

  it('puts no Node built-in in the renderer bundle', () => {
    const assets = join(out, 'renderer', 'assets');
    const scripts = readdirSync(assets).filter((file) => file.endsWith('.js'));
    expect(scripts.length).toBeGreaterThan(0);
    for (const file of scripts) {
      // Outside comments: bundled libraries' JSDoc shows Node usage in examples (unified's `import process from 'node:process'`).
      const code = readFileSync(join(assets, file), 'utf8')
        .split('\n')
        .filter((line) => !/^\s*(\*|\/\/|\/\*)/.test(line))
        .join('\n');
      expect(code, file).not.toMatch(/\brequire\(["']/);
      expect(code, file).not.toMatch(/from\s*["']node:|import\(["']node:/);
      expect(code, file).not.toMatch(/from\s*["'](fs|path|child_process|os|crypto|electron)["']/);
    }
  });
});
