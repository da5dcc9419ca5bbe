/**
 * App keys, Spending and Activity in headless Chromium against a real `switchyard serve` with a
 * priced mock provider: create a key with a limit in the UI, use it from the openai SDK, watch the
 * spending figures and the limit bar move, lower the limit until the SDK gets 402 and the notice
 * shows, export the range as CSV and compare it with `switchyard usage --csv`, revoke the key.
 * Connect-a-tool snippets, copied through the clipboard, are used verbatim: the environment by the
 * openai SDK, the curl command by the real curl, the openai, AI SDK and OpenRouter SDK modules by
 * node, the Claude Code settings by the real claude CLI; "Check it" sees the first request. That
 * request's trace is opened and replayed against another model, with the word diff shown; the log
 * is filtered by time. A failing provider's circuit opening is announced. The
 * control routes refuse without the owner's cookie; axe-core finds nothing serious on any screen.
 * Screenshots light and dark go to out/screenshots/ (SWITCHYARD_SCREENSHOT_DIR=docs/screenshots
 * refreshes the README's).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import OpenAI from 'openai';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeBrowserTest, launchBrowser, type LaunchedBrowser } from './helpers/browser.js';
import { auditPage, screenshotPage } from './helpers/page-checks.js';
import { startChatUpstream } from './helpers/chat-upstream.js';
import { runCli, startServe, type ServeProcess } from './helpers/cli.js';
import { startMockUpstream, type MockUpstream } from './helpers/mock-upstream.js';

const UPSTREAM_KEY = 'sk-mock-upstream-5f2a9c0e71b4';
const WAIT = { timeout: 20_000 };
const shots = resolve(process.env.SWITCHYARD_SCREENSHOT_DIR ?? join(import.meta.dirname, '..', 'out', 'screenshots'));
// USD per token. The mock answers 12 prompt and 4 completion tokens: 12 × 0.0001 + 4 × 0.001 = $0.0052.
const PRICING = { prompt: '0.0001', completion: '0.001' };
const ONE_REQUEST_USD = 0.0052;

const ROOT = resolve(import.meta.dirname, '..');
/** The snippets run as ES modules from here, so `openai`, `ai` and `@openrouter/sdk` resolve from the repo's node_modules. */
let snippetDir: string;
let dataDir: string;
let upstream: MockUpstream;
/** A provider that answers every chat with HTTP 500: its circuit opens after three in a row. */
let failing: MockUpstream;
/** The request made with the copied curl command. */
let curlRequestId: string;
let serve: ServeProcess;
let browser: LaunchedBrowser;
let page: Page;
let createdKey: string;
/** The key made from the empty Activity screen's snippet. */
let toolKey: string;
const pageErrors: string[] = [];
const axeFindings: string[] = [];

async function audit(name: string): Promise<void> {
  await auditPage(page, name, axeFindings);
}

/** The whole screen: its content scrolls inside the shell, so the window grows to fit it for the picture. */
async function screenshot(name: string): Promise<void> {
  const height = await page.locator('.screen').evaluate((el: { scrollHeight: number }) => el.scrollHeight);
  await page.setViewportSize({ width: 1280, height: Math.min(2000, Math.max(900, height + 60)) });
  await screenshotPage(page, shots, name);
  await page.setViewportSize({ width: 1280, height: 900 });
}

function keyRow(name: string) {
  return page.locator(`[data-testid="app-key-row"][data-key-name="${name}"]`);
}

function sdk(apiKey: string): OpenAI {
  return new OpenAI({ apiKey, baseURL: `${serve.url}/v1`, maxRetries: 0 });
}

async function ask(apiKey: string) {
  return sdk(apiKey).chat.completions.create({ model: 'mock/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], max_tokens: 10 });
}

/** Copies the shown snippet of a tool with its copy button; the clipboard must hold exactly what the page shows. */
async function copySnippet(tool: string): Promise<string> {
  const panel = page.getByTestId('connect-tool');
  await panel.getByRole('group', { name: 'Tool' }).getByRole('button', { name: tool, exact: true }).click();
  const shown = await panel.getByTestId('snippet').innerText();
  await panel.getByRole('button', { name: `Copy the ${tool} settings` }).click();
  await expect.poll(() => panel.getByRole('button', { name: `Copy the ${tool} settings` }).innerText()).toBe('Copied');
  // A string, so the page (not this Node-typed file) reads its own clipboard.
  const copied = (await page.evaluate('navigator.clipboard.readText()')) as string;
  expect(copied).toBe(shown);
  return copied;
}

/** Asynchronous: the mock upstream answers from this process, so its event loop must keep running. */
const run = promisify(execFile);

/** Runs a copied ES-module snippet as it is, with node. */
async function runModule(name: string, source: string): Promise<string> {
  const file = join(snippetDir, `${name}.mjs`);
  writeFileSync(file, source);
  const { stdout, stderr } = await run(process.execPath, [file], { timeout: 30_000 });
  expect(stderr).toBe('');
  return stdout.trim();
}

async function ownerCookie(): Promise<string> {
  const cookies = await page.context().cookies(serve.url);
  return cookies.map((c) => `${c.name}=${c.value}`).join('; ');
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  dataDir = mkdtempSync(join(tmpdir(), 'switchyard-spending-'));
  mkdirSync(join(ROOT, 'out'), { recursive: true });
  snippetDir = mkdtempSync(join(ROOT, 'out', 'snippets-'));
  upstream = await startChatUpstream(UPSTREAM_KEY);
  failing = await startMockUpstream();
  failing.on('POST', '/v1/chat/completions', { status: 500, body: { error: { message: 'the mock is down', type: 'server_error' } } });
  const provider = { type: 'openai-compatible', baseUrl: `${upstream.url}/v1`, apiKeyEnv: 'MOCK_UPSTREAM_KEY', models: ['gpt-4o-mini', 'gpt-4o'], pricing: PRICING };
  const down = { type: 'openai-compatible', baseUrl: `${failing.url}/v1`, apiKeyEnv: 'MOCK_UPSTREAM_KEY', models: ['gpt-4o-mini'] };
  // The same upstream unpriced: the connect-a-tool request costs "unknown", so it moves no spending figure.
  const unpriced = { type: 'openai-compatible', baseUrl: `${upstream.url}/v1`, apiKeyEnv: 'MOCK_UPSTREAM_KEY', models: ['gpt-4o-mini'] };
  writeFileSync(join(dataDir, 'config.json'), JSON.stringify({ providers: { mock: provider, unpriced, down } }));
  serve = await startServe(['--port', '0'], dataDir, { MOCK_UPSTREAM_KEY: UPSTREAM_KEY, SWITCHYARD_VAULT: 'file', SWITCHYARD_VAULT_PASSPHRASE: 'spending-test' });
  browser = await launchBrowser({ width: 1280, height: 900 });
  page = browser.page;
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('dialog', (dialog) => void dialog.accept());
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: serve.url });
  await page.goto(serve.loginUrl);
  await page.waitForURL(`${serve.url}/`, WAIT);
}, 90_000);

afterAll(() => closeBrowserTest({ browser, serve, upstreams: [upstream, failing], dirs: [dataDir, snippetDir] }));

describe('app keys and spending, in the browser against serve', () => {
  it('refuses the app-key and spending routes without the owner cookie', async () => {
    for (const [method, path] of [['GET', '/app-keys'], ['POST', '/app-keys'], ['PATCH', '/app-keys/1'], ['DELETE', '/app-keys/1'], ['GET', '/spending'], ['GET', '/spending/export'], ['GET', '/circuits'], ['GET', '/activity/gen-x/answer'], ['POST', '/activity/gen-x/replay']]) {
      const res = await fetch(`${serve.url}/_app/api${path}`, { method, headers: { 'content-type': 'application/json' }, body: method === 'GET' || method === 'DELETE' ? undefined : '{"name":"x"}' });
      expect(res.status, `${method} ${path}`).toBe(401);
      expect(((await res.json()) as { error: { code: number } }).error.code).toBe(401);
    }
  });

  it('an empty Activity shows the connect-a-tool snippet; its settings, used verbatim by the openai SDK, make a request', async () => {
    await page.getByRole('link', { name: 'Activity' }).click();
    await page.getByTestId('connect-tool').waitFor(WAIT);
    await audit('activity (empty)');
    await screenshot('activity-empty');
    // Before a key is chosen, the snippets say where it goes and "Check it" waits for one.
    expect(await page.getByTestId('snippet').innerText()).toContain("OPENAI_API_KEY='<your app key>'");
    expect(await page.getByRole('button', { name: 'Check it' }).isDisabled()).toBe(true);
    await page.getByLabel('Create a key for the tool').fill('activity-tool');
    await page.getByRole('button', { name: 'Create key' }).click();
    await expect.poll(() => page.getByTestId('snippet').innerText(), WAIT).toMatch(/OPENAI_API_KEY=sk-sy-/);
    const settings = Object.fromEntries(
      (await copySnippet('Environment')).split('\n').map((line) => line.replace(/^export /, '').split('=', 2) as [string, string]),
    );
    expect(settings.OPENAI_BASE_URL).toBe(`${serve.url}/v1`);
    expect(await copySnippet('curl')).toContain(`Authorization: Bearer ${settings.OPENAI_API_KEY}`);
    toolKey = settings.OPENAI_API_KEY as string;
    const client = new OpenAI({ apiKey: settings.OPENAI_API_KEY, baseURL: settings.OPENAI_BASE_URL, maxRetries: 0 });
    const answer = await client.chat.completions.create({ model: 'unpriced/gpt-4o-mini', messages: [{ role: 'user', content: 'from the snippet' }] });
    expect(answer.choices[0]?.message.content).toContain('answers: from the snippet');
    // The first request arrives in the log by the event stream, replacing the empty state.
    await expect.poll(() => page.getByTestId('activity-row').count(), WAIT).toBe(1);
    expect(await page.getByTestId('activity-row').innerText()).toContain('unpriced/gpt-4o-mini');
    expect(await page.getByTestId('activity-row').innerText()).toContain('cost unknown');
  });

  it('lists the built-in UI key: limitable, not revocable (in the UI and by the API)', async () => {
    await page.getByRole('link', { name: 'Keys' }).click();
    await keyRow('switchyard-ui').waitFor(WAIT);
    expect(await keyRow('switchyard-ui').innerText()).toContain('built-in');
    expect(await keyRow('switchyard-ui').getByRole('button', { name: /^Revoke/ }).count()).toBe(0);
    expect(await keyRow('switchyard-ui').getByRole('button', { name: 'Set the limit of switchyard-ui' }).count()).toBe(1);
    const cookie = await ownerCookie();
    const list = (await (await fetch(`${serve.url}/_app/api/app-keys`, { headers: { cookie } })).json()) as { keys: { id: number; builtIn: boolean }[] };
    const builtIn = list.keys.find((k) => k.builtIn);
    const refused = await fetch(`${serve.url}/_app/api/app-keys/${builtIn?.id}`, { method: 'DELETE', headers: { cookie } });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('built-in key');
  });

  it('answers bad input on the new control routes with a clear 400 or 404 in the OpenAI error shape, changing nothing', async () => {
    const cookie = await ownerCookie();
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${serve.url}/_app/api${path}`, {
        method,
        headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, error: ((await res.json()) as { error: { code: number; message: string } }).error };
    };
    const cases: [string, string, unknown, number, RegExp][] = [
      ['POST', '/app-keys', { name: 'has spaces' }, 400, /name/],
      ['POST', '/app-keys', { name: 'negative', limitUsd: -1 }, 400, /limitUsd/],
      ['POST', '/app-keys', { name: 'switchyard-ui' }, 400, /already exists/],
      ['PATCH', '/app-keys/99999', { disabled: true }, 404, /No active app key/],
      ['PATCH', '/app-keys/not-a-number', { disabled: true }, 404, /No active app key/],
      ['GET', '/spending?days=0', undefined, 400, /days/],
      ['GET', '/spending?from=2026-02-01&to=2026-01-01', undefined, 400, /from must not be after to/],
      ['GET', '/spending?from=yesterday', undefined, 400, /YYYY-MM-DD/],
      ['GET', '/spending/export?days=1000', undefined, 400, /days/],
      ['GET', '/activity?limit=100000', undefined, 400, /limit/],
      ['GET', '/activity?status=weird', undefined, 400, /status/],
      ['GET', '/activity/gen-nope', undefined, 404, /No logged request/],
      ['GET', '/activity?since=soon', undefined, 400, /since/],
      ['GET', '/activity/gen-nope/answer', undefined, 404, /No logged request/],
      ['POST', '/activity/gen-nope/replay', {}, 404, /No logged request/],
      ['POST', '/activity/gen-nope/replay', { model: '' }, 400, /model/],
    ];
    for (const [method, path, body, status, message] of cases) {
      const answer = await call(method, path, body);
      expect(answer.status, `${method} ${path}`).toBe(status);
      expect(answer.error.code, `${method} ${path}`).toBe(status);
      expect(answer.error.message, `${method} ${path}`).toMatch(message);
    }
    const builtIn = (await (await fetch(`${serve.url}/_app/api/app-keys`, { headers: { cookie } })).json()) as { keys: { id: number; builtIn: boolean }[] };
    const uiKey = builtIn.keys.find((k) => k.builtIn)?.id;
    const periodWithoutLimit = await call('PATCH', `/app-keys/${uiKey}`, { limitPeriod: 'daily' });
    expect(periodWithoutLimit.status).toBe(400);
    expect(periodWithoutLimit.error.message).toContain('needs a limit');
    // Nothing was created: the UI's key and the one made from the Activity snippet.
    expect(builtIn.keys).toHaveLength(2);
  });

  it('creates a key with a limit; the key is shown once, and works with the openai SDK', async () => {
    await page.getByRole('button', { name: 'New key' }).click();
    await page.getByLabel('Name', { exact: true }).fill('script-runner');
    await page.getByLabel('Spend limit in USD (optional)').fill('1');
    await page.getByLabel('Limit period').selectOption('daily');
    await page.getByRole('button', { name: 'Create key' }).click();
    createdKey = await page.getByTestId('created-key-value').innerText();
    expect(createdKey).toMatch(/^sk-sy-[A-Za-z0-9_-]{43}$/);
    expect(await page.getByRole('button', { name: 'Copy the new key' }).count()).toBe(1);
    await audit('keys (new key shown)');
    await page.getByRole('button', { name: 'Done' }).click();
    expect(await page.getByTestId('created-key-value').count()).toBe(0);
    await expect.poll(() => keyRow('script-runner').innerText(), WAIT).toContain(`…${createdKey.slice(-4)}`);
    expect(await keyRow('script-runner').getByTestId('limit-text').innerText()).toMatch(/^\$0 of \$1\.00 today · resets /);
    expect(await keyRow('script-runner').innerText()).toContain('never');

    const answer = await ask(createdKey);
    expect(answer.choices[0]?.message.content).toContain('answers: hi');
    // Pushed over the event stream: the bar and the last use move without a reload.
    await expect.poll(() => keyRow('script-runner').getByTestId('limit-text').innerText(), WAIT).toMatch(/^\$0\.0052 of \$1\.00 today/);
    expect(await keyRow('script-runner').getByRole('progressbar').getAttribute('aria-valuenow')).toBe(String(ONE_REQUEST_USD));
    expect(await keyRow('script-runner').innerText()).not.toContain('never');
    await audit('keys');
    await screenshot('keys');
  });

  it('shows the spend and tokens of the range, per model, provider and key, and each limit bar', async () => {
    await page.getByRole('link', { name: 'Spending' }).click();
    await expect.poll(() => page.getByTestId('spend-today').innerText(), WAIT).toBe('$0.0052');
    expect(await page.getByTestId('spend-by-model').innerText()).toMatch(/mock\/gpt-4o-mini\s+1\s+16\s+\$0\.0052/);
    expect(await page.getByTestId('spend-by-provider').innerText()).toMatch(/mock\s+1\s+16\s+\$0\.0052/);
    expect(await page.getByTestId('spend-by-app-key').innerText()).toMatch(/script-runner\s+1\s+16\s+\$0\.0052/);
    // Unknown is written "unknown", never $0 (UI.md).
    expect(await page.getByTestId('spend-by-provider').innerText()).toMatch(/unpriced\s+1\s+16\s+unknown/);
    expect(await page.getByTestId('limit-bar').innerText()).toContain('$0.0052 of $1.00 today');
    await page.locator('.recharts-bar-rectangle').first().waitFor(WAIT);

    await ask(createdKey);
    await expect.poll(() => page.getByTestId('spend-today').innerText(), WAIT).toBe('$0.0104');
    await expect.poll(() => page.getByTestId('limit-bar').innerText(), WAIT).toContain('$0.0104 of $1.00 today');

    await page.getByRole('button', { name: '7 days' }).click();
    await expect.poll(() => page.getByRole('button', { name: '7 days' }).getAttribute('aria-pressed')).toBe('true');
    await audit('spending');
    await screenshot('spending');
  });

  it('exports the shown range as CSV, the same rows the rollup holds', async () => {
    const href = (await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href')) as string;
    expect(href).toBe('/_app/api/spending/export?days=7');
    const csv = await page.evaluate(async (url) => (await fetch(url)).text(), href);
    const [header, ...rows] = csv.trim().split('\r\n');
    expect(header).toBe('day,app_key,model,provider,requests,errors,prompt_tokens,completion_tokens,cached_tokens,cache_write_tokens,reasoning_tokens,cost,unpriced_requests');
    expect(rows).toHaveLength(2);
    const today = new Date().toISOString().slice(0, 10);
    expect(rows[0]).toBe(`${today},activity-tool,unpriced/gpt-4o-mini,unpriced,1,0,12,4,0,0,0,0,1`);
    expect(rows[1]).toMatch(new RegExp(`^${today},script-runner,mock/gpt-4o-mini,mock,2,0,24,8,0,0,0,0\\.0104\\d*,0$`));
  });

  it('a limit below the spend makes the SDK get 402; disable refuses the key, enable brings it back', async () => {
    await page.getByRole('link', { name: 'Keys' }).click();
    await keyRow('script-runner').getByRole('button', { name: 'Set the limit of script-runner' }).click();
    await page.getByLabel('Limit in USD').fill('0.01');
    await keyRow('script-runner').getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => keyRow('script-runner').getByTestId('limit-text').innerText(), WAIT).toMatch(/^\$0\.0104 of \$0\.01 today/);
    // Crossing the limit is announced on whatever screen is open.
    await expect.poll(() => page.getByTestId('limit-notice').allInnerTexts(), WAIT).toEqual([
      expect.stringContaining('App key “script-runner” reached its $0.01 daily limit'),
    ]);
    await screenshot('limit-notice');
    await page.getByTestId('limit-notice').getByRole('button', { name: 'Dismiss' }).click();
    expect(await page.getByTestId('limit-notice').count()).toBe(0);
    const error = await ask(createdKey).then(() => null, (err: unknown) => err);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(402);

    await keyRow('script-runner').getByRole('button', { name: 'Disable script-runner' }).click();
    await expect.poll(() => keyRow('script-runner').innerText(), WAIT).toContain('disabled');
    expect(((await ask(createdKey).catch((err: unknown) => err)) as InstanceType<typeof OpenAI.APIError>).status).toBe(401);
    await keyRow('script-runner').getByRole('button', { name: 'Enable script-runner' }).click();
    await expect.poll(() => keyRow('script-runner').innerText(), WAIT).not.toContain('disabled');
    expect(((await ask(createdKey).catch((err: unknown) => err)) as InstanceType<typeof OpenAI.APIError>).status).toBe(402);
  });

  it('revokes the key: gone from the list, refused by the gateway', async () => {
    await keyRow('script-runner').getByRole('button', { name: 'Revoke script-runner' }).click();
    await expect.poll(() => keyRow('script-runner').count(), WAIT).toBe(0);
    expect(((await ask(createdKey).catch((err: unknown) => err)) as InstanceType<typeof OpenAI.APIError>).status).toBe(401);
  });

  it('Activity: live rows, filters, and a request\'s trace with tokens, cost, latency and TTFT', async () => {
    await page.getByRole('link', { name: 'Activity' }).click();
    await expect.poll(() => page.getByTestId('activity-row').count(), WAIT).toBeGreaterThanOrEqual(4);
    // Counted by key: the earlier tests' last rows (other keys) may still be arriving.
    const toolRows = page.getByTestId('activity-row').filter({ hasText: 'activity-tool' });
    const before = await toolRows.count();
    await ask(toolKey);
    await expect.poll(() => toolRows.count(), WAIT).toBe(before + 1);

    await page.getByLabel('Status', { exact: true }).selectOption('error');
    // The list empties while the filtered page loads: wait for the refusals themselves.
    await expect
      .poll(async () => {
        const texts = await page.getByTestId('activity-row').allInnerTexts();
        return texts.length >= 2 && texts.every((t) => /\b402\b/.test(t));
      }, WAIT)
      .toBe(true);
    await page.getByLabel('Status', { exact: true }).selectOption('');
    await page.getByLabel('Model', { exact: true }).selectOption('mock/gpt-4o-mini');
    await page.getByLabel('App key', { exact: true }).selectOption('activity-tool');
    await expect.poll(() => page.getByTestId('activity-row').count(), WAIT).toBe(1);

    await page.getByTestId('activity-row').click();
    const detail = page.getByTestId('activity-detail');
    await detail.waitFor(WAIT);
    const text = await detail.innerText();
    expect(text).toMatch(/Served by\s+mock · gpt-4o-mini/);
    expect(text).toMatch(/Cost\s+\$0\.0052/);
    expect(text).toMatch(/Prompt tokens\s+12/);
    expect(text).toMatch(/Completion tokens\s+4/);
    expect(text).toMatch(/Latency\s+\d+ ms/);
    expect(text).toMatch(/Time to first token\s+\d+ ms/);
    expect(await detail.getByTestId('trace').innerText()).toMatch(/ok\s+mock\/gpt-4o-mini · HTTP 200/);
    // Its key logged no prompt: replay is off, and says why.
    expect(await detail.getByRole('button', { name: 'Replay' }).isDisabled()).toBe(true);
    expect(await detail.getByTestId('replay-reason').innerText()).toMatch(/prompt was not logged.*“activity-tool”.*Privacy/);
    await audit('activity');
    await screenshot('activity');

    // The time filter: the last hour holds it, a custom range yesterday nothing.
    await page.getByLabel('Time', { exact: true }).selectOption('1h');
    await expect.poll(() => page.getByTestId('activity-row').count(), WAIT).toBe(1);
    await page.getByLabel('Time', { exact: true }).selectOption('custom');
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel('From', { exact: true }).fill(`${yesterday}T00:00`);
    await page.getByLabel('To', { exact: true }).fill(`${yesterday}T23:59`);
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByText('No requests match these filters.').waitFor(WAIT);
    await audit('activity (time filter)');
    await page.getByLabel('Time', { exact: true }).selectOption('');
    await page.getByLabel('Model', { exact: true }).selectOption('');
    await page.getByLabel('App key', { exact: true }).selectOption('');
    await expect.poll(() => page.getByTestId('activity-row').count(), WAIT).toBeGreaterThan(1);
  });

  it('connects a tool from the Keys screen and the palette: snippets used verbatim by curl, the openai SDK, the AI SDK, the OpenRouter SDK and Claude Code, the rest parsed as their language; "Check it" sees the first request', async () => {
    // Its prompts are logged from now on (Privacy), so its requests can be replayed.
    const optIn = await fetch(`${serve.url}/_app/api/privacy/keys/activity-tool`, {
      method: 'PATCH',
      headers: { cookie: await ownerCookie(), 'content-type': 'application/json' },
      body: JSON.stringify({ logging: { bodies: true } }),
    });
    expect(optIn.status).toBe(200);
    await page.getByRole('link', { name: 'Keys' }).click();
    await page.getByRole('button', { name: 'Connect a tool' }).click();
    const panel = page.getByTestId('connect-tool');
    await panel.getByRole('button', { name: 'Close' }).click();
    expect(await panel.count()).toBe(0);
    // The palette opens it too.
    await page.keyboard.press('Control+k');
    await page.getByRole('option', { name: 'Connect a tool…' }).click();
    await panel.waitFor(WAIT);

    await panel.getByLabel('App key').selectOption('activity-tool');
    await panel.getByLabel('Model').selectOption('mock/gpt-4o-mini');
    expect(await panel.getByTestId('connect-key-note').innerText()).toContain('“activity-tool” is filled in');
    await panel.getByRole('button', { name: 'Check it' }).click();
    await expect.poll(() => panel.getByTestId('connect-check').innerText(), WAIT).toContain('Waiting for the first request with “activity-tool”');

    const curl = await copySnippet('curl');
    // The real curl binary, given the copied command line as it is.
    const ran = await run('bash', ['-c', curl], { timeout: 30_000 });
    const answer = JSON.parse(ran.stdout) as OpenAI.Chat.ChatCompletion;
    expect(answer.choices[0]?.message.content).toBe('**gpt-4o-mini** answers: Hello.');
    curlRequestId = answer.id;
    await expect.poll(() => panel.getByTestId('connect-check').innerText(), WAIT).toMatch(/arrived\s+mock\/gpt-4o-mini · HTTP 200/);
    await audit('keys (connect a tool)');
    await screenshot('connect-tool');

    expect(await runModule('openai-sdk', await copySnippet('openai (JS)'))).toBe('**gpt-4o-mini** answers: Hello.');
    expect(await runModule('ai-sdk', await copySnippet('AI SDK'))).toBe('**gpt-4o-mini** answers: Hello.');
    expect(await runModule('openrouter-sdk', await copySnippet('OpenRouter SDK'))).toBe('**gpt-4o-mini** answers: Hello.');

    // Claude Code (installed with the dev dependencies) runs under the snippet's settings, its last line given a prompt.
    const claudeCode = await copySnippet('Claude Code');
    expect(claudeCode).toContain('export ANTHROPIC_MODEL=mock/gpt-4o-mini\nexport ANTHROPIC_DEFAULT_HAIKU_MODEL=mock/gpt-4o-mini\n');
    expect(claudeCode.endsWith('\nclaude')).toBe(true);
    const home = mkdtempSync(join(snippetDir, 'home-'));
    const claude = await run('bash', ['-c', `${claudeCode} -p Hello`], {
      timeout: 90_000,
      cwd: home,
      env: { PATH: `${join(ROOT, 'node_modules', '.bin')}:${process.env.PATH ?? ''}`, HOME: home, LANG: 'C.UTF-8', DISABLE_AUTOUPDATER: '1', DISABLE_TELEMETRY: '1', DISABLE_ERROR_REPORTING: '1' },
    });
    expect(claude.stdout).toContain('**gpt-4o-mini** answers:');

    // The others cannot run here (no Python packages, no editors): each is checked as its own language reads it.
    for (const tool of ['openai (Python)', 'LangChain']) {
      const python = await copySnippet(tool);
      expect(python).toContain(`base_url="${serve.url}/v1", api_key="${toolKey}"`);
      await run('python3', ['-c', 'import ast, sys; ast.parse(sys.argv[1])', python]);
    }
    const continueConfig = parseYaml(await copySnippet('Continue')) as { models: Record<string, string>[] };
    expect(continueConfig.models[0]).toMatchObject({ provider: 'openai', model: 'mock/gpt-4o-mini', apiBase: `${serve.url}/v1`, apiKey: toolKey });
    const aider = await copySnippet('aider');
    await run('bash', ['-n', '-c', aider]);
    expect(aider).toContain(`export OPENAI_API_BASE=${serve.url}/v1\nexport OPENAI_API_KEY=${toolKey}\naider --model openai/mock/gpt-4o-mini`);
    expect(await copySnippet('Cline / Roo Code')).toBe(`Base URL:  ${serve.url}/v1\nAPI Key:   ${toolKey}\nModel ID:  mock/gpt-4o-mini`);
    expect(await copySnippet('Cursor')).toContain(`OpenAI API Key:            ${toolKey}\nOverride OpenAI Base URL:  ${serve.url}/v1`);
    expect(await panel.getByText('cannot reach 127.0.0.1').count()).toBe(1);
  }, 150_000);

  it("opens the curl request's trace from the check, replays it against another model and shows the word diff", async () => {
    const panel = page.getByTestId('connect-tool');
    // The check still shows the first request: the curl one.
    await panel.getByRole('button', { name: 'Open in Activity' }).click();
    const detail = page.getByTestId('activity-detail');
    await expect.poll(() => detail.locator('h2').innerText(), WAIT).toBe(curlRequestId);
    expect(await detail.getByTestId('trace').innerText()).toMatch(/ok\s+mock\/gpt-4o-mini · HTTP 200/);

    await detail.getByLabel('Against model').selectOption('mock/gpt-4o');
    await detail.getByRole('button', { name: 'Replay' }).click();
    const diff = detail.getByTestId('replay-diff');
    await diff.waitFor(WAIT);
    // Without the removed words it reads as the replay's answer, without the added ones as the original's.
    const reading = (skip: string) => diff.evaluate((el: { childNodes: Iterable<{ nodeName: string; textContent: string | null }> }, tag) => [...el.childNodes].filter((n) => n.nodeName !== tag).map((n) => n.textContent).join(''), skip);
    expect(await reading('DEL')).toBe('**gpt-4o** answers: Hello.');
    expect(await reading('INS')).toBe('**gpt-4o-mini** answers: Hello.');
    expect(await diff.locator('del').count()).toBeGreaterThan(0);
    expect(await detail.getByTestId('replay-result').innerText()).toMatch(/mock\/gpt-4o-mini → mock\/gpt-4o · \$0\.0052 · gen-/);
    // The original links to its replay; the replay, logged under the UI's key, back to it.
    await expect.poll(() => detail.getByTestId('replay-links').innerText(), WAIT).toMatch(/^Replayed as gen-/);
    await audit('activity (replay)');
    await screenshot('activity-replay');
    await detail.getByTestId('replay-links').getByRole('button').click();
    await expect.poll(() => detail.locator('h2').innerText(), WAIT).not.toBe(curlRequestId);
    const replayed = await detail.innerText();
    expect(replayed).toMatch(/App key\s+switchyard-ui/);
    expect(replayed).toMatch(/Model\s+mock\/gpt-4o\n/);
    expect(await detail.getByTestId('replay-links').innerText()).toBe(`Replay of ${curlRequestId}`);
    await expect.poll(() => page.getByTestId('activity-row').first().innerText(), WAIT).toMatch(/switchyard-ui\s+mock\/gpt-4o\s/);
  }, 60_000);

  it("announces a provider whose circuit opened, on any screen", async () => {
    await page.getByRole('link', { name: 'Spending' }).click();
    // A 500 is not retried on the same endpoint: three requests, three failures in a row.
    for (let i = 0; i < 3; i++) {
      const failed = await sdk(toolKey).chat.completions.create({ model: 'down/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }).catch((err: unknown) => err);
      expect((failed as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
    }
    await expect.poll(() => page.getByTestId('circuit-notice').allInnerTexts(), WAIT).toEqual([
      expect.stringMatching(/^Provider “down” is failing: down\/gpt-4o-mini failed 3 times in a row, so routing skips it until it tries it again at /),
    ]);
    // A key with priced and unpriced requests notes the unpriced count without widening its table past its card.
    const byKey = page.getByTestId('spend-by-app-key');
    expect(await byKey.innerText()).toMatch(/activity-tool\s+\d+\s+\d+\s+\$[\d.]+\s+\+1 unpriced/);
    const scroller = byKey.locator('xpath=..');
    expect(await scroller.evaluate((el: { scrollWidth: number; clientWidth: number }) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(0);
    await audit('circuit notice');
    await screenshot('circuit-notice');
    await page.getByTestId('circuit-notice').getByRole('button', { name: 'Dismiss' }).click();
    expect(await page.getByTestId('circuit-notice').count()).toBe(0);
  });

  it('exports the range as CSV: the same rows `switchyard usage --csv` gives, summed per day, key, model and provider', async () => {
    await page.getByRole('button', { name: '7 days' }).click();
    const href = (await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href')) as string;
    const csv = await page.evaluate(async (url) => (await fetch(url)).text(), href);
    const [, ...exported] = csv.trim().split('\r\n').map((line) => line.split(','));
    const from = new Date(Date.now() - 6 * 86_400_000).toISOString().slice(0, 10);
    const cli = runCli(['usage', '--csv', '--data-dir', dataDir, '--since', `${from}T00:00:00Z`]);
    expect(cli.status, cli.stderr).toBe(0);
    const [header, ...lines] = cli.stdout.trim().split('\r\n');
    const column = (header as string).split(',');
    const at = (row: string[], name: string) => row[column.indexOf(name)] as string;
    type Sums = [requests: number, errors: number, prompt: number, completion: number, cost: number, unpriced: number];
    const sums = new Map<string, Sums>();
    for (const line of lines) {
      const row = line.split(',');
      const key = [at(row, 'created_at').slice(0, 10), at(row, 'app_key'), at(row, 'model'), at(row, 'provider')].join(',');
      const [requests, errors, prompt, completion, cost, unpriced] = sums.get(key) ?? [0, 0, 0, 0, 0, 0];
      const tokens = Number(at(row, 'prompt_tokens')) + Number(at(row, 'completion_tokens'));
      sums.set(key, [
        requests + 1,
        errors + (Number(at(row, 'status')) >= 400 || at(row, 'error_code') !== '' ? 1 : 0),
        prompt + Number(at(row, 'prompt_tokens')),
        completion + Number(at(row, 'completion_tokens')),
        cost + Number(at(row, 'cost') || 0),
        unpriced + (at(row, 'cost') === '' && tokens > 0 ? 1 : 0),
      ]);
    }
    expect(lines.length).toBeGreaterThan(5);
    expect(exported.map((r) => r.slice(0, 4).join(',')).sort()).toEqual([...sums.keys()].sort());
    for (const row of exported) {
      const sum = sums.get(row.slice(0, 4).join(',')) as Sums;
      // day,app_key,model,provider,requests,errors,prompt_tokens,completion_tokens,cached,cache_write,reasoning,cost,unpriced
      expect([row[4], row[5], row[6], row[7], row[12]].map(Number), row.join(',')).toEqual([sum[0], sum[1], sum[2], sum[3], sum[5]]);
      expect(Number(row[11])).toBeCloseTo(sum[4], 12);
    }
  });

  it('had no page errors and no serious accessibility findings', () => {
    expect(pageErrors.join('\n')).toBe('');
    expect(axeFindings.join('\n')).toBe('');
  });
});
