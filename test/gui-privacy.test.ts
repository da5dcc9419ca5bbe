/**
 * The Privacy screen in headless Chromium against a real `switchyard serve` and a mock cloud
 * upstream: the local-only switch refuses and then allows an openai-SDK request, reversible
 * redaction set in the UI is previewed by the server, reaches the upstream as placeholders and
 * comes back restored, and the egress audit shows the counts. The control routes refuse without
 * the owner's cookie; axe-core finds nothing serious. Screenshots, light and dark, go to
 * out/screenshots/ (SWITCHYARD_SCREENSHOT_DIR=docs/screenshots refreshes the README's).
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import Database from 'better-sqlite3';
import OpenAI from 'openai';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usageDbPath } from '../src/main/core/paths.js';
import { closeBrowserTest, launchBrowser, type LaunchedBrowser } from './helpers/browser.js';
import { startChatUpstream } from './helpers/chat-upstream.js';
import { runCli, startServe, type ServeProcess } from './helpers/cli.js';
import type { MockUpstream } from './helpers/mock-upstream.js';

const PROVIDER_KEY = 'sk-upstream-privacy-5b1e2c';
const SECRET = 'AKIAZ7XTQ4PL2MNB6WUD';
const EMAIL = 'jane.doe@example.com';
const PROMPT = `Deploy with key ${SECRET} and mail ${EMAIL} when done`;
const WAIT = { timeout: 20_000 };
const shots = resolve(process.env.SWITCHYARD_SCREENSHOT_DIR ?? join(import.meta.dirname, '..', 'out', 'screenshots'));
const env = { SWITCHYARD_VAULT: 'file', SWITCHYARD_VAULT_PASSPHRASE: 'privacy-test' };
const placeholdersIn = (text: string) => text.match(/\[\[[A-Z_]+_\d+\]\]/g) ?? [];

let dataDir: string;
let upstream: MockUpstream;
let serve: ServeProcess;
let browser: LaunchedBrowser;
let page: Page;
let client: OpenAI;
const pageErrors: string[] = [];

async function seriousAxeFindings(): Promise<string[]> {
  const findings: string[] = [];
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    const result = await new AxeBuilder({ page }).analyze();
    for (const v of result.violations) {
      if (v.impact === 'serious' || v.impact === 'critical') findings.push(`${scheme}: ${v.id} ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  return findings;
}

function lastUpstreamPrompt(): string {
  const chats = upstream.requests.filter((r) => r.path.endsWith('/chat/completions'));
  const body = chats.at(-1)?.body as { messages: { role: string; content: string }[] };
  return body.messages.at(-1)?.content ?? '';
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  dataDir = mkdtempSync(join(tmpdir(), 'switchyard-privacy-ui-'));
  const created = runCli(['app-keys', 'create', '--name', 'tool', '--data-dir', dataDir], { env });
  expect(created.status, created.stderr).toBe(0);
  const appKey = created.stdout.split('\n')[0] as string;
  upstream = await startChatUpstream(PROVIDER_KEY);
  serve = await startServe(['--port', '0'], dataDir, env);
  client = new OpenAI({ apiKey: appKey, baseURL: `${serve.url}/v1`, maxRetries: 0 });
  browser = await launchBrowser({ width: 1280, height: 900 });
  page = browser.page;
  page.on('pageerror', (err) => pageErrors.push(err.message));
  await page.goto(serve.loginUrl);
  await page.waitForURL(`${serve.url}/`, WAIT);
  // A cloud provider: an OpenAI-compatible server on loopback, not declared local.
  const added = await page.request.post(`${serve.url}/_app/api/providers`, {
    data: { id: 'cloud', type: 'openai-compatible', baseUrl: `${upstream.url}/v1`, apiKey: PROVIDER_KEY, models: ['gpt-4o-mini'] },
  });
  expect(added.status(), await added.text()).toBe(200);
  // The OpenAI preset (pointed at the mock): its published terms and their source fill the policy table.
  const preset = await page.request.post(`${serve.url}/_app/api/providers`, {
    data: { id: 'openai', type: 'openai', baseUrl: `${upstream.url}/v1`, apiKey: PROVIDER_KEY, models: ['gpt-4o-mini'] },
  });
  expect(preset.status(), await preset.text()).toBe(200);
}, 120_000);

afterAll(() => closeBrowserTest({ browser, serve, upstreams: [upstream], dirs: [dataDir] }));

describe('the Privacy screen, in the browser against serve', () => {
  it('is in the icon rail; the provider table shows a loopback provider as cloud with unknown terms, a preset with its source', async () => {
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Privacy' }).click();
    await page.getByRole('heading', { name: 'Privacy', level: 1 }).waitFor(WAIT);
    const row = page.getByTestId('provider-policy-cloud');
    await expect.poll(() => row.count(), WAIT).toBe(1);
    expect(await row.innerText()).toMatch(/unknown[\s\S]*cloud[\s\S]*may collect/);
    const openai = page.getByTestId('provider-policy-openai');
    expect(await openai.innerText()).toMatch(/only if you opt in\s+30 days\s+by contract/);
    expect(await openai.getByRole('link').getAttribute('href')).toMatch(/^https:\/\/developers\.openai\.com\//);
  });

  it('local only on: a cloud request gets the 404 data-policy error and the strip says so; off: it works', async () => {
    const localOnly = page.getByRole('switch', { name: 'Local only' }).first();
    await localOnly.check();
    await page.getByTestId('strip-local-only').waitFor(WAIT);
    const before = upstream.requests.length;
    const refused = await client.chat.completions.create({ model: 'cloud/gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OpenAI.NotFoundError);
    expect((refused as InstanceType<typeof OpenAI.NotFoundError>).message).toMatch(/No endpoints found matching your data policy.*local/i);
    expect(upstream.requests.length).toBe(before);

    await localOnly.uncheck();
    await expect.poll(() => page.getByTestId('strip-local-only').count(), WAIT).toBe(0);
    const answer = await client.chat.completions.create({ model: 'cloud/gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] });
    expect(answer.choices[0]?.message.content).toContain('answers: hello');
  });

  it('a change made elsewhere (another tab) reaches the strip and the switch over the event stream', async () => {
    const localOnly = page.getByRole('switch', { name: 'Local only' }).first();
    const patch = (on: boolean) => page.request.patch(`${serve.url}/_app/api/privacy/global`, { data: { localOnly: on } });
    expect((await patch(true)).status()).toBe(200);
    await page.getByTestId('strip-local-only').waitFor(WAIT);
    await expect.poll(() => localOnly.isChecked(), WAIT).toBe(true);
    expect((await patch(false)).status()).toBe(200);
    await expect.poll(() => page.getByTestId('strip-local-only').count(), WAIT).toBe(0);
    await expect.poll(() => localOnly.isChecked(), WAIT).toBe(false);
  });

  it('reversible redaction for a key: try-it shows placeholders, the upstream gets them, the SDK gets the original', async () => {
    await page.getByLabel('App key', { exact: true }).selectOption('tool');
    await page.getByRole('radio', { name: /Reversible/ }).check();
    await page.getByRole('button', { name: 'Save tool' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Saved.' }).count(), WAIT).toBe(1);

    await page.getByLabel('Sample prompt').fill(PROMPT);
    await page.getByRole('button', { name: 'Show what leaves' }).click();
    const preview = page.getByTestId('try-it-output');
    await preview.waitFor(WAIT);
    const previewed = await preview.innerText();
    expect(previewed).not.toContain(SECRET);
    expect(previewed).not.toContain(EMAIL);
    expect(placeholdersIn(previewed)).toHaveLength(2);
    expect(await page.getByTestId('try-it-counts').innerText()).toMatch(/email ×1/);

    const answer = await client.chat.completions.create({ model: 'cloud/gpt-4o-mini', messages: [{ role: 'user', content: PROMPT }] });
    const sent = lastUpstreamPrompt();
    expect(sent).not.toContain(SECRET);
    expect(sent).not.toContain(EMAIL);
    expect(placeholdersIn(sent)).toHaveLength(2);
    expect(answer.choices[0]?.message.content).toContain(PROMPT);

    const stream = await client.chat.completions.create({ model: 'cloud/gpt-4o-mini', messages: [{ role: 'user', content: PROMPT }], stream: true });
    let streamed = '';
    for await (const chunk of stream) streamed += chunk.choices[0]?.delta.content ?? '';
    expect(placeholdersIn(lastUpstreamPrompt())).toHaveLength(2);
    expect(streamed).toContain(PROMPT);
  });

  it('the egress audit shows where each request went and the redaction counts, never the values', async () => {
    const rows = page.getByTestId('audit-row');
    await expect.poll(() => rows.filter({ hasText: 'email ×1' }).count(), WAIT).toBe(2);
    const redactedRow = rows.filter({ hasText: 'email ×1' }).first();
    expect(await redactedRow.innerText()).toMatch(/tool[\s\S]*cloud\/gpt-4o-mini[\s\S]*200/);
    expect(await rows.filter({ hasText: 'local only' }).count()).toBe(1);
    const pageText = await page.locator('body').innerText();
    expect(pageText).not.toContain(SECRET);
    expect(pageText).not.toContain(EMAIL);
  });

  it('prompt logging turned on for the key keeps its exchanges, and "Delete kept prompts" removes them', async () => {
    const keptRows = () => {
      const db = new Database(usageDbPath(dataDir), { readonly: true });
      try {
        return (db.prepare('SELECT COUNT(*) FROM request_bodies').pluck().get() as number) ?? 0;
      } finally {
        db.close();
      }
    };
    expect(keptRows()).toBe(0);
    await page.getByRole('switch', { name: "Keep this key's prompts and answers" }).check();
    await page.getByLabel('Keep for (days)').fill('7');
    await page.getByRole('button', { name: 'Save tool' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Saved.' }).count(), WAIT).toBe(1);
    await client.chat.completions.create({ model: 'cloud/gpt-4o-mini', messages: [{ role: 'user', content: 'keep this one' }] });
    await expect.poll(keptRows, WAIT).toBe(1);

    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Delete kept prompts' }).click();
    await expect.poll(() => page.getByTestId('forget-result').innerText(), WAIT).toBe('Deleted 1 saved exchange.');
    expect(keptRows()).toBe(0);
  });

  it('is reachable from the command palette, has no serious axe findings, and is pictured light and dark', async () => {
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Chat' }).click();
    await page.keyboard.press('Control+k');
    await page.getByRole('option', { name: 'Privacy' }).click();
    await page.getByRole('heading', { name: 'Privacy', level: 1 }).waitFor(WAIT);
    await page.getByRole('button', { name: 'Show what leaves' }).click();
    await page.getByTestId('try-it-output').waitFor(WAIT);
    expect(await seriousAxeFindings()).toEqual([]);
    // The screen scrolls inside the shell, so the window is made as tall as the screen's content for the picture.
    const height = await page.locator('.privacy-screen').evaluate((el: { scrollHeight: number }) => el.scrollHeight + 60);
    await page.setViewportSize({ width: 1280, height: Math.min(height, 4000) });
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: join(shots, `privacy-${scheme}.png`) });
    }
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1280, height: 900 });
    expect(pageErrors).toEqual([]);
  });

  it('refuses every privacy route without the owner cookie (or with a forged one), and changes nothing', async () => {
    const routes: [string, string, unknown?][] = [
      ['GET', '/privacy/global'],
      ['PATCH', '/privacy/global', { localOnly: true }],
      ['GET', '/privacy/keys'],
      ['PATCH', '/privacy/keys/tool', { redaction: { mode: 'off' } }],
      ['DELETE', '/privacy/keys/tool/history'],
      ['POST', '/privacy/preview', { key: 'tool', text: PROMPT }],
      ['GET', '/privacy/providers'],
      ['GET', '/privacy/audit'],
    ];
    for (const [method, path, body] of routes) {
      for (const credential of [{}, { cookie: 'switchyard_session_1=forged' }] as Record<string, string>[]) {
        const res = await fetch(`${serve.url}/_app/api${path}`, {
          method,
          headers: { ...credential, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        expect(res.status, `${method} ${path}`).toBe(401);
        expect(await res.json()).toMatchObject({ error: { code: 401 } });
      }
    }
    const global = await page.request.get(`${serve.url}/_app/api/privacy/global`);
    expect(await global.json()).toMatchObject({ localOnly: false });
    const keys = (await (await page.request.get(`${serve.url}/_app/api/privacy/keys`)).json()) as { keys: { name: string; privacy: { redaction: { mode: string } } }[] };
    expect(keys.keys.find((k) => k.name === 'tool')?.privacy).toMatchObject({ redaction: { mode: 'reversible' }, logging: { bodies: true, retentionDays: 7 } });
  });

  it('answers bad input with a clear 400 or 404 in the OpenAI shape', async () => {
    const badPattern = await page.request.patch(`${serve.url}/_app/api/privacy/keys/tool`, { data: { redaction: { custom: [{ name: 'bad', pattern: '(a' }] } } });
    expect(badPattern.status()).toBe(400);
    expect(await badPattern.json()).toMatchObject({ error: { code: 400, message: expect.stringContaining('not a valid RE2 expression') } });
    const unknownKey = await page.request.post(`${serve.url}/_app/api/privacy/preview`, { data: { key: 'nobody', text: 'x' } });
    expect(unknownKey.status()).toBe(404);
    const badRule = await page.request.patch(`${serve.url}/_app/api/privacy/global`, { data: { localOnly: 'yes' } });
    expect(badRule.status()).toBe(400);
  });
});
