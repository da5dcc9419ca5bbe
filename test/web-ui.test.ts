/**
 * The web UI as a browser sees it: the real gateway serves the built renderer, and
 * headless Chromium signs in with the one-time login link and renders the status. Screenshots land in out/screenshots/ for people to look at.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../src/main/core/gateway.js';
import { usageDbPath } from '../src/main/core/paths.js';
import { AppKeyStore } from '../src/main/core/secrets/app-keys.js';
import { openDb } from '../src/main/core/usage/usage-db.js';
import { launchBrowser, type LaunchedBrowser } from './helpers/browser.js';

const projectRoot = resolve(import.meta.dirname, '..');
const rendererDir = join(projectRoot, 'out', 'renderer');
const screenshotDir = join(projectRoot, 'out', 'screenshots');

/** Generous for a loaded machine. */
const UI_WAIT_MS = 20_000;

const CONFIG = {
  providers: {
    local: { type: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1', models: ['m1'] },
  },
};

function ensureRendererBuilt(): void {
  if (existsSync(join(rendererDir, 'index.html'))) return;
  execFileSync('npx', ['vite', 'build', '--config', 'vite.web.config.ts'], {
    cwd: projectRoot,
    stdio: 'inherit',
    timeout: 180_000,
  });
}

function createAppKey(dataDir: string, name: string): string {
  const db = openDb(usageDbPath(dataDir));
  try {
    return new AppKeyStore(db).create({ name }).key;
  } finally {
    db.close();
  }
}

describe('web UI gateway screen', () => {
  let dataDir: string;
  let gateway: RunningGateway;
  let browser: LaunchedBrowser;
  const pageErrors: string[] = [];
  const requestedUrls: string[] = [];

  beforeAll(async () => {
    ensureRendererBuilt();
    dataDir = mkdtempSync(join(tmpdir(), 'switchyard-web-ui-'));
    const configPath = join(dataDir, 'config.json');
    writeFileSync(configPath, JSON.stringify(CONFIG));
    gateway = await startGateway({
      dataDir,
      configPath,
      port: 0,
      rendererDir,
      // A hermetic key store: the test must not touch the OS keychain of whoever runs it.
      env: { SWITCHYARD_VAULT: 'file', SWITCHYARD_VAULT_PASSPHRASE: 'web-ui-test' },
    });
    browser = await launchBrowser();
    browser.page.on('pageerror', (err) => pageErrors.push(err.message));
    browser.page.on('request', (request) => requestedUrls.push(request.url()));
    mkdirSync(screenshotDir, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows the OpenAI base URL, and the configured provider on the providers screen', async () => {
    const { page } = browser;
    const statusResponse = page.waitForResponse((response) => response.url().endsWith('/_app/api/status'), {
      timeout: UI_WAIT_MS,
    });
    await page.goto(gateway.createLoginUrl());
    expect((await statusResponse).status()).toBe(200);
    expect(page.url()).toBe(`${gateway.url}/`);

    await page.getByRole('link', { name: 'Providers' }).click();
    const card = page.getByTestId('provider-card');
    await card.waitFor({ timeout: UI_WAIT_MS });
    const providerText = await card.innerText();
    expect(providerText).toContain('local');
    expect(providerText).toContain('openai-compatible');
    expect(providerText).toContain('http://127.0.0.1:9/v1');

    await page.getByRole('link', { name: 'Gateway' }).click();
    const apiUrl = page.getByTestId('api-url');
    await apiUrl.waitFor({ timeout: UI_WAIT_MS });
    expect(await apiUrl.textContent()).toBe(`${gateway.url}/v1`);

    expect(await page.getByText('No requests yet').isVisible()).toBe(true);
    expect(await page.getByRole('alert').count()).toBe(0);

    await page.screenshot({ path: join(screenshotDir, 'status.png'), fullPage: true });
  });

  it('copies the OpenAI base URL to the clipboard', async () => {
    const { page, context } = browser;
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: gateway.url });
    const button = page.getByRole('button', { name: 'Copy OpenAI base URL' }).first();
    await button.click();
    await page.getByRole('button', { name: 'Copy OpenAI base URL' }).filter({ hasText: 'Copied' }).first().waitFor({
      timeout: UI_WAIT_MS,
    });
    // A string expression: the test is typechecked without DOM types.
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(`${gateway.url}/v1`);
  });

  it('lists a request made through the gateway without a reload (pushed over the event stream)', async () => {
    const key = createAppKey(dataDir, 'web-ui-test');
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ model: 'local/m1', messages: [{ role: 'user', content: 'hello' }] }),
    });
    await response.body?.cancel();
    expect(response.ok).toBe(false);

    const { page } = browser;
    const row = page.getByTestId('request-row').first();
    await row.waitFor({ timeout: UI_WAIT_MS });
    const rowText = await row.innerText();
    expect(rowText).toContain('web-ui-test');
    expect(rowText).toContain('local/m1');
    expect(rowText).toContain(String(response.status));
    expect(await page.getByText('No requests yet').count()).toBe(0);

    await page.screenshot({ path: join(screenshotDir, 'status-with-request.png'), fullPage: true });
  });

  it('stays on the gateway origin and raises no page errors', () => {
    const origin = new URL(gateway.url).origin;
    expect(requestedUrls.length).toBeGreaterThan(0);
    expect(requestedUrls.filter((url) => new URL(url).origin !== origin)).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
