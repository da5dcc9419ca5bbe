/**
 * Only the owner reaches the control API, seen from real browsers and a plain local process:
 * the login link signs one browser in, a second profile without it gets nothing, a page on
 * another local port cannot call the API with the owner's cookie, and GET / carries no secret.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../src/main/core/gateway.js';
import { launchBrowser, type LaunchedBrowser } from './helpers/browser.js';

const rendererDir = join(resolve(import.meta.dirname, '..'), 'out', 'renderer');
const WAIT_MS = 20_000;

let dataDir: string;
let gateway: RunningGateway;
let owner: LaunchedBrowser;
let stranger: LaunchedBrowser;
let attacker: Server;
let sessionSecret: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'switchyard-owner-'));
  gateway = await startGateway({
    dataDir,
    port: 0,
    rendererDir,
    env: { SWITCHYARD_VAULT: 'file', SWITCHYARD_VAULT_PASSPHRASE: 'owner-test' },
  });
  owner = await launchBrowser();
  stranger = await launchBrowser();
});

afterAll(async () => {
  await owner?.close();
  await stranger?.close();
  await new Promise((r) => (attacker ? attacker.close(r) : r(undefined)));
  await gateway?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the owner session in a browser', () => {
  it('signs in with the login link, drops the token from the address and keeps the cookie away from scripts', async () => {
    const { page, context } = owner;
    const status = page.waitForResponse((r) => r.url().endsWith('/_app/api/status'), { timeout: WAIT_MS });
    await page.goto(gateway.createLoginUrl());
    expect((await status).status()).toBe(200);
    expect(page.url()).toBe(`${gateway.url}/`);
    const cookies = await context.cookies(gateway.url);
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    sessionSecret = cookies[0]?.value as string;
    expect(await page.evaluate('document.cookie')).toBe('');
  });

  it('gives a second browser profile without the link nothing but the sign-in notice', async () => {
    const { page } = stranger;
    const refused: number[] = [];
    page.on('response', (r) => {
      if (r.url().includes('/_app/api/')) refused.push(r.status());
    });
    await page.goto(`${gateway.url}/`);
    await page.getByTestId('sign-in-notice').waitFor({ timeout: WAIT_MS });
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((s) => s === 401)).toBe(true);
    expect(await page.content()).not.toContain(sessionSecret);
  });

  it('does not let a page on another local port call the control API with the owner cookie', async () => {
    const target = `${gateway.url}/_app/api/status`;
    attacker = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<!doctype html><script>
        window.results = [];
        const attempts = [
          fetch(${JSON.stringify(target)}, { credentials: 'include' }),
          fetch(${JSON.stringify(target)}, { credentials: 'include', mode: 'no-cors' }),
          fetch(${JSON.stringify(`${gateway.url}/_app/api/session`)}, { method: 'POST', credentials: 'include', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: '{}' }),
        ];
        Promise.allSettled(attempts.map((p) => p.then((r) => r.text()))).then((all) => { window.results = all; window.done = true; });
      </script>`);
    });
    await new Promise<void>((r) => attacker.listen(0, '127.0.0.1', r));
    const attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`;
    const { page } = owner;
    const statuses: number[] = [];
    page.on('response', (r) => {
      if (r.url().startsWith(`${gateway.url}/_app/api/`)) statuses.push(r.status());
    });
    await page.goto(attackerUrl);
    await page.waitForFunction('window.done === true', undefined, { timeout: WAIT_MS });
    const results = (await page.evaluate('JSON.stringify(window.results)')) as string;
    expect(results).not.toContain('"providers"');
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.every((s) => s === 403)).toBe(true);
  });
});

describe('what a local process learns from GET /', () => {
  it('finds no credential in the page or its scripts, and cannot call the control API', async () => {
    const page = await fetch(`${gateway.url}/`);
    expect(page.headers.get('set-cookie')).toBeNull();
    const html = await page.text();
    const assets = [...html.matchAll(/(?:src|href)="(\/[^"]+)"/g)].map((m) => m[1] as string);
    expect(assets.length).toBeGreaterThan(0);
    const bodies = [html, ...(await Promise.all(assets.map((a) => fetch(`${gateway.url}${a}`).then((r) => r.text()))))];
    for (const body of bodies) {
      expect(body).not.toContain(sessionSecret);
      expect(body).not.toMatch(/sk-sy-[A-Za-z0-9_-]{43}/);
    }
    for (const path of ['/_app/api/status', '/_app/api/session']) {
      const res = await fetch(`${gateway.url}${path}`);
      expect(res.status, path).toBe(401);
      expect(await res.json()).toMatchObject({ error: { code: 401 } });
    }
  });
});
