/**
 * Usage-store benchmark: rows/s through the batched writer, event-loop stalls while the
 * checkpointer runs, and the dashboard query (spend per day per model, 30 days) at 1 M and
 * 10 M rows. `npm run bench:usage [-- --rows 1000000,10000000]`.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { startDbWorker } from '../src/main/core/usage/db-worker.js';
import { openDb } from '../src/main/core/usage/usage-db.js';
import { UsageQueries } from '../src/main/core/usage/usage-queries.js';
import { utcDay, type UsageRecord } from '../src/main/core/usage/usage-record.js';
import { UsageWriter } from '../src/main/core/usage/usage-writer.js';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000,10000000' } } });
const sizes = values.rows.split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0);

const MODELS = Array.from({ length: 20 }, (_, i) => `provider${i % 5}/model-${i}`);
const APP_KEYS = ['cursor', 'claude-code', 'aider', 'scripts', 'notebook'];
const DAY_MS = 86_400_000;

function syntheticRow(i: number, total: number, now: number): UsageRecord {
  // Spread over 60 days, oldest first, so inserts append like real traffic.
  const createdAt = now - 60 * DAY_MS + Math.floor((i / total) * 60 * DAY_MS);
  const model = MODELS[i % MODELS.length] as string;
  return {
    id: `gen-${Math.floor(createdAt / 1000)}-${i.toString(36).padStart(20, '0')}`,
    createdAt,
    appKeyId: (i % APP_KEYS.length) + 1,
    appKey: APP_KEYS[i % APP_KEYS.length] as string,
    model,
    provider: model.split('/')[0] as string,
    upstreamModel: model.split('/')[1] as string,
    status: i % 50 === 0 ? 502 : 200,
    promptTokens: 200 + (i % 1000),
    completionTokens: 50 + (i % 300),
    cachedTokens: i % 3 === 0 ? 100 : 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    cost: i % 7 === 0 ? null : 0.0001 + (i % 100) * 1e-6,
    latencyMs: 300 + (i % 200),
    ttftMs: 120 + (i % 50),
    streamed: i % 2 === 0,
    finishReason: 'stop',
    errorCode: i % 50 === 0 ? 'upstream_error' : null,
    attempts: [],
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/**
 * A server's view: rows arrive steadily (LIVE_RATE/s, every 10 ms) through the production writer
 * settings while the checkpointer works; the event loop's worst delay is what a request would feel.
 */
const LIVE_RATE = 5000;
const LIVE_SECONDS = 8;

async function liveLoad(
  db: ReturnType<typeof openDb>,
  offset: number,
  now: number,
): Promise<{ maxStallMs: number; p99StallMs: number; maxCommitMs: number; p99CommitMs: number }> {
  const writer = new UsageWriter(db);
  // Time each batch commit: the part of a loop stall the writer itself causes (the rest is the OS scheduler).
  const commits: number[] = [];
  const flush = writer.flush.bind(writer);
  writer.flush = () => {
    const t = performance.now();
    flush();
    commits.push(performance.now() - t);
  };
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  let i = offset;
  const perTick = LIVE_RATE / 100;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      for (let k = 0; k < perTick; k++, i++) writer.record(syntheticRow(i, offset * 2, now + DAY_MS));
    }, 10);
    setTimeout(() => {
      clearInterval(timer);
      resolve();
    }, LIVE_SECONDS * 1000);
  });
  writer.close();
  loop.disable();
  commits.sort((a, b) => a - b);
  return {
    maxStallMs: loop.max / 1e6,
    p99StallMs: loop.percentile(99) / 1e6,
    maxCommitMs: commits.at(-1) ?? 0,
    p99CommitMs: percentile(commits, 99),
  };
}

interface Result {
  rows: number;
  writeRowsPerSec: number;
  maxLoopStallMs: number;
  p99LoopStallMs: number;
  maxCommitMs: number;
  p99CommitMs: number;
  dbMiB: number;
  dashboardP50Ms: number;
  dashboardMaxMs: number;
  recentP50Ms: number;
}

async function runSize(total: number): Promise<Result> {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-usage-bench-'));
  const path = join(dir, 'usage.db');
  const db = openDb(path);
  db.pragma('wal_autocheckpoint = 0');
  const dbWorker = startDbWorker(path, 1000);
  const writer = new UsageWriter(db, { maxBatch: 2000 });
  const now = Date.now();
  const started = performance.now();
  // Feed the writer as a busy server would: bursts, yielding to the loop so its timer and the checkpointer run.
  const burst = 5000;
  for (let i = 0; i < total; i += burst) {
    const end = Math.min(total, i + burst);
    for (let j = i; j < end; j++) writer.record(syntheticRow(j, total, now));
    await new Promise((r) => setImmediate(r));
  }
  writer.flush();
  const elapsed = (performance.now() - started) / 1000;
  writer.close();
  const live = await liveLoad(db, total, now);

  const queries = new UsageQueries(db);
  const since = utcDay(now - 30 * DAY_MS);
  const dashboard: number[] = [];
  for (let i = 0; i < 50; i++) {
    const t = performance.now();
    const out = queries.spendPerDayPerModel(since);
    dashboard.push(performance.now() - t);
    if (out.length === 0) throw new Error('dashboard query returned nothing');
  }
  const recent: number[] = [];
  for (let i = 0; i < 50; i++) {
    const t = performance.now();
    queries.recent(20);
    recent.push(performance.now() - t);
  }
  dashboard.sort((a, b) => a - b);
  recent.sort((a, b) => a - b);
  await dbWorker.stop();
  const dbBytes = statSync(path).size;
  db.close();
  rmSync(dir, { recursive: true, force: true });
  return {
    rows: total,
    writeRowsPerSec: Math.round(total / elapsed),
    maxLoopStallMs: live.maxStallMs,
    p99LoopStallMs: live.p99StallMs,
    maxCommitMs: live.maxCommitMs,
    p99CommitMs: live.p99CommitMs,
    dbMiB: Math.round(dbBytes / 1048576),
    dashboardP50Ms: percentile(dashboard, 50),
    dashboardMaxMs: dashboard.at(-1) ?? NaN,
    recentP50Ms: percentile(recent, 50),
  };
}

const results: Result[] = [];
for (const size of sizes) {
  process.stderr.write(`writing ${size.toLocaleString()} rows…\n`);
  results.push(await runSize(size));
}

const lines = [
  '| rows | write rows/s (bulk) | batch commit max / p99 at 5k rows/s (ms) | loop delay max / p99 (ms) | DB size | dashboard query p50 / max (ms) | target ≤ 10 ms | last-20 query p50 (ms) |',
  '|---:|---:|---:|---:|---:|---:|:---:|---:|',
  ...results.map(
    (r) =>
      `| ${r.rows.toLocaleString('en-US')} | ${r.writeRowsPerSec.toLocaleString('en-US')} | ${r.maxCommitMs.toFixed(1)} / ${r.p99CommitMs.toFixed(1)} | ${r.maxLoopStallMs.toFixed(1)} / ${r.p99LoopStallMs.toFixed(1)} | ${r.dbMiB} MiB | ${r.dashboardP50Ms.toFixed(3)} / ${r.dashboardMaxMs.toFixed(3)} | ${r.dashboardMaxMs <= 10 ? 'PASS' : 'MISS'} | ${r.recentP50Ms.toFixed(3)} |`,
  ),
];
const table = lines.join('\n');
process.stdout.write(`${table}\n`);
const outDir = join(import.meta.dirname, 'results');
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'usage-store.md'), `# Usage store benchmark (${new Date().toISOString()})\n\n${table}\n\nBulk: rows pushed as fast as the writer takes them (batches of 2000). Loop delay: 8 s of steady 5,000 rows/s through the production writer settings (batches every 50 ms) on top of the full table, while the worker-thread checkpointer runs; it includes the batch commits themselves.\n`);
writeFileSync(join(outDir, 'usage-store.json'), JSON.stringify(results, null, 2));
