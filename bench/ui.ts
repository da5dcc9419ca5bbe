/**
 * The GUI against DESIGN.md §6, in headless Chromium against a real `switchyard serve` (the
 * built CLI, its own process) with a local mock provider:
 *   - login link to an interactive chat, and a reload to an interactive chat (median of 5);
 *   - first-screen JavaScript (gzip);
 *   - while a long markdown answer streams (50 k tokens by default), the longest main-thread
 *     task, the frames dropped (over 33 ms) and the frame time p95;
 *   - the JS heap (after a forced GC) once the answer is saved, and after 20 long conversations
 *     were opened and scrolled through in the app, one after the other.
 *
 *   npx tsx bench/ui.ts [--tokens 50000] [--rate 500] [--conversations 20] [--cli path/to/switchyard.mjs]
 *
 * Needs the web UI and the CLI built (`npm run build:web && npm run build:core`). `--cli`
 * measures another build: its serve ships the out/renderer found above that file.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Page } from 'playwright-core';
import { numberFlag, stringFlag } from './child-io.js';
import { cleanUpNow, removeOnCleanUp, repoRoot, spawnNode, stopChild } from './children.js';

const tokens = numberFlag('--tokens', 50_000);
const rate = numberFlag('--rate', 500);
const conversationCount = numberFlag('--conversations', 20);
const RELOADS = 5;

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

/** A saved answer of a long conversation: prose, a list, a code block (about 2,400 characters). */
function savedAnswer(turn: number): string {
  const prose = Array.from({ length: 40 }, (_, i) => `word${turn}-${i}`).join(' ');
  const code = Array.from({ length: 12 }, (_, i) => `const v${i} = items.filter((x) => x.cost > ${i}).map((x) => x.id);`).join('\n');
  return `## Step ${turn}\n\n${prose}\n\n- first point with \`code\`\n- second point with **bold**\n\n\`\`\`ts\n${code}\n\`\`\`\n\n${prose}`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/**
 * Notes in the page the moment the composer can be used, counted from the navigation's start
 * (the login link's redirect included). Injected before the page's own scripts.
 */
const MARK_INTERACTIVE = `new MutationObserver((_, observer) => {
  const composer = document.querySelector('#composer-input');
  if (composer && !composer.disabled) {
    window.__interactiveAt = performance.now();
    observer.disconnect();
  }
}).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['disabled'] });`;

/** Milliseconds from the start of the navigation to a usable composer. */
async function waitInteractive(page: Page): Promise<number> {
  await page.locator('#composer-input:enabled').waitFor({ timeout: 30_000 });
  return (await page.evaluate('window.__interactiveAt')) as number;
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
removeOnCleanUp(dataDir);
writeFileSync(join(dataDir, 'config.json'), JSON.stringify({ providers: { bench: { type: 'openai-compatible', baseUrl: `${upstreamUrl}/v1`, dataPolicy: { local: true }, models: ['bench-model'] } } }));
const serve = spawnNode('serve', stringFlag('--cli') ?? join(repoRoot, 'out', 'cli', 'switchyard.mjs'), ['serve', '--port', '0', '--data-dir', dataDir], { ...process.env, SWITCHYARD_VAULT: 'file', SWITCHYARD_VAULT_PASSPHRASE: 'ui-bench' });
const deadline = Date.now() + 60_000;
let loginUrl: string | undefined;
while (!(loginUrl = /(http:\/\/\S+\?login=\S+)\n/.exec(serve.output())?.[1])) {
  if (serve.child.exitCode !== null || Date.now() > deadline) throw new Error(`serve did not start:\n${serve.output()}`);
  await new Promise((r) => setTimeout(r, 50));
}
const appUrl = new URL(loginUrl).origin;

const profile = mkdtempSync(join(tmpdir(), 'switchyard-ui-bench-chromium-'));
removeOnCleanUp(profile);
const context = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-sync', '--disable-component-update'],
  viewport: { width: 1280, height: 820 },
});
const loadBefore = loadavg();
const started = performance.now();

try {
  const page = context.pages()[0] ?? (await context.newPage());
  const cdp = await context.newCDPSession(page);
  const heapMiB = async (): Promise<number> => {
    await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = await cdp.send('Runtime.getHeapUsage');
    return usedSize / 2 ** 20;
  };

  const scripts = new Map<string, Promise<number>>();
  const onResponse = (response: import('playwright-core').Response) => {
    if (response.request().resourceType() === 'script') scripts.set(response.url(), response.body().then((b) => gzipSync(b).length));
  };
  page.on('response', onResponse);
  await context.addInitScript(MARK_INTERACTIVE);
  await page.goto(loginUrl);
  const loginToInteractiveMs = await waitInteractive(page);
  page.off('response', onResponse);
  // What the first screen needed: scripts requested before the chat could be used (the markdown renderer loads later, when idle).
  const before = (await page.evaluate(`performance.getEntriesByType('resource').filter((e) => e.startTime <= ${loginToInteractiveMs}).map((e) => e.name)`)) as string[];
  const firstScreenKb = (await Promise.all([...scripts].filter(([url]) => before.includes(url)).map(([, size]) => size))).reduce((a, b) => a + b, 0) / 1024;

  const reloads: number[] = [];
  for (let i = 0; i < RELOADS; i++) {
    await page.reload();
    reloads.push(await waitInteractive(page));
  }
  const heapFirstScreen = await heapMiB();

  // A reader waits before typing: what the first screen loads when idle (the markdown renderer) is not part of the answer.
  await page.waitForTimeout(3000);
  // Strings, not functions: tsx would wrap named functions in a helper the page does not have.
  await page.evaluate(`(() => {
    const state = { longest: 0, frames: [], running: true };
    window.__bench = state;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) state.longest = Math.max(state.longest, entry.duration);
    }).observe({ type: 'longtask' });
    let last = performance.now();
    const frame = (now) => {
      if (!state.running) return;
      state.frames.push(now - last);
      last = now;
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  })()`);
  // Main-thread tasks as Chrome traces them, with their thread (CPU) time beside their wall time:
  // on a loaded machine a task's wall time includes the time the renderer waited for a core.
  const tasks: { dur: number; tdur: number }[] = [];
  const pendingEvents: { name: string; ph: string; pid: number; tid: number; dur?: number; tdur?: number; args?: { name?: string } }[] = [];
  cdp.on('Tracing.dataCollected', ({ value }) => pendingEvents.push(...(value as unknown as typeof pendingEvents)));
  const tracingDone = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
  await cdp.send('Tracing.start', { categories: 'toplevel,__metadata', transferMode: 'ReportEvents' });
  const composer = page.getByRole('textbox', { name: 'Message' });
  await composer.fill('Write a long answer.');
  const streamStarted = performance.now();
  await composer.press('Enter');
  await page.getByTestId('live-answer').waitFor({ timeout: 30_000 });
  await page.getByTestId('live-answer').waitFor({ state: 'detached', timeout: (tokens / rate) * 1000 * 3 + 60_000 });
  const streamSeconds = (performance.now() - streamStarted) / 1000;
  const result = (await page.evaluate('(() => { window.__bench.running = false; return window.__bench; })()')) as { longest: number; frames: number[] };
  await cdp.send('Tracing.end');
  await tracingDone;
  // Every renderer's main thread (the page's is the busy one; the others idle).
  const mainThreads = new Set(pendingEvents.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  for (const event of pendingEvents) {
    if (mainThreads.has(`${event.pid}:${event.tid}`) && event.ph === 'X' && event.name === 'ThreadControllerImpl::RunTask' && event.dur !== undefined) tasks.push({ dur: event.dur / 1000, tdur: (event.tdur ?? event.dur) / 1000 });
  }
  const longestCpu = Math.max(0, ...tasks.map((t) => t.tdur));
  const cpuOver50 = tasks.filter((t) => t.tdur > 50).length;
  const frames = [...result.frames].sort((a, b) => a - b);
  const p95 = frames[Math.floor(frames.length * 0.95)] ?? 0;
  const dropped = frames.filter((f) => f > 33).length;
  const answerChars = (await page.evaluate(`[...document.querySelectorAll('[data-testid="assistant-message"]')].at(-1)?.textContent?.length ?? 0`)) as number;
  const heapAfterAnswer = await heapMiB();

  // 20 long conversations (40 turns each), saved as the UI saves them, then opened in the app one
  // after the other and scrolled from end to start, as a reader going through their history.
  const ids = (await page.evaluate(`(async () => {
    const answers = ${JSON.stringify(Array.from({ length: 20 }, (_, t) => savedAnswer(t)))};
    const call = async (method, path, body) => {
      const response = await fetch('/_app/api' + path, { method, headers: { accept: 'application/json', 'content-type': 'application/json' }, body: JSON.stringify(body) });
      if (!response.ok) throw new Error(method + ' ' + path + ': ' + response.status);
      return response.json();
    };
    const made = [];
    for (let c = 0; c < ${conversationCount}; c++) {
      const { id } = await call('POST', '/conversations', { model: 'bench/bench-model', title: 'history ' + c });
      const messages = answers.flatMap((answer, t) => [
        { id: crypto.randomUUID(), role: 'user', content: 'question ' + t + ' of conversation ' + c, createdAt: Date.now() },
        { id: crypto.randomUUID(), role: 'assistant', content: answer, createdAt: Date.now() },
      ]);
      await call('PUT', '/conversations/' + id + '/messages', { messages });
      made.push(id);
    }
    return made;
  })()`)) as string[];
  await page.reload();
  await waitInteractive(page);
  let heapAfterFirstConversation = 0;
  for (const [i, id] of ids.entries()) {
    await page.locator(`a[href="/chat/${id}"]`).click();
    await page.getByText(`question 19 of conversation ${i}`, { exact: true }).waitFor({ timeout: 30_000 });
    for (let step = 0; step < 40; step++) {
      const top = (await page.evaluate(`(() => {
        const el = document.querySelector('[data-testid="chat-scroll"]');
        el.scrollBy({ top: -el.clientHeight });
        return el.scrollTop;
      })()`)) as number;
      await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
      if (top === 0) break;
    }
    await page.getByText(`question 0 of conversation ${i}`, { exact: true }).waitFor({ timeout: 30_000 });
    if (i === 0) heapAfterFirstConversation = await heapMiB();
  }
  const heapAfterConversations = await heapMiB();
  const loadAfter = loadavg();

  const rows: [string, string, string, boolean | null][] = [
    ['Login link to interactive chat', `${loginToInteractiveMs.toFixed(0)} ms`, '≤ 500 ms', loginToInteractiveMs <= 500],
    [`Reload to interactive chat (median of ${RELOADS})`, `${median(reloads).toFixed(0)} ms (${reloads.map((r) => r.toFixed(0)).join(', ')})`, '≤ 500 ms', median(reloads) <= 500],
    ['First-screen JavaScript (gzip)', `${firstScreenKb.toFixed(1)} kB`, '≤ 250 kB', firstScreenKb <= 250],
    [`Longest task while streaming ${tokens} tokens at ${rate}/s (${(answerChars / 1000).toFixed(0)} k characters, ${streamSeconds.toFixed(0)} s)`, `${result.longest.toFixed(0)} ms`, '≤ 50 ms', result.longest <= 50],
    ['Longest main-thread task by CPU time (trace)', `${longestCpu.toFixed(0)} ms (${cpuOver50} of ${tasks.length} tasks over 50 ms)`, '≤ 50 ms', longestCpu <= 50],
    ['Frames dropped (over 33 ms) while streaming', `${dropped} of ${frames.length}`, '—', null],
    ['Frame time p95 while streaming', `${p95.toFixed(1)} ms`, '≤ 33 ms', p95 <= 33],
    ['JS heap after the first screen', `${heapFirstScreen.toFixed(1)} MiB`, '—', null],
    ['JS heap with the long answer saved', `${heapAfterAnswer.toFixed(1)} MiB`, '—', null],
    ['JS heap after the first long conversation (40 turns)', `${heapAfterFirstConversation.toFixed(1)} MiB`, '—', null],
    [`JS heap after ${conversationCount} long conversations opened and scrolled through`, `${heapAfterConversations.toFixed(1)} MiB`, '—', null],
  ];
  console.log(`Run ${new Date().toISOString()}, ${((performance.now() - started) / 1000).toFixed(0)} s; Node ${process.version}; load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')} before, ${loadAfter.map((l) => l.toFixed(2)).join(' ')} after.\n`);
  console.log('| Measure | Value | Target | |\n|---|---|---|---|');
  for (const [name, value, target, ok] of rows) console.log(`| ${name} | ${value} | ${target} | ${ok === null ? '' : ok ? 'PASS' : 'FAIL'} |`);
} finally {
  await context.close();
  await stopChild(serve.child, 10_000);
  upstream.close();
  cleanUpNow();
}
