/**
 * Images in chat, tool-call and reasoning blocks, in headless Chromium against a real
 * `switchyard serve` with two mock providers: an OpenAI-compatible one (its listing says which
 * models read images) and an Anthropic one. Images are attached by the file picker, by paste and
 * by drop, sent as OpenAI `image_url` parts (the Anthropic upstream receives image blocks),
 * saved with the conversation (a reload shows them, regenerate sends them again), exported in
 * the JSON; a model that reads no images is warned about before sending. Tool calls and
 * reasoning are blocks that do not move when the answer finishes. axe-core on the composer with
 * images; screenshots light and dark go to out/screenshots/ (SWITCHYARD_SCREENSHOT_DIR=docs/screenshots
 * refreshes the README's).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeBrowserTest, launchBrowser, type LaunchedBrowser } from './helpers/browser.js';
import { startChatUpstream } from './helpers/chat-upstream.js';
import { startServe, type ServeProcess } from './helpers/cli.js';
import { loadBody } from './helpers/fixtures.js';
import { startMockUpstream, type MockUpstream, type UpstreamRequest } from './helpers/mock-upstream.js';
import { auditPage, screenshotPage } from './helpers/page-checks.js';

const MOCK_KEY = 'sk-mock-upstream-images-3b9d';
const CLAUDE_KEY = 'sk-ant-mock-images-77c1';
const CLAUDE_MODEL = 'claude-3-opus-20240229';
const WAIT = { timeout: 20_000 };
const shots = resolve(process.env.SWITCHYARD_SCREENSHOT_DIR ?? join(import.meta.dirname, '..', 'out', 'screenshots'));
const icon = (size: number) => readFileSync(join(import.meta.dirname, '..', 'build', 'icons', `${size}x${size}.png`));
const ICON = icon(128);
const LATER_ICON = icon(64);
const dataUrl = (bytes: Buffer, type = 'image/png') => `data:${type};base64,${bytes.toString('base64')}`;

/** A function run in the page, from its source: this project's test typecheck has no DOM library. */
const inPage = (param: string, body: string) => new Function(param, body) as (element: unknown) => unknown;

/** Draws a 48×32 JPEG on a canvas and pastes it into the element, as a screenshot tool's copy would arrive. */
const PASTE_A_DRAWN_JPEG = inPage('box', `return (async () => {
  const canvas = document.createElement('canvas');
  canvas.width = 48;
  canvas.height = 32;
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#0a7d6e';
  ctx.fillRect(0, 0, 48, 32);
  const blob = await new Promise((done) => canvas.toBlob(done, 'image/jpeg', 0.9));
  const clipboard = new DataTransfer();
  clipboard.items.add(new File([blob], 'image.jpg', { type: 'image/jpeg' }));
  box.dispatchEvent(new ClipboardEvent('paste', { clipboardData: clipboard, bubbles: true, cancelable: true }));
})();`);
/** Drops a text file and a 4 MiB "PNG" on the element. */
const DROP_TEXT_AND_HUGE_PNG = inPage('target', `
  const dropped = new DataTransfer();
  dropped.items.add(new File(['just text'], 'notes.txt', { type: 'text/plain' }));
  dropped.items.add(new File([new Uint8Array(4 * 1024 * 1024)], 'huge.png', { type: 'image/png' }));
  target.dispatchEvent(new DragEvent('drop', { dataTransfer: dropped, bubbles: true, cancelable: true }));`);

let dataDir: string;
let openai: MockUpstream;
let anthropic: MockUpstream;
let serve: ServeProcess;
let browser: LaunchedBrowser;
let page: Page;
const pageErrors: string[] = [];
const axeFindings: string[] = [];
/** The JPEG the page made and pasted, as the upstream received it. */
let pastedJpeg: string;

const composer = () => page.getByRole('textbox', { name: 'Message' });
const lastAnswer = () => page.getByTestId('assistant-message').last();
const chatRequests = () => openai.requests.filter((r) => r.path === '/v1/chat/completions');

interface SentMessage {
  role: string;
  content: unknown;
}
const messagesOf = (request: UpstreamRequest | undefined) => (request?.body as { messages: SentMessage[] }).messages;

async function ask(text: string): Promise<void> {
  await composer().fill(text);
  await composer().press('Enter');
}

async function pickModel(search: string, id: string): Promise<void> {
  await page.keyboard.press('Control+Shift+M');
  const box = page.getByRole('combobox', { name: /^Search models/ });
  await box.waitFor(WAIT);
  await box.fill(search);
  await box.press('Enter');
  await expect.poll(() => page.getByRole('button', { name: /^Model: / }).innerText(), WAIT).toBe(id);
}

/** Every image in `scope` finished loading with real pixels (the gateway served it to the page). */
async function loadedImages(scope: Locator): Promise<number> {
  return scope.locator('img').evaluateAll((imgs: { complete: boolean; naturalWidth: number }[]) => imgs.filter((img) => img.complete && img.naturalWidth > 0).length);
}

/** Where `block` sits inside its turn, and how tall it is. */
async function placeIn(turn: Locator, block: Locator) {
  const [outer, inner] = await Promise.all([turn.boundingBox(), block.boundingBox()]);
  if (!outer || !inner) throw new Error('block not on screen');
  return { top: Math.round(inner.y - outer.y), height: Math.round(inner.height) };
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  dataDir = mkdtempSync(join(tmpdir(), 'switchyard-images-'));
  openai = await startChatUpstream(MOCK_KEY);
  anthropic = await startMockUpstream({
    [`POST /v1/messages`]: { headers: { 'content-type': 'text/event-stream' }, sse: loadBody('anthropic/extracted/stream_text.sse') },
  });
  const providers = {
    // No models list: the gateway reads the listing, which says which models read images.
    mock: { type: 'openai-compatible', baseUrl: `${openai.url}/v1`, apiKeyEnv: 'MOCK_KEY' },
    claude: { type: 'anthropic', baseUrl: `${anthropic.url}/v1`, apiKeyEnv: 'CLAUDE_KEY', models: [CLAUDE_MODEL] },
  };
  writeFileSync(join(dataDir, 'config.json'), JSON.stringify({ providers }));
  serve = await startServe(['--port', '0'], dataDir, { MOCK_KEY, CLAUDE_KEY, SWITCHYARD_VAULT: 'file', SWITCHYARD_VAULT_PASSPHRASE: 'images-test' });
  browser = await launchBrowser({ width: 1280, height: 820 });
  page = browser.page;
  page.on('pageerror', (err) => pageErrors.push(err.message));
  await page.goto(serve.loginUrl);
  await page.waitForURL(`${serve.url}/`, WAIT);
  await composer().waitFor(WAIT);
}, 90_000);

afterAll(() => closeBrowserTest({ browser, serve, upstreams: [openai, anthropic], dirs: [dataDir] }));

describe('images in chat', () => {
  it('attaches images with the file picker, shows removable thumbnails, and sends them as image_url parts', async () => {
    await pickModel('gpt-4o-mini', 'mock/gpt-4o-mini');
    await page.getByLabel('Image files').setInputFiles([
      { name: 'icon.png', mimeType: 'image/png', buffer: ICON },
      { name: 'spare.png', mimeType: 'image/png', buffer: LATER_ICON },
    ]);
    const tray = page.getByRole('list', { name: 'Images to send' });
    await expect.poll(() => loadedImages(tray), WAIT).toBe(2);
    await page.getByRole('button', { name: 'Remove spare.png' }).click();
    expect(await tray.getByRole('img').count()).toBe(1);
    expect(await page.evaluate('document.activeElement.id')).toBe('composer-input');
    expect(await tray.getByRole('img', { name: 'icon.png' }).count()).toBe(1);
    await audit('composer with an image');

    await ask('what is in this picture');
    await expect.poll(() => lastAnswer().innerText(), WAIT).toContain('answers: what is in this picture');
    const question = messagesOf(chatRequests().at(-1)).at(-1);
    expect(question).toEqual({
      role: 'user',
      content: [
        { type: 'text', text: 'what is in this picture' },
        { type: 'image_url', image_url: { url: dataUrl(ICON) } },
      ],
    });
    const shown = page.getByTestId('user-message').last().getByTestId('message-images');
    await expect.poll(() => loadedImages(shown), WAIT).toBe(1);
    expect(await shown.locator('img').getAttribute('src')).toBe(`/_app/api/attachments/${createHash('sha256').update(ICON).digest('hex')}`);
    expect(await page.getByRole('list', { name: 'Images to send' }).count()).toBe(0);
  });

  it('attaches a pasted image (a JPEG the page drew) and sends the whole thread with both images', async () => {
    await composer().evaluate(PASTE_A_DRAWN_JPEG);
    await expect.poll(() => loadedImages(page.getByRole('list', { name: 'Images to send' })), WAIT).toBe(1);
    await ask('and this one?');
    await expect.poll(() => lastAnswer().innerText(), WAIT).toContain('answers: and this one?');
    const messages = messagesOf(chatRequests().at(-1));
    expect(messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect((messages[0]?.content as unknown[])[1]).toEqual({ type: 'image_url', image_url: { url: dataUrl(ICON) } });
    const [text, image] = messages[2]?.content as [unknown, { image_url: { url: string } }];
    expect(text).toEqual({ type: 'text', text: 'and this one?' });
    pastedJpeg = image.image_url.url;
    expect(pastedJpeg).toMatch(/^data:image\/jpeg;base64,\/9j\//);
  });

  it('takes a drop anywhere in the window, and names what it cannot attach: not an image, too big', async () => {
    await page.getByTestId('chat-scroll').evaluate(DROP_TEXT_AND_HUGE_PNG);
    const alerts = page.locator('form.composer [role=alert]');
    await expect.poll(() => alerts.allInnerTexts(), WAIT).toEqual([
      '"notes.txt" is not a PNG, JPEG, WebP or GIF image.',
      '"huge.png" is 4.0 MiB; an image can be at most 3.75 MiB (the most every provider accepts).',
    ]);
    expect(await page.getByRole('list', { name: 'Images to send' }).count()).toBe(0);
  });

  it('says in the model picker which models read images, as their listing does', async () => {
    await page.keyboard.press('Control+Shift+M');
    const box = page.getByRole('combobox', { name: /^Search models/ });
    await box.fill('images');
    await expect.poll(() => page.locator('.picker-item .picker-id').allInnerTexts(), WAIT).toEqual(['mock/gpt-4o-mini', 'mock/gpt-4o']);
    // Unpriced (a loopback server is not declared local): "price unknown", never OpenRouter's -1 as a price.
    expect(await page.locator('.picker-item').first().innerText()).toContain('mock · price unknown · reads images');
    await box.press('Escape');
  });

  it('warns before sending when the listing says the model reads no images', async () => {
    await pickModel('o3-mini', 'mock/o3-mini');
    // The thread already holds images, which the next question sends again.
    await expect.poll(() => page.getByTestId('image-warning').innerText(), WAIT).toContain('mock/o3-mini does not read images');
    await pickModel(CLAUDE_MODEL, `claude/${CLAUDE_MODEL}`);
    expect(await page.getByTestId('image-warning').count()).toBe(0);
  });

  it('reaches an Anthropic model as image blocks with the same bytes', async () => {
    await page.getByLabel('Image files').setInputFiles([{ name: 'later.png', mimeType: 'image/png', buffer: LATER_ICON }]);
    await ask('describe them');
    await expect.poll(() => anthropic.requests.length, WAIT).toBe(1);
    await expect.poll(() => lastAnswer().getByTestId('meta-line').innerText(), WAIT).toContain(`claude/${CLAUDE_MODEL}`);
    const sent = messagesOf(anthropic.requests[0]);
    expect(sent.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'user']);
    expect(sent[0]?.content).toContainEqual({ type: 'image', source: { type: 'base64', media_type: 'image/png', data: ICON.toString('base64') } });
    expect(sent[2]?.content).toContainEqual({ type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: pastedJpeg.split(',')[1] } });
    expect(sent[4]?.content).toEqual([
      { type: 'text', text: 'describe them' },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: LATER_ICON.toString('base64') } },
    ]);
  });

  it('keeps the images with the conversation: a reload shows them, regenerate sends them again', async () => {
    await page.reload();
    const thread = page.getByTestId('user-message');
    await expect.poll(() => thread.count(), WAIT).toBe(3);
    await expect.poll(() => loadedImages(page.locator('.chat-column')), WAIT).toBe(3);
    await page.getByRole('button', { name: 'Open image later.png' }).click();
    const dialog = page.getByRole('dialog', { name: 'later.png' });
    await expect.poll(() => loadedImages(dialog), WAIT).toBe(1);
    await audit('image dialog');
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.isVisible()).toBe(false);
    await page.getByLabel('Image files').setInputFiles([{ name: 'icon.png', mimeType: 'image/png', buffer: ICON }]);
    await composer().fill('one more look');
    // The tray took room from the thread; the picture shows its end.
    await page.getByTestId('chat-scroll').evaluate((el: { scrollTop: number; scrollHeight: number }) => (el.scrollTop = el.scrollHeight));
    await screenshot('chat-images');
    await composer().fill('');
    await page.getByRole('button', { name: 'Remove icon.png' }).click();

    await lastAnswer().getByRole('button', { name: 'Regenerate' }).click();
    await expect.poll(() => anthropic.requests.length, WAIT).toBe(2);
    // Read back from the gateway after the reload, the same bytes go out.
    expect(anthropic.requests[1]?.body).toEqual(anthropic.requests[0]?.body);
  });

  it('exports the images with their data in JSON and as notes in Markdown', async () => {
    const download = async (name: string) => {
      const file = page.waitForEvent('download', WAIT);
      await page.getByRole('link', { name, exact: true }).click();
      return readFileSync(await (await file).path(), 'utf8');
    };
    const json = JSON.parse(await download('JSON')) as { messages: { attachments?: { name: string; dataUrl: string }[] }[] };
    const images = json.messages.flatMap((m) => m.attachments ?? []);
    expect(images.map((i) => [i.name, i.dataUrl])).toEqual([
      ['icon.png', dataUrl(ICON)],
      ['image.jpg', pastedJpeg],
      ['later.png', dataUrl(LATER_ICON)],
    ]);
    const markdown = await download('Markdown');
    expect(markdown).toContain('## You\n\nwhat is in this picture\n\n_[image: icon.png (image/png, 4 KiB), in the JSON export]_');
  });

  it('keeps the images of an edited question, and deletes the ones the edit dropped', async () => {
    const first = page.getByTestId('user-message').first();
    await first.hover();
    await first.getByRole('button', { name: 'Edit and resend' }).click();
    const edit = page.getByRole('textbox', { name: 'Edit your message' });
    await edit.fill('what is in this icon');
    await edit.press('Enter');
    await expect.poll(() => anthropic.requests.length, WAIT).toBe(3);
    expect(messagesOf(anthropic.requests[2])).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'what is in this icon' },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: ICON.toString('base64') } },
        ],
      },
    ]);
    await expect.poll(() => page.getByTestId('assistant-message').count(), WAIT).toBe(1);
    // Saved: the later questions' images are used by no conversation any more, so they are gone.
    const status = (bytes: Buffer) => page.request.get(`${serve.url}/_app/api/attachments/${createHash('sha256').update(bytes).digest('hex')}`).then((r) => r.status());
    await expect.poll(() => status(LATER_ICON), WAIT).toBe(404);
    expect(await status(ICON)).toBe(200);
  });
});

describe('tool-call and reasoning blocks', () => {
  it('shows a tool call as a closed block with its name that does not move when the answer ends', async () => {
    await page.keyboard.press('Control+Shift+O');
    await pickModel('gpt-4o-mini', 'mock/gpt-4o-mini');
    await ask('what is the capital of the UK?');
    const live = page.getByTestId('live-answer');
    const liveCall = live.locator('.tool-call');
    await liveCall.waitFor(WAIT);
    const whileStreaming = await placeIn(live, liveCall.locator('summary'));
    await page.getByTestId('assistant-message').waitFor(WAIT);
    const done = lastAnswer();
    expect(await placeIn(done, done.locator('.tool-call summary'))).toEqual(whileStreaming);
    expect((await done.locator('.tool-call summary').innerText()).trim()).toBe('Tool call get_capital');
    expect(await done.locator('.tool-call-args').isVisible()).toBe(false);
    await done.locator('.tool-call summary').click();
    expect(await done.locator('.tool-call-args').innerText()).toBe('{\n  "country": "UK"\n}');
    await audit('tool call');

    await ask('which country and product?');
    await expect.poll(() => page.getByTestId('assistant-message').count(), WAIT).toBe(2);
    // The earlier answer was only a tool call: it goes back as words, never as an empty turn or a call without its result.
    expect(messagesOf(chatRequests().at(-1))[1]).toEqual({ role: 'assistant', content: '(Asked to call get_capital with {"country":"UK"}.)' });
    const summaries = await lastAnswer().locator('.tool-call summary').allInnerTexts();
    expect(summaries.map((s) => s.trim())).toEqual(['Tool call get_country', 'Tool call get_product_name']);
  });

  it('keeps an opened reasoning block open and in place when the answer ends', async () => {
    await ask('think: what is 17 × 23?');
    const live = page.getByTestId('live-answer');
    const reasoning = live.locator('details.reasoning');
    await reasoning.waitFor(WAIT);
    await reasoning.locator('summary').click();
    const whileStreaming = await placeIn(live, reasoning.locator('summary'));
    await page.getByTestId('assistant-message').nth(2).waitFor(WAIT);
    const done = lastAnswer();
    expect(await done.locator('details.reasoning').getAttribute('open')).toBe('');
    expect(await placeIn(done, done.locator('details.reasoning summary'))).toEqual(whileStreaming);
    expect(await done.locator('.reasoning-body').innerText()).toContain('We are');
  });

  it('gives a stopped answer the tokens the gateway counted for it, and saves them', async () => {
    await ask('a long story');
    await expect.poll(() => page.getByTestId('live-answer').innerText(), WAIT).toContain('word5');
    await composer().press('Escape');
    const meta = lastAnswer().getByTestId('meta-line');
    await expect.poll(() => meta.innerText(), WAIT).toMatch(/≈[\d,]+ in · [1-9][\d,]* out[\s\S]*stopped/);
    // The conversation's address ends with its id.
    const saved = `${serve.url}/_app/api/conversations/${new URL(page.url()).pathname.split('/').at(-1)}`;
    const lastMeta = async () => ((await (await page.request.get(saved)).json()) as { messages: { meta?: { usageEstimated?: boolean } }[] }).messages.at(-1)?.meta;
    await expect.poll(async () => (await lastMeta())?.usageEstimated, WAIT).toBe(true);
  });

  it('has no serious accessibility finding and no page error', () => {
    expect(axeFindings).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});

async function audit(name: string): Promise<void> {
  await auditPage(page, name, axeFindings);
}

async function screenshot(name: string): Promise<void> {
  await screenshotPage(page, shots, name);
}
