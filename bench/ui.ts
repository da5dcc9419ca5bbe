/**
 * The GUI against DESIGN.md §6, in headless Chromium against a real gateway with a local mock
 * provider: login to an interactive chat, first-screen JavaScript (gzip), and while a long
 * markdown answer streams at a steady rate, the longest main-thread task and the frame times.
 *
 *   npx tsx bench/ui.ts [--tokens 3000] [--rate 100]
 *
 * Needs the web UI built (`npm run build:web`). The 50 k-token run of DESIGN §6 is
 * `--tokens 50000` (over eight minutes at 100 tokens/s).
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { parseConfig } from '../src/main/core/config/load-config.js';
import { startGateway } from '../src/main/core/gateway.js';
import { numberFlag } from './child-io.js';

const tokens = numberFlag('--tokens', 3000);
const rate = numberFlag('--rate', 100);

/** Markdown with the shapes that cost a renderer most: headings, lists, code fences, inline code. */
function token(i: number): string {
  if (i % 400 === 0) return `\n\n## Section ${i / 400}\n\n`;
  if (i % 120 === 0) return '\n\n```ts\nconst total = items.reduce((sum, x) => sum + x.cost, 0);\n```\n\n';
  if (i % 50 === 0) return '\n- a list item with `code` and **bold** text';
  return ` word${i}`;
}

function chunk(content: string | null, finish: string | null = null, usage: unknown = null): string {
  const delta = content === null ? {} : { content };
  return `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1, model: 'bench-model', choices: usage ? [] : [{ index: 0, delta, finish_reason: finish }], usage })}\n\n`;
}

async function streamAnswer(res: ServerResponse): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  const started = performance.now();
  for (let i = 0; i < tokens; i++) {
    // Paced against the clock, so timer drift does not slow the stream below the rate.
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    res.write(chunk(token(i)));
  }
  res.write(chunk(null, 'stop'));
  res.write(chunk(null, null, { prompt_tokens: 10, completion_tokens: tokens, total_tokens: tokens + 10 }));
  res.end('data: [DONE]\n\n');
}

const upstream = createServer((req, res) => {
  if (req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ object: 'list', data: [{ id: 'bench-model', object: 'model' }] }));
    return;
  }
  req.resume();
  req.on('end', () => void streamAnswer(res));
});
await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
const upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;

const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-ui-bench-'));
const config = parseConfig(JSON.stringify({ providers: { bench: { type: 'openai-compatible', baseUrl: `${upstreamUrl}/v1`, dataPolicy: { local: true }, models: ['bench-model'] } } }), 'bench');
const gateway = await startGateway({
  dataDir,
  config,
  port: 0,
  rendererDir: resolve(import.meta.dirname, '..', 'out', 'renderer'),
  env: { SWITCHYARD_VAULT: 'file', SWITCHYARD_VAULT_PASSPHRASE: 'ui-bench' },
});
const profile = mkdtempSync(join(tmpdir(), 'switchyard-ui-bench-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-sync', '--disable-component-update'],
  viewport: { width: 1280, height: 820 },
});

try {
  const page = context.pages()[0] ?? (await context.newPage());
  const scripts: Promise<number>[] = [];
  const onResponse = (response: import('playwright-core').Response) => {
    if (response.request().resourceType() === 'script') scripts.push(response.body().then((b) => gzipSync(b).length));
  };
  page.on('response', onResponse);

  const loginStarted = performance.now();
  await page.goto(gateway.createLoginUrl());
  const composer = page.getByRole('textbox', { name: 'Message' });
  await composer.waitFor({ timeout: 30_000 });
  await page.waitForFunction("document.querySelector('#composer-input') && !document.querySelector('#composer-input').disabled", undefined, { timeout: 30_000 });
  const loginToInteractiveMs = performance.now() - loginStarted;
  page.off('response', onResponse);
  const firstScreenKb = (await Promise.all(scripts)).reduce((a, b) => a + b, 0) / 1024;

  await page.evaluate(`(() => {
    window.__bench = { longest: 0, frames: [], running: true };
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.__bench.longest = Math.max(window.__bench.longest, entry.duration);
    }).observe({ type: 'longtask' });
    let last = performance.now();
    const frame = (now) => {
      if (!window.__bench.running) return;
      window.__bench.frames.push(now - last);
      last = now;
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  })()`);
  await composer.fill('Write a long answer.');
  await composer.press('Enter');
  await page.getByTestId('meta-line').last().waitFor({ timeout: (tokens / rate) * 1000 * 2 + 60_000 });
  const result = (await page.evaluate('(() => { window.__bench.running = false; return window.__bench; })()')) as { longest: number; frames: number[] };
  const frames = [...result.frames].sort((a, b) => a - b);
  const p95 = frames[Math.floor(frames.length * 0.95)] ?? 0;
  const over33 = frames.filter((f) => f > 33).length;

  const rows: [string, string, string, boolean][] = [
    ['Login to interactive chat', `${loginToInteractiveMs.toFixed(0)} ms`, '≤ 500 ms', loginToInteractiveMs <= 500],
    ['First-screen JavaScript (gzip)', `${firstScreenKb.toFixed(1)} kB`, '≤ 250 kB', firstScreenKb <= 250],
    [`Longest task while streaming ${tokens} tokens at ${rate}/s`, `${result.longest.toFixed(0)} ms`, '≤ 50 ms', result.longest <= 50],
    ['Frame time p95 while streaming', `${p95.toFixed(1)} ms`, '≤ 33 ms', p95 <= 33],
    ['Frames over 33 ms (dropped)', `${over33} of ${frames.length}`, '—', true],
  ];
  console.log('| Measure | Value | Target | |\n|---|---|---|---|');
  for (const [name, value, target, ok] of rows) console.log(`| ${name} | ${value} | ${target} | ${target === '—' ? '' : ok ? 'PASS' : 'FAIL'} |`);
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
  await gateway.close();
  upstream.close();
  rmSync(dataDir, { recursive: true, force: true });
}
