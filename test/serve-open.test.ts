/**
 * `serve --open` hands the one-time login link to the system's browser opener (the `open`
 * package: xdg-open on Linux, which honours $BROWSER). A stand-in browser records what it got.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServe, type ServeProcess } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'switchyard-open-'));
let serve: ServeProcess | undefined;
afterAll(async () => {
  if (serve?.child.exitCode === null) await serve.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('serve --open', () => {
  it('opens the login link in the browser, and the link signs that browser in once', async () => {
    const opened = join(dir, 'opened.txt');
    const browser = join(dir, 'browser.sh');
    writeFileSync(browser, `#!/bin/sh\nprintf '%s' "$1" > '${opened}'\n`);
    chmodSync(browser, 0o755);
    serve = await startServe(['--port', '0', '--open'], join(dir, 'data'), {
      BROWSER: browser,
      XDG_CURRENT_DESKTOP: '',
      DISPLAY: '',
      SWITCHYARD_VAULT: 'file',
      SWITCHYARD_VAULT_PASSPHRASE: 'open-test',
    });
    const deadline = Date.now() + 15_000;
    while (!existsSync(opened) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(readFileSync(opened, 'utf8')).toBe(serve.loginUrl);
    const login = await fetch(serve.loginUrl, { redirect: 'manual' });
    expect(login.headers.get('set-cookie')).toMatch(/^switchyard_session_\d+=/);
  });
});
