/**
 * A data dir whose usage log holds N requests, written the way the gateway writes them: app keys
 * made by the AppKeyStore, rows pushed to the UsageWriter (its batches, its transaction, its
 * daily rollup) with the SpendLedger folding each commit, the batches committed on the database
 * worker thread as in the gateway. Nothing is INSERTed by hand. Rows are spread over 120 days up to now, over many keys, models and
 * providers, with the product's own generation ids.
 *
 * 10 M rows take minutes, so the dir is kept in the OS temp dir, keyed by the row count, the
 * schema version and this generator's version, and reused; a reused dir is topped up to now at
 * the same rate (through the same writer) so "today" is never empty. A cache of an older schema
 * is upgraded by the product's own migrations (timed) rather than written again.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpendLedger } from '../src/main/core/policy/spend-ledger.js';
import { usageDbPath } from '../src/main/core/paths.js';
import { AppKeyStore, type LimitPeriod } from '../src/main/core/secrets/app-keys.js';
import { startDbWorker } from '../src/main/core/usage/db-worker.js';
import { newGenerationId } from '../src/main/core/usage/request-log.js';
import { openDb, SCHEMA_VERSION } from '../src/main/core/usage/usage-db.js';
import type { AttemptRecord, UsageRecord } from '../src/main/core/usage/usage-record.js';
import { UsageWriter } from '../src/main/core/usage/usage-writer.js';

/** Bump when the shape of the generated rows changes: older cached dirs are then ignored. */
const GENERATOR_VERSION = 1;
const SPAN_DAYS = 120;
const DAY_MS = 86_400_000;
/** A cached dir older than this is regenerated rather than topped up. */
const MAX_TOP_UP_MS = 3 * DAY_MS;
/** Rows handed to the writer before yielding to the loop (its timer and the worker's replies run). */
const BURST = 5000;
/** Generation of 10 M rows takes minutes on an idle machine; past this something is wrong. */
const MAX_GENERATION_MS = 90 * 60_000;

interface ModelSpec {
  id: string;
  providers: string[];
  /** USD per million input / output tokens; null: no known price (counted as unpriced). */
  price: [number, number] | null;
  reasoning: boolean;
}

const LOCAL = new Set(['ollama', 'vllm']);

/** 48 models on 10 providers; a third of the cloud ones are also reachable through OpenRouter. */
export const MODELS: readonly ModelSpec[] = (() => {
  const byProvider: Record<string, string[]> = {
    openai: ['gpt-4o', 'gpt-4o-mini', 'gpt-4.1', 'gpt-4.1-mini', 'gpt-4.1-nano', 'o3', 'o4-mini', 'gpt-5', 'gpt-5-mini'],
    anthropic: ['claude-sonnet-4-5', 'claude-haiku-4-5', 'claude-opus-4-1', 'claude-3-5-haiku', 'claude-sonnet-4'],
    google: ['gemini-2.5-pro', 'gemini-2.5-flash', 'gemini-2.5-flash-lite', 'gemini-2.0-flash', 'gemma-3-27b'],
    groq: ['llama-3.3-70b-versatile', 'llama-3.1-8b-instant', 'qwen3-32b', 'gpt-oss-120b'],
    deepseek: ['deepseek-chat', 'deepseek-reasoner'],
    mistral: ['mistral-large', 'mistral-medium', 'mistral-small', 'codestral', 'devstral'],
    xai: ['grok-4', 'grok-3-mini', 'grok-code-fast'],
    openrouter: ['qwen3-coder', 'kimi-k2', 'glm-4.6', 'minimax-m2'],
    ollama: ['llama3.2', 'qwen2.5-coder', 'phi4', 'mistral-nemo', 'gemma3'],
    vllm: ['qwen3-30b-a3b', 'llama-3.1-70b'],
  };
  const out: ModelSpec[] = [];
  let n = 0;
  for (const [provider, names] of Object.entries(byProvider)) {
    for (const name of names) {
      n++;
      const providers = [provider];
      if (!LOCAL.has(provider) && provider !== 'openrouter' && n % 3 === 0) providers.push('openrouter');
      const input = LOCAL.has(provider) ? 0 : 0.1 + (n % 7) * 0.6;
      out.push({
        id: `${provider}/${name}`,
        providers,
        price: provider === 'openrouter' && n % 2 === 0 ? null : [input, input * 4],
        reasoning: /^(o\d|gpt-5|deepseek-reasoner|grok-4|gemini-2.5-pro|claude-opus)/.test(name),
      });
    }
  }
  return out;
})();

export interface KeySpec {
  name: string;
  limitUsd?: number;
  limitPeriod?: LimitPeriod;
  /** Indexes into MODELS this key uses, most used first. */
  models: number[];
}

/** 24 app keys: 20 tools with a handful of favourite models, 4 scripts that use every model. */
export function keySpecs(): KeySpec[] {
  const tools = ['cursor', 'claude-code', 'codex', 'aider', 'gemini-cli', 'opencode', 'continue', 'cline', 'roo',
    'langchain-app', 'ai-sdk-app', 'notebook', 'zed', 'jetbrains', 'raycast', 'obsidian', 'shell-gpt', 'n8n',
    'home-assistant', 'openwebui'];
  const random = mulberry32(7);
  const keys: KeySpec[] = tools.map((name, i) => {
    const picks = new Set<number>();
    while (picks.size < 6 + (i % 5)) picks.add(Math.floor(random() * MODELS.length));
    return { name, models: [...picks] };
  });
  for (const name of ['batch-eval', 'scripts', 'ci-bot', 'openrouter-sdk']) keys.push({ name, models: MODELS.map((_, i) => i) });
  // Some keys carry limits, so the Spending screen draws its limit bars.
  const limits: [string, number, LimitPeriod][] = [['cursor', 50, 'daily'], ['claude-code', 400, 'weekly'],
    ['aider', 1000, 'monthly'], ['batch-eval', 100_000, 'total'], ['ci-bot', 30, 'daily'], ['notebook', 200, 'monthly']];
  for (const [name, limitUsd, limitPeriod] of limits) Object.assign(keys.find((k) => k.name === name) as KeySpec, { limitUsd, limitPeriod });
  return keys;
}

/** A small seeded PRNG: the same rows every time for the same count. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Index 0 most of the time, then 1, … (weights 1/(i+1)): a few favourites carry most traffic. */
function zipfPick(random: () => number, n: number): number {
  let total = 0;
  for (let i = 0; i < n; i++) total += 1 / (i + 1);
  let x = random() * total;
  for (let i = 0; i < n; i++) {
    x -= 1 / (i + 1);
    if (x <= 0) return i;
  }
  return n - 1;
}

interface KeyRef {
  spec: KeySpec;
  id: number;
}

class RowMaker {
  private readonly random: () => number;

  constructor(private readonly keys: KeyRef[], seed: number) {
    this.random = mulberry32(seed);
  }

  row(createdAt: number): UsageRecord {
    const r = this.random;
    const key = this.keys[zipfPick(r, this.keys.length)] as KeyRef;
    const model = MODELS[key.spec.models[zipfPick(r, key.spec.models.length)] as number] as ModelSpec;
    const provider = model.providers[Math.floor(r() * model.providers.length)] as string;
    const upstream = provider === 'openrouter' ? model.id : (model.id.split('/')[1] as string);
    const roll = r();
    const status = roll < 0.96 ? 200 : roll < 0.98 ? 429 : roll < 0.99 ? 502 : 500;
    const ok = status === 200;
    const streamed = r() < 0.6;
    const promptTokens = ok ? Math.floor(100 + r() ** 3 * 60_000) : 0;
    const completionTokens = ok ? Math.floor(20 + r() ** 2 * 4000) : 0;
    const cachedTokens = ok && r() < 0.4 ? Math.floor(promptTokens * r() * 0.8) : 0;
    const reasoningTokens = ok && model.reasoning ? Math.floor(completionTokens * r() * 0.6) : 0;
    const latencyMs = 150 + r() ** 2 * 30_000;
    const attempts: AttemptRecord[] = [];
    if (!ok || r() < 0.05) {
      attempts.push({ provider, model: upstream, model_id: model.id, outcome: 'failed', status: ok ? 503 : status,
        reason: ok ? 'upstream_unavailable' : 'upstream_error', try: 1, start_ms: 0, duration_ms: Math.round(latencyMs / 3) });
    }
    if (ok) attempts.push({ provider, model: upstream, model_id: model.id, outcome: 'ok', status: 200, try: attempts.length + 1, start_ms: 0, duration_ms: Math.round(latencyMs) });
    const cost = !ok ? 0 : model.price === null ? null : (promptTokens * model.price[0] + completionTokens * model.price[1]) / 1e6;
    return {
      id: newGenerationId(createdAt),
      createdAt,
      appKeyId: key.id,
      appKey: key.spec.name,
      model: model.id,
      provider,
      upstreamModel: upstream,
      status,
      promptTokens,
      completionTokens,
      cachedTokens,
      cacheWriteTokens: 0,
      reasoningTokens,
      cost,
      latencyMs,
      ttftMs: ok && streamed ? 80 + r() * 900 : null,
      streamed,
      finishReason: ok ? 'stop' : null,
      errorCode: ok ? null : status === 429 ? 'rate_limited' : 'upstream_error',
      attempts,
      usageEstimated: false,
      egress: null,
    };
  }
}

export interface GeneratedDir {
  dataDir: string;
  rows: number;
  generatedAt: string;
  /** Set when this run upgraded a cache of an older schema with the product's migrations: from which version, in how long. */
  migrated?: { fromSchema: number; seconds: number };
  /** Seconds the generation took and its rate, as measured when it was made. */
  seconds: number;
  rowsPerSec: number;
  reused: boolean;
  toppedUp: number;
  keys: KeySpec[];
}

interface Meta {
  rows: number;
  startMs: number;
  endMs: number;
  stepMs: number;
  generatedAt: string;
  seconds: number;
  rowsPerSec: number;
}

/**
 * Rows `from`..`from + count - 1` at `stepMs` apart after `startMs`, through one writer with the
 * ledger following it, `BURST` at a time; `onProgress` every million.
 */
async function writeRows(dataDir: string, keys: KeyRef[], seed: number, startMs: number, stepMs: number, count: number): Promise<void> {
  const path = usageDbPath(dataDir);
  const db = openDb(path);
  db.pragma('wal_autocheckpoint = 0');
  const dbWorker = startDbWorker(path, 1000);
  const writer = new UsageWriter(db, { maxBatch: BURST, committer: dbWorker.committer });
  const ledger = new SpendLedger(writer);
  const maker = new RowMaker(keys, seed);
  const began = performance.now();
  try {
    for (let i = 0; i < count; i += BURST) {
      if (performance.now() - began > MAX_GENERATION_MS) throw new Error(`generation passed ${MAX_GENERATION_MS / 60_000} minutes`);
      const end = Math.min(count, i + BURST);
      for (let j = i; j < end; j++) writer.record(maker.row(Math.floor(startMs + j * stepMs)));
      await new Promise((r) => setImmediate(r));
      if (Math.floor(end / 1_000_000) > Math.floor(i / 1_000_000)) {
        const seconds = (performance.now() - began) / 1000;
        process.stderr.write(`  ${end.toLocaleString('en-US')} rows, ${Math.round(end / seconds).toLocaleString('en-US')} rows/s\n`);
      }
    }
    writer.flush();
  } finally {
    ledger.close();
    writer.close();
    await dbWorker.stop();
    db.close();
  }
}

function keyRefs(dataDir: string, specs: KeySpec[], create: boolean): KeyRef[] {
  const db = openDb(usageDbPath(dataDir));
  try {
    const store = new AppKeyStore(db);
    return specs.map((spec) => {
      if (create) {
        const { appKey } = store.create({ name: spec.name, ...(spec.limitUsd !== undefined ? { limitUsd: spec.limitUsd, limitPeriod: spec.limitPeriod } : {}) });
        return { spec, id: appKey.id };
      }
      const found = store.list().find((k) => k.name === spec.name && k.revokedAt === null);
      if (!found) throw new Error(`cached data dir lacks app key ${spec.name}`);
      return { spec, id: found.id };
    });
  } finally {
    db.close();
  }
}

const cacheName = (rows: number, schema: number) => `switchyard-bench-rows-${rows}-schema${schema}-g${GENERATOR_VERSION}`;

/**
 * A finished cache of the same rows under an older schema becomes this schema's cache: opening it
 * runs the product's migrations on it, as an upgrade would on a user's database, and that is timed.
 */
function upgradeOlderCache(rows: number, root: string): GeneratedDir['migrated'] {
  const older = readdirSync(tmpdir())
    .map((name) => ({ name, schema: Number(/^switchyard-bench-rows-(\d+)-schema(\d+)-g(\d+)$/.exec(name)?.[2]) }))
    .filter(({ name, schema }) => name === cacheName(rows, schema) && schema < SCHEMA_VERSION && existsSync(join(tmpdir(), name, 'meta.json')))
    .sort((a, b) => b.schema - a.schema)[0];
  if (!older) return undefined;
  process.stderr.write(`upgrading ${older.name} to schema ${SCHEMA_VERSION} with the product's migrations\n`);
  renameSync(join(tmpdir(), older.name), root);
  const began = performance.now();
  openDb(usageDbPath(join(root, 'data'))).close();
  return { fromSchema: older.schema, seconds: (performance.now() - began) / 1000 };
}

/** The cached data dir for `rows` requests, made (or upgraded, or topped up to now) on the way. */
export async function usageRowsDir(rows: number, now = Date.now()): Promise<GeneratedDir> {
  const root = join(tmpdir(), cacheName(rows, SCHEMA_VERSION));
  const dataDir = join(root, 'data');
  const metaPath = join(root, 'meta.json');
  const specs = keySpecs();
  const migrated = existsSync(metaPath) ? undefined : upgradeOlderCache(rows, root);
  if (existsSync(metaPath)) {
    const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as Meta;
    const behind = now - meta.endMs;
    if (behind <= MAX_TOP_UP_MS) {
      const missing = Math.max(0, Math.floor(behind / meta.stepMs));
      if (missing > 0) {
        process.stderr.write(`topping up ${root} with ${missing.toLocaleString('en-US')} rows to now\n`);
        await writeRows(dataDir, keyRefs(dataDir, specs, false), meta.rows, meta.endMs + meta.stepMs, meta.stepMs, missing);
        meta.rows += missing;
        meta.endMs += missing * meta.stepMs;
        writeFileSync(metaPath, JSON.stringify(meta, null, 2));
      }
      return { dataDir, rows: meta.rows, generatedAt: meta.generatedAt, ...(migrated ? { migrated } : {}), seconds: meta.seconds, rowsPerSec: meta.rowsPerSec, reused: true, toppedUp: missing, keys: specs };
    }
  }
  // No cache, an unfinished one (no meta.json) or one too old to top up: start again.
  rmSync(root, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  process.stderr.write(`writing ${rows.toLocaleString('en-US')} rows through the usage writer into ${root}\n`);
  const stepMs = (SPAN_DAYS * DAY_MS) / rows;
  const startMs = now - SPAN_DAYS * DAY_MS;
  const began = performance.now();
  await writeRows(dataDir, keyRefs(dataDir, specs, true), 0, startMs, stepMs, rows);
  const seconds = (performance.now() - began) / 1000;
  const meta: Meta = { rows, startMs, endMs: startMs + (rows - 1) * stepMs, stepMs, generatedAt: new Date().toISOString(), seconds, rowsPerSec: Math.round(rows / seconds) };
  writeFileSync(metaPath, JSON.stringify(meta, null, 2));
  return { dataDir, rows, generatedAt: meta.generatedAt, seconds, rowsPerSec: meta.rowsPerSec, reused: false, toppedUp: 0, keys: specs };
}
