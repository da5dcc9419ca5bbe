/**
 * Issue 13: the Spending dashboard with 10 M usage rows behind it and the Activity log with 1 M,
 * against real `serve` processes and a real headless Chromium.
 *
 *   npm run bench:rows [-- --rows 10000000 --activity-rows 1000000 --scroll-seconds 30 --live-rate 100 --live-seconds 20]
 *
 * 1. Data: bench/usage-rows.ts writes the rows through the product's writer (cached between runs).
 * 2. Queries: an in-process gateway on each data dir answers the screens' control routes while
 *    every statement it runs is recorded with its arguments; each is then re-run alone (timed)
 *    and put through EXPLAIN QUERY PLAN. test/usage-query-plans.test.ts asserts the same plans.
 * 3. Spending: `serve` on the 10 M dir; each route timed over HTTP; Chromium loads /spending
 *    (navigation to charts and tables drawn) and switches ranges.
 * 4. Activity: `serve` on the 1 M dir; Chromium scrolls the virtualized log through many keyset
 *    pages (frames dropped, longest task, each page's fetch), then keeps the head open while
 *    requests arrive through the gateway at --live-rate per second.
 *
 * Writes bench/results/rows.{md,json}; the machine's load average is taken at every phase.
 */
import Database from 'better-sqlite3';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { parseConfig } from '../src/main/core/config/load-config.js';
import { startGateway } from '../src/main/core/gateway.js';
import { usageDbPath } from '../src/main/core/paths.js';
import { AppKeyStore } from '../src/main/core/secrets/app-keys.js';
import { MIGRATIONS, openDb } from '../src/main/core/usage/usage-db.js';
import type { ActivityPage } from '../src/shared/control/activity.js';
import { launchBrowser } from '../test/helpers/browser.js';
import { startChatUpstream } from '../test/helpers/chat-upstream.js';
import { startServe, type ServeProcess } from '../test/helpers/cli.js';
import { controlClient, signIn, type ControlClient } from '../test/helpers/control-client.js';
import { oneLine, queryPlan, readsUsage, recordStatements } from '../test/helpers/statement-recorder.js';
import { numberFlag } from './child-io.js';
import { usageRowsDir, type GeneratedDir } from './usage-rows.js';

const spendingRows = numberFlag('--rows', 10_000_000);
const activityRows = numberFlag('--activity-rows', 1_000_000);
const scrollSeconds = numberFlag('--scroll-seconds', 30);
const liveRate = numberFlag('--live-rate', 100);
const liveSeconds = numberFlag('--live-seconds', 20);
/** Also time the first start on a copy of the big database taken back to before the Activity indexes (copies GBs). */
const measureUpgrade = process.argv.includes('--measure-upgrade');
/** Runs of each recorded statement and of each route over HTTP. */
const QUERY_RUNS = 15;
const ROUTE_RUNS = 10;
/** Any single wait on the page or the server; a run past it is a failure, not a slow result. */
const WAIT_MS = 120_000;
const VSYNC_MS = 1000 / 60;
const ROW_PX = 36;
const UPSTREAM_KEY = 'sk-rows-bench-upstream';
const VAULT_ENV = { SWITCHYARD_VAULT: 'file', SWITCHYARD_VAULT_PASSPHRASE: 'rows-bench', MOCK_UPSTREAM_KEY: UPSTREAM_KEY };

const DAY_MS = 86_400_000;
const day = (daysAgo: number) => new Date(Date.now() - daysAgo * DAY_MS).toISOString().slice(0, 10);

// ---------------------------------------------------------------------------------- helpers

interface Loads {
  [phase: string]: [number, number, number];
}
const loads: Loads = {};
function noteLoad(phase: string): void {
  loads[phase] = loadavg().map((n) => Math.round(n * 100) / 100) as [number, number, number];
  process.stderr.write(`[${new Date().toISOString()}] ${phase} (load ${loads[phase]?.join(' ')})\n`);
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

const ms = (n: number) => (Number.isFinite(n) ? (n < 10 ? n.toFixed(2) : n.toFixed(0)) : '—');

interface Timing {
  p50: number;
  max: number;
}
function timing(values: number[]): Timing {
  return { p50: percentile(values, 50), max: Math.max(...values) };
}

// ----------------------------------------------------------------------- recorded queries

interface QueryResult {
  route: string;
  source: string;
  plan: string;
  /** How many times the route ran it (e.g. once per app key). */
  calls: number;
  rows: number;
  time: Timing;
}

/**
 * An in-process gateway on `dir` answers `routes` (control API paths) while every statement on
 * the usage tables is recorded; each is re-run alone QUERY_RUNS times on a separate read-only
 * connection and explained.
 */
async function recordRouteQueries(dir: GeneratedDir, routes: (client: ControlClient) => Promise<string[]>): Promise<QueryResult[]> {
  const recorder = recordStatements(Database.prototype);
  const gateway = await startGateway({ dataDir: dir.dataDir, port: 0, env: VAULT_ENV, config: parseConfig('{}', 'rows-bench') });
  const out: QueryResult[] = [];
  try {
    const client = await signIn(gateway);
    const paths = await routes(client);
    for (const path of paths) {
      recorder.take();
      recorder.recording = true;
      const answer = await client.call('GET', path);
      recorder.recording = false;
      if (answer.status !== 200) throw new Error(`${path} answered ${answer.status}: ${answer.text.slice(0, 200)}`);
      const db = new Database(usageDbPath(dir.dataDir), { readonly: true });
      try {
        const bySource = new Map<string, { result: QueryResult; times: number[] }>();
        for (const statement of recorder.take().filter(readsUsage)) {
          const prepared = db.prepare(statement.source);
          let entry = bySource.get(statement.source);
          if (!entry) {
            entry = { result: { route: path, source: oneLine(statement.source), plan: queryPlan(db, statement).join(' | '), calls: 0, rows: 0, time: { p50: 0, max: 0 } }, times: [] };
            bySource.set(statement.source, entry);
          }
          entry.result.calls++;
          for (let i = 0; i < QUERY_RUNS; i++) {
            const began = performance.now();
            const rows = prepared.reader ? prepared.all(...statement.args).length : 0;
            entry.times.push(performance.now() - began);
            entry.result.rows = Math.max(entry.result.rows, rows);
          }
        }
        for (const { result, times } of bySource.values()) out.push({ ...result, time: timing(times) });
      } finally {
        db.close();
      }
    }
  } finally {
    recorder.restore();
    await gateway.close();
  }
  return out;
}

const SPENDING_ROUTES = async (): Promise<string[]> => [
  '/spending?days=30', '/spending?days=7', '/spending?days=90', `/spending?from=${day(75)}&to=${day(15)}`,
  '/app-keys', '/status',
];

/** Activity's pages: the head, deep pages, the live head, each filter, a filter that matches nothing, one request's detail. */
async function activityRoutes(client: ControlClient): Promise<string[]> {
  const head = (await client.call('GET', '/activity')).json as ActivityPage;
  const top = head.rows[0]?.seq ?? 0;
  const some = head.rows[5]?.id ?? '';
  return [
    '/activity', `/activity?before=${Math.floor(top / 2)}`, `/activity?before=${Math.max(1, Math.floor(top / 100))}`,
    `/activity?after=${top - 50}&limit=500`, '/activity?appKey=aider', '/activity?model=ollama%2Fphi4', '/activity?provider=xai',
    '/activity?status=error', `/activity?status=ok&before=${Math.floor(top / 2)}`, '/activity?appKey=cursor&model=openai%2Fgpt-4o',
    '/activity?appKey=no-such-key', `/activity?since=${Date.now() - 2 * DAY_MS}`, `/activity?since=${Date.now() - 30 * DAY_MS}&until=${Date.now() - 29 * DAY_MS}`,
    `/activity?appKey=aider&since=${Date.now() - 60 * DAY_MS}&until=${Date.now() - 50 * DAY_MS}`, `/activity?until=${Date.now() - 100 * DAY_MS}`, `/activity/${some}`,
  ];
}

/**
 * What the first start of this version costs a user with `dir`'s log: a copy of its database taken
 * back to the schema before the Activity indexes and the hour table, then opened (migrated), timed.
 */
function upgradeFromBeforeIndexes(dir: GeneratedDir): { fromSchema: number; seconds: number } {
  const copy = mkdtempSync(join(tmpdir(), 'switchyard-rows-upgrade-'));
  try {
    const source = openDb(usageDbPath(dir.dataDir));
    source.pragma('wal_checkpoint(TRUNCATE)');
    source.close();
    copyFileSync(usageDbPath(dir.dataDir), join(copy, 'usage.db'));
    const first = MIGRATIONS.findIndex((sql) => sql.includes('CREATE INDEX requests_app_key ON')) + 1;
    const old = new Database(join(copy, 'usage.db'));
    old.exec(`DROP INDEX requests_app_key; DROP INDEX requests_model; DROP INDEX requests_provider; DROP INDEX requests_failed;
      DROP TABLE request_hours; DELETE FROM schema_migrations WHERE version >= ${first};`);
    old.close();
    const began = performance.now();
    openDb(join(copy, 'usage.db')).close();
    return { fromSchema: first - 1, seconds: (performance.now() - began) / 1000 };
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

// ------------------------------------------------------------------------------ the page

/**
 * Installed before any page script: long tasks, frame intervals while `recording`, and when each
 * screen was first drawn (polled every frame from navigation start).
 */
const PAGE_PROBES = `(() => {
  performance.setResourceTimingBufferSize(100000);
  const r = window.__rows = { longTasks: [], frames: [], recording: false, marks: {} };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) r.longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  const ready = {
    spending: () => document.querySelector('[data-testid=spend-totals]') && document.querySelectorAll('.recharts-surface').length >= 2
      && document.querySelector('.recharts-bar-rectangle') && document.querySelector('[data-testid=spend-by-model] tbody tr'),
    activity: () => document.querySelector('[data-testid=activity-row]'),
  };
  let last = 0;
  const tick = (now) => {
    if (r.recording && last) r.frames.push(now - last);
    last = now;
    for (const [name, test] of Object.entries(ready)) if (!(name in r.marks) && test()) r.marks[name] = now;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})()`;

interface FrameStats {
  frames: number;
  dropped: number;
  p95: number;
  longestFrame: number;
  longestTask: number;
  longTasks: number;
}

function frameStats(frames: number[], longTasks: { duration: number }[]): FrameStats {
  return {
    frames: frames.length,
    // A frame interval of n vsyncs means n - 1 frames were not drawn.
    dropped: frames.reduce((sum, f) => sum + Math.max(0, Math.round(f / VSYNC_MS) - 1), 0),
    p95: percentile(frames, 95),
    longestFrame: Math.max(0, ...frames),
    longestTask: Math.max(0, ...longTasks.map((t) => t.duration)),
    longTasks: longTasks.length,
  };
}

/**
 * Polls `expression` in the page until it is not null. (waitForFunction would eval the string
 * inside the page, which the UI's CSP forbids; evaluate goes through DevTools.)
 */
async function pollPage<T>(page: Page, expression: string, timeoutMs = WAIT_MS): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = (await page.evaluate(expression)) as T | null;
    if (value !== null) return value;
    if (performance.now() > deadline) throw new Error(`page never satisfied: ${expression}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const waitMark = (page: Page, name: string) => pollPage<number>(page, `window.__rows?.marks['${name}'] ?? null`);

interface ApiFetch {
  path: string;
  duration: number;
  /** Request sent to first byte: the server's work plus loopback. */
  wait: number;
}

/** The page's control-API fetches since `since` (page clock), from Resource Timing. */
async function apiFetches(page: Page, since: number): Promise<ApiFetch[]> {
  return (await page.evaluate(`performance.getEntriesByType('resource')
    .filter((e) => e.name.includes('/_app/api/') && !e.name.endsWith('/events') && e.startTime >= ${since})
    .map((e) => ({ path: new URL(e.name).pathname.replace('/_app/api', '') + new URL(e.name).search, duration: e.duration, wait: e.responseStart - e.requestStart }))`)) as ApiFetch[];
}

/** Records frames and long tasks while `work` runs in Node (the page stays free to render). */
async function recordFrames<T>(page: Page, work: () => Promise<T>): Promise<{ result: T; stats: FrameStats; since: number }> {
  const since = (await page.evaluate(`(() => { const r = window.__rows; r.frames = []; r.recording = true; return performance.now(); })()`)) as number;
  const result = await work();
  const probe = (await page.evaluate(`(() => { const r = window.__rows; r.recording = false;
    return { frames: r.frames, longTasks: r.longTasks.filter((t) => t.start >= ${since}) }; })()`)) as { frames: number[]; longTasks: { duration: number }[] };
  return { result, stats: frameStats(probe.frames, probe.longTasks), since };
}

// --------------------------------------------------------------------------------- phases

async function timeRoutes(client: ControlClient, paths: string[]): Promise<{ path: string; time: Timing; bytes: number }[]> {
  const out = [];
  for (const path of paths) {
    const times: number[] = [];
    let bytes = 0;
    for (let i = 0; i < ROUTE_RUNS; i++) {
      const began = performance.now();
      const answer = await client.call('GET', path);
      times.push(performance.now() - began);
      if (answer.status !== 200) throw new Error(`${path} on serve answered ${answer.status}`);
      bytes = answer.text.length;
    }
    out.push({ path, time: timing(times), bytes });
  }
  return out;
}

interface SpendingRender {
  loads: number[];
  loadLongestTask: number;
  ranges: { range: string; ms: number }[];
}

/** Navigation to the Spending screen drawn (three loads), then each range button and a custom range. */
async function spendingInBrowser(page: Page, url: string): Promise<SpendingRender> {
  const loadTimes: number[] = [];
  let loadLongestTask = 0;
  for (let i = 0; i < 3; i++) {
    await page.goto(`${url}/spending`, { timeout: WAIT_MS });
    loadTimes.push(await waitMark(page, 'spending'));
    const tasks = (await page.evaluate('window.__rows.longTasks')) as { duration: number }[];
    loadLongestTask = Math.max(loadLongestTask, ...tasks.map((t) => t.duration));
  }
  const hint = page.getByText(/^UTC days /);
  const ranges: { range: string; ms: number }[] = [];
  for (const days of [7, 90, 30]) {
    const began = performance.now();
    await page.getByRole('button', { name: `${days} days`, exact: true }).click();
    await hint.filter({ hasText: `UTC days ${day(days - 1)} to ${day(0)}.` }).waitFor({ timeout: WAIT_MS });
    ranges.push({ range: `${days} days`, ms: performance.now() - began });
  }
  const [from, to] = [day(75), day(15)];
  await page.locator('#range-from').fill(from);
  await page.locator('#range-to').fill(to);
  const began = performance.now();
  await page.getByRole('button', { name: 'Show', exact: true }).click();
  await hint.filter({ hasText: `UTC days ${from} to ${to}.` }).waitFor({ timeout: WAIT_MS });
  ranges.push({ range: `custom ${from}..${to}`, ms: performance.now() - began });
  return { loads: loadTimes, loadLongestTask, ranges };
}

interface ScrollResult {
  idle: FrameStats;
  scroll: FrameStats;
  rowsLoaded: number;
  pages: ApiFetch[];
  activityFirstDrawn: number;
}

/** Scrolls the log down `pxPerFrame` every frame for `seconds` (the list fetches older pages as it goes). */
async function activityScroll(page: Page, url: string): Promise<ScrollResult> {
  await page.goto(`${url}/activity`, { timeout: WAIT_MS });
  const activityFirstDrawn = await waitMark(page, 'activity');
  const idle = await recordFrames(page, () => new Promise((r) => setTimeout(r, 3000)));
  const pxPerFrame = ROW_PX * 6;
  const scrolled = await recordFrames(page, () =>
    page.evaluate(`new Promise((resolve) => {
      const scroller = document.querySelector('.activity-scroll');
      const began = performance.now();
      const step = () => {
        if (performance.now() - began > ${scrollSeconds * 1000}) return resolve(scroller.scrollHeight);
        scroller.scrollTop += ${pxPerFrame};
        requestAnimationFrame(step);
      };
      requestAnimationFrame(step);
    })`) as Promise<number>,
  );
  const pages = (await apiFetches(page, scrolled.since)).filter((f) => f.path.startsWith('/activity?'));
  return { idle: idle.stats, scroll: scrolled.stats, rowsLoaded: Math.round(scrolled.result / ROW_PX), pages, activityFirstDrawn };
}

interface LoadResult {
  sent: number;
  failed: number;
  latency: Timing & { p99: number };
}

/** `liveRate` chat requests a second for `liveSeconds` through the gateway, open loop (paced by the clock, not by answers). */
async function sendLoad(serve: ServeProcess, appKey: string): Promise<LoadResult> {
  const total = Math.round(liveRate * liveSeconds);
  const latencies: number[] = [];
  let failed = 0;
  const began = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const wait = began + (i * 1000) / liveRate - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const sent = performance.now();
    inFlight.push(
      fetch(`${serve.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${appKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'mock/gpt-4o-mini', messages: [{ role: 'user', content: `live ${i}` }], max_tokens: 16 }),
        signal: AbortSignal.timeout(30_000),
      }).then(
        async (res) => {
          await res.arrayBuffer();
          if (res.status !== 200) failed++;
          latencies.push(performance.now() - sent);
        },
        () => {
          failed++;
        },
      ),
    );
  }
  await Promise.all(inFlight);
  return { sent: total, failed, latency: { ...timing(latencies), p99: percentile(latencies, 99) } };
}

interface LiveResult {
  screen: string;
  load: LoadResult;
  frames: FrameStats | null;
  /** Control-API fetches the page made while the requests came in, by route. */
  fetches: Record<string, { count: number; wait: Timing }>;
  /** Activity only: the last request's row reached the head of the list. */
  shownAtEnd?: boolean;
}

/**
 * The load of `sendLoad` with `screen` open (its live updates running), or with no page at all
 * (`about:blank`): the difference is what the open screen costs the gateway.
 */
async function livePhase(page: Page, serve: ServeProcess, key: { key: string; name: string }, screen: 'spending' | 'activity' | null): Promise<LiveResult> {
  if (screen === null) {
    await page.goto('about:blank');
    return { screen: 'no page open', load: await sendLoad(serve, key.key), frames: null, fetches: {} };
  }
  await page.goto(`${serve.url}/${screen}`, { timeout: WAIT_MS });
  await waitMark(page, screen);
  const recorded = await recordFrames(page, () => sendLoad(serve, key.key));
  const fetched = await apiFetches(page, recorded.since);
  const fetches: LiveResult['fetches'] = {};
  for (const route of new Set(fetched.map((f) => f.path.replace(/\?.*/, '')))) {
    const waits = fetched.filter((f) => f.path.replace(/\?.*/, '') === route).map((f) => f.wait);
    fetches[route] = { count: waits.length, wait: timing(waits) };
  }
  const result: LiveResult = { screen, load: recorded.result, frames: recorded.stats, fetches };
  if (screen === 'activity') {
    // The head row carries the live key once the list caught up with the last request.
    result.shownAtEnd = await pollPage(page, `document.querySelector('[data-testid=activity-row]')?.textContent.includes(${JSON.stringify(key.name)}) || null`, 10_000)
      .then(() => true, () => false);
  }
  return result;
}

/** A fresh app key for the live requests (the cached dir keeps none from earlier runs). */
function liveKey(dataDir: string): { key: string; name: string } {
  const db = openDb(usageDbPath(dataDir));
  try {
    const store = new AppKeyStore(db);
    for (const old of store.list()) if (old.name.startsWith('live-bench-') && old.revokedAt === null) store.revoke(old.name);
    const name = `live-bench-${Date.now()}`;
    return { key: store.create({ name }).key, name };
  } finally {
    db.close();
  }
}

// ----------------------------------------------------------------------------------- run

noteLoad('start');
const spendingDir = await usageRowsDir(spendingRows);
const activityDir = await usageRowsDir(activityRows);
noteLoad('data ready');
const upgrade = measureUpgrade ? upgradeFromBeforeIndexes(spendingDir) : null;
if (upgrade) noteLoad('upgrade timed');

const spendingQueries = await recordRouteQueries(spendingDir, SPENDING_ROUTES);
const activityQueries = await recordRouteQueries(activityDir, activityRoutes);
const activityQueriesAtSpendingSize = await recordRouteQueries(spendingDir, activityRoutes);
noteLoad('queries timed');

const upstream = await startChatUpstream(UPSTREAM_KEY);
const configDir = mkdtempSync(join(tmpdir(), 'switchyard-rows-bench-'));
const browser = await launchBrowser({ width: 1280, height: 900 });
await browser.context.addInitScript({ content: PAGE_PROBES });
const page = browser.page;

/** serve on `dataDir`, the browser signed in through its login link, and a client holding the browser's cookie. */
async function servePhase<T>(dataDir: string, work: (serve: ServeProcess, client: ControlClient) => Promise<T>): Promise<T & { serveStartMs: number }> {
  const config = join(configDir, 'config.json');
  const provider = { type: 'openai-compatible', baseUrl: `${upstream.url}/v1`, apiKeyEnv: 'MOCK_UPSTREAM_KEY', models: ['gpt-4o-mini'],
    pricing: { prompt: '0.00000015', completion: '0.0000006' } };
  writeFileSync(config, JSON.stringify({ providers: { mock: provider } }));
  const began = performance.now();
  const serve = await startServe(['--port', '0', '--config', config], dataDir, VAULT_ENV);
  const serveStartMs = performance.now() - began;
  try {
    await page.goto(serve.loginUrl, { timeout: WAIT_MS });
    await page.waitForURL(`${serve.url}/`, { timeout: WAIT_MS });
    const cookies = await browser.context.cookies(serve.url);
    const client = controlClient(serve.url, cookies.map((c) => `${c.name}=${c.value}`).join('; '));
    return { ...(await work(serve, client)), serveStartMs };
  } finally {
    const code = await serve.stop();
    if (code !== 0) process.stderr.write(`serve exited ${code}: ${serve.stderr().slice(-500)}\n`);
  }
}

let spending;
let activity;
const spendingKey = liveKey(spendingDir.dataDir);
try {
  spending = await servePhase(spendingDir.dataDir, async (serve, client) => {
    noteLoad('spending serve up');
    const routes = await timeRoutes(client, ['/spending?days=30', '/spending?days=7', '/spending?days=90', `/spending?from=${day(75)}&to=${day(15)}`, '/app-keys', '/status']);
    noteLoad('spending routes timed');
    const render = await spendingInBrowser(page, serve.url);
    noteLoad('spending rendered');
    const live = [await livePhase(page, serve, spendingKey, null), await livePhase(page, serve, spendingKey, 'spending')];
    noteLoad('spending live');
    return { routes, render, live };
  });
  const live = liveKey(activityDir.dataDir);
  activity = await servePhase(activityDir.dataDir, async (serve, client) => {
    noteLoad('activity serve up');
    const routes = await timeRoutes(client, ['/activity', '/activity?appKey=aider', '/activity?status=error']);
    const scrolled = await activityScroll(page, serve.url);
    noteLoad('activity scrolled');
    const liveRuns = [await livePhase(page, serve, live, null), await livePhase(page, serve, live, 'activity')];
    noteLoad('activity live');
    return { routes, scrolled, live: liveRuns };
  });
} finally {
  await browser.close();
  await upstream.close();
  rmSync(configDir, { recursive: true, force: true });
}

// -------------------------------------------------------------------------------- report

const described = (d: GeneratedDir) => `${d.rows.toLocaleString('en-US')} rows (${d.reused ? `cached, generated ${d.generatedAt}${d.toppedUp ? `, topped up ${d.toppedUp.toLocaleString('en-US')}` : ''}` : 'generated in this run'}; writer rate when generated: ${d.rowsPerSec.toLocaleString('en-US')} rows/s, ${Math.round(d.seconds)} s${d.migrated ? `; upgraded in this run from schema ${d.migrated.fromSchema} by the product's migrations in ${d.migrated.seconds.toFixed(1)} s` : ''})`;

function queryTable(results: QueryResult[]): string {
  const lines = ['| Route | Statement | Runs per answer | Plan | Rows (max) | p50 / max (ms) |', '|---|---|---:|---|---:|---:|'];
  for (const q of results) {
    const sql = q.source.length > 160 ? `${q.source.slice(0, 157)}…` : q.source;
    lines.push(`| \`${q.route}\` | \`${sql.replaceAll('|', '\\|')}\` | ${q.calls} | ${q.plan.replaceAll('|', '/')} | ${q.rows} | ${ms(q.time.p50)} / ${ms(q.time.max)} |`);
  }
  return lines.join('\n');
}

const routeTable = (routes: { path: string; time: Timing; bytes: number }[]) =>
  ['| Route (over HTTP, owner cookie) | p50 / max (ms) | Body |', '|---|---:|---:|',
    ...routes.map((r) => `| \`${r.path}\` | ${ms(r.time.p50)} / ${ms(r.time.max)} | ${(r.bytes / 1024).toFixed(1)} KiB |`)].join('\n');

const frameRow = (name: string, f: FrameStats) =>
  `| ${name} | ${f.frames} | ${f.dropped} | ${ms(f.p95)} | ${ms(f.longestFrame)} | ${f.longTasks ? `${ms(f.longestTask)} (${f.longTasks} over 50 ms)` : 'none over 50 ms'} |`;

function liveTable(runs: LiveResult[]): string {
  const lines = [`${liveRate} chat requests/s for ${liveSeconds} s through the gateway (mock upstream), once with no page open and once with the screen open:`, '',
    '| Screen open | Failed | Gateway latency p50 / p99 (ms) | Frames dropped | Longest task | Page\'s control-API fetches (count, first byte p50 / max ms) |',
    '|---|---:|---:|---:|---|---|'];
  for (const r of runs) {
    const fetches = Object.entries(r.fetches).map(([route, f]) => `${route} ×${f.count} (${ms(f.wait.p50)} / ${ms(f.wait.max)})`).join(', ') || '—';
    const frames = r.frames ? `${r.frames.dropped} of ${r.frames.frames + r.frames.dropped}` : '—';
    const task = r.frames ? (r.frames.longTasks ? `${ms(r.frames.longestTask)} ms (${r.frames.longTasks} over 50 ms)` : 'none over 50 ms') : '—';
    lines.push(`| ${r.screen} | ${r.load.failed} of ${r.load.sent} | ${ms(r.load.latency.p50)} / ${ms(r.load.latency.p99)} | ${frames} | ${task} | ${fetches} |`);
  }
  const shown = runs.find((r) => r.shownAtEnd !== undefined);
  if (shown) lines.push('', `The last request's row ${shown.shownAtEnd ? 'reached' : 'did NOT reach'} the head of the Activity list within 10 s of the last answer.`);
  return lines.join('\n');
}

const { scrolled } = activity;
const pageWaits = scrolled.pages.map((p) => p.wait);
const md = `# Spending at ${spendingDir.rows.toLocaleString('en-US')} rows, Activity at ${activityDir.rows.toLocaleString('en-US')} rows (${new Date().toISOString()})

\`npm run bench:rows\` (bench/dashboard-rows.ts; method in bench/NOTES.md). Machine: ${cpus().length} cores; load average (1/5/15 min) at each phase:
${Object.entries(loads).map(([phase, l]) => `${phase} ${l.join(' / ')}`).join('; ')}.

Data: Spending ${described(spendingDir)}; Activity ${described(activityDir)}. 24 app keys, 48 models, 10 providers, 120 days.

Upgrade: ${upgrade ? `the first start on a copy of the ${spendingDir.rows.toLocaleString('en-US')}-row database as schema ${upgrade.fromSchema} left it (no Activity indexes, no hour table) spent ${upgrade.seconds.toFixed(1)} s in the migrations` : 'not measured in this run (`--measure-upgrade`)'}.

## Spending with ${spendingDir.rows.toLocaleString('en-US')} rows

\`serve\` start on this data dir: ${ms(spending.serveStartMs)} ms (spawn to login link printed).

Chromium, navigation to \`/spending\` until totals, both charts' bars and the by-model table are drawn:
${spending.render.loads.map((t) => `${ms(t)} ms`).join(', ')} (three loads; longest task during them ${ms(spending.render.loadLongestTask)} ms).
Range switches (click until the new range's figures are on screen):
${spending.render.ranges.map((r) => `${r.range} ${ms(r.ms)} ms`).join(', ')}.

${routeTable(spending.routes)}

${liveTable(spending.live)}

Every statement those routes ran (recorded in an in-process gateway on the same dir, then re-run alone ${QUERY_RUNS}× and explained):

${queryTable(spendingQueries)}

## Activity with ${activityDir.rows.toLocaleString('en-US')} rows

\`serve\` start: ${ms(activity.serveStartMs)} ms. First row drawn ${ms(scrolled.activityFirstDrawn)} ms after navigation.

| Phase | Frames | Dropped | Frame p95 (ms) | Longest frame (ms) | Longest task |
|---|---:|---:|---:|---:|---|
${frameRow('Idle, 3 s (the machine\'s own noise)', scrolled.idle)}
${frameRow(`Scrolling ${scrollSeconds} s at ${ROW_PX * 6} px per frame`, scrolled.scroll)}

Scrolling loaded ${scrolled.rowsLoaded.toLocaleString('en-US')} rows through ${scrolled.pages.length} keyset pages; each page's fetch, request to first byte: p50 ${ms(percentile(pageWaits, 50))} ms, max ${ms(Math.max(...pageWaits))} ms.

${liveTable(activity.live)}

${routeTable(activity.routes)}

Statements of the Activity routes at ${activityDir.rows.toLocaleString('en-US')} rows:

${queryTable(activityQueries)}

The same at ${spendingDir.rows.toLocaleString('en-US')} rows:

${queryTable(activityQueriesAtSpendingSize)}
`;

const outDir = join(import.meta.dirname, 'results');
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'rows.md'), md);
writeFileSync(join(outDir, 'rows.json'), JSON.stringify({ spendingDir, activityDir, upgrade, loads, spendingQueries, activityQueries, activityQueriesAtSpendingSize, spending, activity }, null, 2));
process.stdout.write(md);
