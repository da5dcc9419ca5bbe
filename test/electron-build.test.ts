import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

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
});
