/**
 * A new user's first minutes, in headless Chromium against a real `switchyard serve` with an
 * empty data dir and a mock provider: first run → add a provider with a key → chat streams →
 * stop → regenerate → switch model → compare three models → the conversation is still there
 * after a restart → export. Keyboard paths, axe-core on every screen, and the typed key in no
 * response, page, log or plain file. Screenshots of each screen, light and dark, go to
 * out/screenshots/ (SWITCHYARD_SCREENSHOT_DIR=docs/screenshots refreshes the README's).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeBrowserTest, launchBrowser, type LaunchedBrowser } from './helpers/browser.js';
import { auditPage, screenshotPage } from './helpers/page-checks.js';
import { startChatUpstream } from './helpers/chat-upstream.js';
import { startServe, type ServeProcess } from './helpers/cli.js';
import type { MockUpstream } from './helpers/mock-upstream.js';

const TYPED_KEY = 'sk-typed-in-the-browser-8c41f0d2a7e9';
const WAIT = { timeout: 20_000 };
const shots = resolve(process.env.SWITCHYARD_SCREENSHOT_DIR ?? join(import.meta.dirname, '..', 'out', 'screenshots'));
const env = { SWITCHYARD_VAULT: 'file', SWITCHYARD_VAULT_PASSPHRASE: 'journey-test' };

let dataDir: string;
let upstream: MockUpstream;
let serve: ServeProcess;
let browser: LaunchedBrowser;
let page: Page;
const bodies: string[] = [];
const pageErrors: string[] = [];
const axeFindings: string[] = [];

async function signIn(): Promise<void> {
  await page.goto(serve.loginUrl);
  await page.waitForURL(`${serve.url}/`, WAIT);
}

async function audit(name: string): Promise<void> {
  await auditPage(page, name, axeFindings);
}

async function screenshot(name: string): Promise<void> {
  await screenshotPage(page, shots, name);
}

function lastAnswer() {
  return page.getByTestId('assistant-message').last();
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  dataDir = mkdtempSync(join(tmpdir(), 'switchyard-journey-'));
  upstream = await startChatUpstream(TYPED_KEY);
  serve = await startServe(['--port', '0'], dataDir, env);
  browser = await launchBrowser({ width: 1280, height: 820 });
  page = browser.page;
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('response', (response) => {
    if (response.url().includes('/_app/api/') && !response.url().endsWith('/events')) {
      response.text().then((t) => bodies.push(t), () => undefined);
    }
  });
}, 90_000);

afterAll(() => closeBrowserTest({ browser, serve, upstreams: [upstream], dirs: [dataDir] }));

describe('a new user, in the browser against serve', () => {
  it('starts on the first-run screen: common providers, local servers probed, vault state', async () => {
    await signIn();
    await page.getByRole('heading', { name: 'Connect a provider to start chatting' }).waitFor(WAIT);
    for (const name of ['OpenAI', 'Anthropic', 'Google Gemini', 'Groq', 'DeepSeek', 'Mistral', 'xAI', 'OpenRouter']) {
      expect(await page.getByRole('button', { name, exact: true }).count(), name).toBe(1);
    }
    await expect.poll(() => page.getByTestId('local-server').count(), WAIT).toBe(4);
    expect(await page.getByTestId('vault-notice').innerText()).toContain('Encrypted file');
    await audit('first run');
    await screenshot('first-run');
  });

  it('adds a provider with a pasted key: test lists the models, save goes straight to chatting', async () => {
    await page.getByRole('button', { name: 'Other (OpenAI-compatible)' }).click();
    await page.getByLabel('Provider id', { exact: true }).fill('mock');
    await page.getByLabel('Base URL', { exact: true }).fill(`${upstream.url}/v1`);
    await page.getByLabel('API key', { exact: true }).fill(TYPED_KEY);
    await page.getByRole('button', { name: 'Test connection' }).click();
    await expect.poll(() => page.getByTestId('test-result').innerText(), WAIT).toContain('Connected: 3 models');
    await audit('add provider');
    await screenshot('add-provider');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('textbox', { name: 'Message' }).waitFor(WAIT);
    await expect.poll(() => page.getByRole('button', { name: /^Model: / }).innerText(), WAIT).toBe('mock/gpt-4o-mini');
  });

  it('streams an answer with its model, tokens, cost and latency', async () => {
    const composer = page.getByRole('textbox', { name: 'Message' });
    await composer.fill('hello there');
    await composer.press('Enter');
    await expect.poll(() => lastAnswer().innerText(), WAIT).toContain('answers: hello there');
    const meta = await lastAnswer().getByTestId('meta-line').innerText();
    expect(meta).toContain('mock/gpt-4o-mini');
    expect(meta).toMatch(/12 in · \d+ out/);
    // A generic server on loopback is not local unless declared (DESIGN §3): unpriced, so its cost is "unknown", never $0.
    expect(meta).toContain('cost unknown');
    expect(meta).not.toContain('$0');
    // Today's spend says so too: an unpriced request is not free.
    await expect.poll(() => page.getByTestId('today-spend').innerText(), WAIT).toBe('today $0 + unknown');
    expect(meta).toMatch(/\d+ ms|\d\.\d+ s/);
    await expect.poll(() => page.getByRole('link', { name: 'hello there' }).count(), WAIT).toBe(1);
    await audit('chat');
    await screenshot('chat');
  });

  it('stops a long answer with Esc, keeping what arrived', async () => {
    const composer = page.getByRole('textbox', { name: 'Message' });
    await composer.fill('a long story');
    await composer.press('Enter');
    await expect.poll(() => page.getByTestId('live-answer').innerText(), WAIT).toContain('word5');
    await composer.press('Escape');
    await expect.poll(() => lastAnswer().getByTestId('meta-line').innerText(), WAIT).toContain('stopped');
    const text = await lastAnswer().innerText();
    expect(text).toContain('word5');
    expect(text).not.toContain('word299');
  });

  it('regenerates the stopped answer to the end', async () => {
    await lastAnswer().getByRole('button', { name: 'Regenerate' }).click();
    await expect.poll(() => lastAnswer().innerText(), { timeout: 30_000 }).toContain('word299');
    expect(await page.getByTestId('assistant-message').count()).toBe(2);
  });

  it('switches the model mid-conversation from the keyboard', async () => {
    await page.keyboard.press('Control+Shift+M');
    const search = page.getByRole('combobox', { name: /^Search models/ });
    await search.waitFor(WAIT);
    await search.fill('o3');
    await audit('model picker');
    await screenshot('model-picker');
    await search.press('Enter');
    await expect.poll(() => page.getByRole('button', { name: /^Model: / }).innerText(), WAIT).toBe('mock/o3-mini');
    const composer = page.getByRole('textbox', { name: 'Message' });
    await composer.fill('after the switch');
    await composer.press('Enter');
    await expect.poll(() => lastAnswer().getByTestId('meta-line').innerText(), WAIT).toContain('mock/o3-mini');
    expect(await page.getByTestId('assistant-message').nth(0).getByTestId('meta-line').innerText()).toContain('mock/gpt-4o-mini');
  });

  it('compares one prompt across three models side by side with cost and speed', async () => {
    await page.keyboard.press('Alt+2');
    await page.getByRole('heading', { name: 'Compare models' }).waitFor(WAIT);
    await page.getByRole('button', { name: 'Add model' }).click();
    expect(await page.getByTestId('compare-column').count()).toBe(3);
    const composer = page.getByRole('textbox', { name: 'Message' });
    await composer.fill('compare me');
    await composer.press('Enter');
    await expect.poll(() => page.getByTestId('compare-meta').count(), WAIT).toBe(3);
    const columns = await page.getByTestId('compare-column').allInnerTexts();
    // Each column's model answered, under its upstream name.
    expect(columns[0]).toContain('gpt-4o-mini answers: compare me');
    expect(columns[1]).toContain('gpt-4o answers: compare me');
    expect(columns[2]).toContain('o3-mini answers: compare me');
    for (const meta of await page.getByTestId('compare-meta').allInnerTexts()) expect(meta).toMatch(/tokens out[\s\S]*cost unknown[\s\S]*(ms|s)/);
    await audit('compare');
    await screenshot('compare');
  });

  it('reaches every screen from the command palette and lists the shortcuts with ?', async () => {
    await page.keyboard.press('Control+k');
    const palette = page.getByRole('combobox', { name: 'Command' });
    await palette.waitFor(WAIT);
    await palette.fill('Providers');
    await audit('command palette');
    await screenshot('command-palette');
    await palette.press('Enter');
    await page.getByRole('heading', { name: 'Providers', exact: true }).waitFor(WAIT);
    expect(await page.getByTestId('provider-card').innerText()).toMatch(/key in vault …a7e9/);
    await audit('providers');
    await screenshot('providers');
    await page.keyboard.press('?');
    await page.getByRole('heading', { name: 'Keyboard shortcuts' }).waitFor(WAIT);
    await audit('shortcuts');
    await screenshot('shortcuts');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('heading', { name: 'Keyboard shortcuts' }).isVisible()).toBe(false);
    await page.keyboard.press('Alt+4');
    await page.getByTestId('api-url').waitFor(WAIT);
    await expect.poll(() => page.locator('[data-testid=request-row]').count(), WAIT).toBeGreaterThan(3);
    expect(await page.locator('[data-testid=request-row]').first().innerText()).toContain('switchyard-ui');
    await audit('gateway');
    await screenshot('gateway');
    // The last screen of the rail is reachable the same way.
    await page.keyboard.press('Alt+8');
    await expect.poll(() => page.getByRole('heading', { name: 'Privacy', exact: true }).isVisible(), WAIT).toBe(true);
  });

  it('keeps the conversation across a restart of serve, and exports it', async () => {
    expect(await serve.stop()).toBe(0);
    serve = await startServe(['--port', '0'], dataDir, env);
    await signIn();
    const link = page.getByRole('link', { name: 'hello there' });
    await link.waitFor(WAIT);
    await link.click();
    await expect.poll(() => page.getByTestId('assistant-message').count(), WAIT).toBe(3);
    expect(await page.getByTestId('user-message').allInnerTexts()).toEqual(['hello there', 'a long story', 'after the switch']);
    expect(await page.getByTestId('chat-totals').innerText()).toMatch(/tokens · cost unknown/);
    const download = page.waitForEvent('download', WAIT);
    await page.getByRole('link', { name: 'Markdown' }).click();
    const file = await (await download).path();
    const markdown = readFileSync(file, 'utf8');
    expect(markdown).toContain('# hello there');
    expect(markdown).toContain('## You\n\nafter the switch');
    expect(markdown).toContain('## mock/o3-mini');
  });

  it('loads no remote or data image from an answer, and lets only http(s) links through, to open outside', async () => {
    await page.keyboard.press('Control+Shift+O');
    const composer = page.getByRole('textbox', { name: 'Message' });
    await composer.fill('show an image');
    await composer.press('Enter');
    await expect.poll(() => lastAnswer().innerText(), WAIT).toContain('docs');
    expect(await lastAnswer().innerText()).toContain('[Image blocked: tracker]');
    expect(await lastAnswer().innerText()).toContain('[Image blocked: inline]');
    expect(await lastAnswer().locator('img').count()).toBe(0);
    expect(await lastAnswer().locator('a[href^="javascript:"]').count()).toBe(0);
    const docs = lastAnswer().getByRole('link', { name: 'docs' });
    expect(await docs.getAttribute('href')).toBe('https://example.com/docs');
    expect(await docs.getAttribute('target')).toBe('_blank');
    expect(await docs.getAttribute('rel')).toContain('noreferrer');
    expect(upstream.requests.filter((r) => r.path === '/track.png')).toEqual([]);
  });

  it('has no serious accessibility finding on any screen', () => {
    expect(axeFindings).toEqual([]);
  });

  it('never shows the typed key again: no response, page, log or plain file carries it', async () => {
    expect(bodies.length).toBeGreaterThan(20);
    for (const body of bodies) expect(body).not.toContain(TYPED_KEY);
    expect(await page.content()).not.toContain(TYPED_KEY);
    expect(serve.stdout() + serve.stderr()).not.toContain(TYPED_KEY);
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]));
    for (const file of files(dataDir)) expect(readFileSync(file).includes(TYPED_KEY), file).toBe(false);
    expect(pageErrors).toEqual([]);
  });
});
