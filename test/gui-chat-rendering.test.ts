/**
 * How answers render, in headless Chromium against a real `switchyard serve` and a mock
 * provider: markdown with highlighted code, a long answer streamed while the reader scrolls
 * (followed at the end, left alone once they scroll up), a long conversation in a virtualized
 * list, and an answer past the markdown limit shown as plain text after it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeBrowserTest, launchBrowser, type LaunchedBrowser } from './helpers/browser.js';
import { startServe, type ServeProcess } from './helpers/cli.js';
import { startMockUpstream, type MockUpstream, type UpstreamRequest } from './helpers/mock-upstream.js';

const WAIT = { timeout: 30_000 };
const MODEL = 'mock/gpt-4o-mini';

const CODE_ANSWER = [
  '## Totals\n\n',
  'Add the costs up:\n\n',
  '```ts\nconst total = items.reduce((sum, item) => sum + item.cost, 0);\nexport default total;\n```\n\n',
  '- one **bold** point\n- a second point\n',
];

/** Markdown with headings, lists and code fences: LONG_PIECES pieces, the last word marks the end. */
const LONG_PIECES = 2400;
function longPiece(i: number): string {
  if (i === LONG_PIECES - 1) return ' final-word';
  if (i % 400 === 0) return `\n\n## Section ${i / 400}\n\n`;
  if (i % 150 === 0) return '\n\n```ts\nconst total = items.reduce((sum, x) => sum + x.cost, 0);\n```\n\n';
  if (i % 50 === 0) return '\n- a list item with `code` and **bold** text';
  return ` word${i}`;
}
const LONG_SECTIONS = Math.ceil(LONG_PIECES / 400);

function sseOf(pieces: string[]): string {
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
    `data: ${JSON.stringify({ id: 'chatcmpl-render', object: 'chat.completion.chunk', created: 1755691077, model: 'gpt-4o-mini', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  const usage = { prompt_tokens: 10, completion_tokens: pieces.length, total_tokens: 10 + pieces.length };
  return [
    chunk({ role: 'assistant', content: '' }),
    ...pieces.map((content) => chunk({ content })),
    chunk({}, 'stop'),
    `data: ${JSON.stringify({ id: 'chatcmpl-render', object: 'chat.completion.chunk', created: 1755691077, model: 'gpt-4o-mini', choices: [], usage })}\n\n`,
    'data: [DONE]\n\n',
  ].join('');
}

function lastUserText(request: UpstreamRequest): string {
  const messages = (request.body as { messages: { role: string; content: string }[] }).messages;
  return messages.filter((m) => m.role === 'user').at(-1)?.content ?? '';
}

let dataDir: string;
let upstream: MockUpstream;
let serve: ServeProcess;
let browser: LaunchedBrowser;
let page: Page;
const pageErrors: string[] = [];

const composer = () => page.getByRole('textbox', { name: 'Message' });
const lastAnswer = () => page.getByTestId('assistant-message').last();

async function ask(text: string): Promise<void> {
  await composer().fill(text);
  await composer().press('Enter');
}

/** Whether the answer being streamed has reached `word` (textContent: no layout, cheap on a long answer). */
function liveHas(word: string): Promise<boolean> {
  return page.evaluate(`document.querySelector('[data-testid="live-answer"]')?.textContent?.includes(${JSON.stringify(word)}) ?? false`) as Promise<boolean>;
}

/** Where the conversation's scroller stands: pixels above the end, and its scrollTop. */
function scrollState(): Promise<{ fromEnd: number; top: number }> {
  return page.getByTestId('chat-scroll').evaluate((el: { scrollHeight: number; scrollTop: number; clientHeight: number }) => ({ fromEnd: el.scrollHeight - el.scrollTop - el.clientHeight, top: el.scrollTop }));
}

/** Saves a conversation through the control API, as the UI does, and returns its id. */
async function saveConversation(title: string, messages: { role: 'user' | 'assistant'; content: string }[]): Promise<string> {
  return page.evaluate(
    async ({ title, model, messages }) => {
      const call = async (method: string, path: string, body: unknown) => {
        const response = await fetch(`/_app/api${path}`, { method, headers: { accept: 'application/json', 'content-type': 'application/json' }, body: JSON.stringify(body) });
        if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
        return (await response.json()) as { id: string };
      };
      const { id } = await call('POST', '/conversations', { model, title });
      const stamped = messages.map((m, i) => ({ id: crypto.randomUUID(), createdAt: Date.now() + i, ...m }));
      await call('PUT', `/conversations/${id}/messages`, { messages: stamped });
      return id;
    },
    { title, model: MODEL, messages },
  );
}

async function openConversation(id: string): Promise<void> {
  await page.goto(`${serve.url}/chat/${id}`);
  await page.getByTestId('chat-scroll').waitFor(WAIT);
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'switchyard-chat-render-'));
  upstream = await startMockUpstream();
  upstream.on('GET', '/v1/models', { body: { object: 'list', data: [{ id: 'gpt-4o-mini', object: 'model', owned_by: 'mock' }] } });
  upstream.on('POST', '/v1/chat/completions', (request) => {
    const prompt = lastUserText(request);
    if (prompt.includes('code')) return { headers: { 'content-type': 'text/event-stream' }, sse: sseOf(CODE_ANSWER), chunkDelayMs: 5 };
    const pieces = Array.from({ length: LONG_PIECES }, (_, i) => longPiece(i));
    return { headers: { 'content-type': 'text/event-stream' }, sse: sseOf(pieces), chunkDelayMs: 6 };
  });
  const provider = { type: 'openai-compatible', baseUrl: `${upstream.url}/v1`, apiKeyEnv: 'MOCK_UPSTREAM_KEY', models: ['gpt-4o-mini'] };
  writeFileSync(join(dataDir, 'config.json'), JSON.stringify({ providers: { mock: provider } }));
  serve = await startServe(['--port', '0'], dataDir, { MOCK_UPSTREAM_KEY: 'sk-mock-render', SWITCHYARD_VAULT: 'file', SWITCHYARD_VAULT_PASSPHRASE: 'render-test' });
  browser = await launchBrowser({ width: 1280, height: 820 });
  page = browser.page;
  page.on('pageerror', (err) => pageErrors.push(err.message));
  await page.goto(serve.loginUrl);
  await page.waitForURL(`${serve.url}/`, WAIT);
  await page.getByRole('button', { name: `Model: ${MODEL}` }).waitFor(WAIT);
}, 90_000);

afterAll(() => closeBrowserTest({ browser, serve, upstreams: [upstream], dirs: [dataDir] }));

describe('answers in the chat', () => {
  it('renders markdown with the code block highlighted by shiki', async () => {
    await ask('show me code');
    await lastAnswer().getByTestId('meta-line').waitFor(WAIT);
    const answer = lastAnswer();
    expect(await answer.locator('h2').innerText()).toBe('Totals');
    expect(await answer.locator('li').allInnerTexts()).toEqual(['one bold point', 'a second point']);
    const block = answer.locator('[data-streamdown="code-block"]');
    expect(await block.getAttribute('data-language')).toBe('ts');
    expect((await block.locator('pre').innerText()).trim()).toBe('const total = items.reduce((sum, item) => sum + item.cost, 0);\nexport default total;');
    // Highlighted: the tokens carry shiki's colours, and the keyword is not coloured like the identifiers.
    await expect.poll(() => block.locator('pre span[style*="--sdm-c"]').count(), WAIT).toBeGreaterThan(8);
    const colour = (text: string) => block.locator('pre span[style*="--sdm-c"]', { hasText: new RegExp(`^${text}$`) }).first().evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { color: string } }).getComputedStyle(el).color);
    expect(await colour('const')).not.toBe(await colour('total'));
  });

  it('follows a long answer while the reader is at the end, and leaves them where they scrolled to', async () => {
    await ask('write a long answer');
    await expect.poll(() => liveHas('word420'), WAIT).toBe(true);
    // Following: the end stays in view as the answer grows.
    expect((await scrollState()).fromEnd).toBeLessThanOrEqual(8);
    await expect.poll(() => liveHas('word710'), WAIT).toBe(true);
    expect((await scrollState()).fromEnd).toBeLessThanOrEqual(8);

    await page.getByTestId('chat-scroll').hover();
    await page.mouse.wheel(0, -600);
    await expect.poll(async () => (await scrollState()).fromEnd, WAIT).toBeGreaterThan(300);
    const left = (await scrollState()).top;
    await page.getByRole('button', { name: 'Jump to latest' }).waitFor(WAIT);
    // The answer keeps growing below; the reader's position does not move.
    await expect.poll(() => liveHas('word1510'), WAIT).toBe(true);
    expect((await scrollState()).top).toBe(left);

    await page.getByTestId('live-answer').waitFor({ state: 'detached', timeout: 60_000 });
    expect(await page.getByTestId('assistant-message').count()).toBe(2);
    expect((await scrollState()).top).toBe(left);
    const answer = lastAnswer();
    // Every block arrived whole: sections, code blocks, the last word.
    expect(await answer.locator('h2').count()).toBe(LONG_SECTIONS);
    expect(await answer.locator('[data-streamdown="code-block"]').count()).toBe(Array.from({ length: LONG_PIECES }, (_, i) => i).filter((i) => i % 150 === 0 && i % 400 !== 0).length);
    expect(await answer.innerText()).toContain('final-word');

    await page.getByRole('button', { name: 'Jump to latest' }).click();
    await expect.poll(async () => (await scrollState()).fromEnd, WAIT).toBeLessThanOrEqual(8);
  }, 120_000);

  it('keeps only the turns near the viewport of a long conversation in the page, opening at its end', async () => {
    const turns = Array.from({ length: 80 }, (_, i) => [
      { role: 'user' as const, content: `question ${i}` },
      { role: 'assistant' as const, content: `Answer ${i}:\n\n- first point of ${i}\n- second point of ${i}` },
    ]).flat();
    const id = await saveConversation('many turns', turns);
    await openConversation(id);
    await expect.poll(() => lastAnswer().innerText(), WAIT).toContain('second point of 79');
    expect((await scrollState()).fromEnd).toBeLessThanOrEqual(8);
    const rendered = await page.getByTestId('user-message').count();
    expect(rendered).toBeGreaterThan(2);
    expect(rendered).toBeLessThan(30);
    expect(await page.getByText('question 0', { exact: true }).count()).toBe(0);

    await page.getByTestId('chat-scroll').evaluate((el: { scrollTo(o: { top: number }): void }) => el.scrollTo({ top: 0 }));
    await expect.poll(() => page.getByText('question 0', { exact: true }).count(), WAIT).toBe(1);
    expect(await page.getByText('question 79', { exact: true }).count()).toBe(0);
  });

  it('shows what lies past the markdown limit as plain text, after the markdown before it', async () => {
    // 250,000 characters in paragraphs of a heading-like line and text: past 200,000 it is plain.
    const paragraphs = Array.from({ length: 2500 }, (_, i) => `**Paragraph ${i}** ${'lorem ipsum '.repeat(7)}`);
    const id = await saveConversation('a very long answer', [
      { role: 'user', content: 'a book please' },
      { role: 'assistant', content: paragraphs.join('\n\n') },
    ]);
    await openConversation(id);
    const answer = lastAnswer();
    await expect.poll(() => answer.locator('.md-plain').count(), WAIT).toBeGreaterThan(400);
    expect((await answer.locator('.md-plain').last().innerText()).trim()).toBe(`**Paragraph 2499** ${'lorem ipsum '.repeat(7)}`.trim());
    expect(await answer.locator('.markdown strong, .markdown [data-streamdown="strong"]').first().innerText()).toBe('Paragraph 0');
  });

  it('raised no error in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
