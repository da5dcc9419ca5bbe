/**
 * Every query the Spending and Activity screens cause (their control routes, and the status and
 * app-key routes both screens load) is an index or rollup range, never a walk of the request log:
 * recorded while the real routes answer, then put through EXPLAIN QUERY PLAN with the same
 * arguments. And the migration that added Activity's filter indexes upgrades an existing
 * database without changing a single answer.
 */
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { usageDbPath } from '../src/main/core/paths.js';
import { ActivityQueries } from '../src/main/core/usage/activity-queries.js';
import { RequestLog } from '../src/main/core/usage/request-log.js';
import { MIGRATIONS, openDb, SCHEMA_VERSION, type Db } from '../src/main/core/usage/usage-db.js';
import { UsageQueries } from '../src/main/core/usage/usage-queries.js';
import { UsageWriter } from '../src/main/core/usage/usage-writer.js';
import type { ActivityQuery, ActivityRow } from '../src/shared/control/activity.js';
import { signIn, type ControlClient } from './helpers/control-client.js';
import { startHarness, type Harness } from './helpers/gateway-harness.js';
import { oneLine, queryPlan, readsUsage, recordStatements } from './helpers/statement-recorder.js';

const KEYS = ['cursor', 'aider', 'scripts'];
const MODELS = ['openai/gpt-4o', 'anthropic/claude-haiku-4-5', 'ollama/llama3.2', 'groq/qwen3-32b'];
const FILTER_INDEXES = ['requests_app_key', 'requests_model', 'requests_provider', 'requests_failed'];

/** `count` requests through RequestLog and the writer, as the gateway logs them: varied keys, models, providers and outcomes. */
function logRequests(writer: UsageWriter, count: number, start: number): void {
  for (let i = 0; i < count; i++) {
    const model = MODELS[i % MODELS.length] as string;
    // Every seventh request ran three hours and is logged when it ended, among requests that started later.
    const startedAt = start + i * 60_000 - (i % 7 === 3 ? 3 * 3_600_000 : 0);
    const log = new RequestLog(writer, (i % KEYS.length) + 1, KEYS[i % KEYS.length] as string, model, startedAt);
    log.provider = i % 5 === 0 ? 'openrouter' : (model.split('/')[0] as string);
    log.usage = { promptTokens: 10 + i, completionTokens: 5 + (i % 7), cachedTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 };
    log.cost = i % 9 === 0 ? null : (i % 13) * 0.001;
    log.finish(i % 11 === 0 ? 502 : 200, i % 11 === 0 ? 'upstream_error' : null);
  }
  writer.flush();
}

/**
 * A plan that reads a range of an index or of the rollup. The one `SCAN requests` allowed is the
 * log's newest page (no WHERE, ORDER BY seq DESC, LIMIT): the primary key read backwards and
 * stopped by the LIMIT, without a sort.
 */
function expectRangeRead(source: string, plan: string[]): void {
  const text = plan.join(' | ');
  if (/^SELECT [^;]* FROM requests ORDER BY seq DESC LIMIT \?$/.test(source)) expect(text, source).toBe('SCAN requests');
  else {
    expect(text, source).not.toMatch(/\bSCAN (requests|daily_usage|key_spend|spend_reservations)\b/);
    expect(text, source).toMatch(/\bSEARCH\b/);
  }
}

describe('query plans of the Spending and Activity screens', () => {
  let harness: Harness;
  let client: ControlClient;
  let recorder: ReturnType<typeof recordStatements>;

  beforeAll(async () => {
    // Installed before the gateway starts: its routes prepare their statements then.
    recorder = recordStatements(Database.prototype);
    harness = await startHarness();
    // Another connection's writer, as the CLI or a second process would log: the routes read the same file.
    const db = openDb(usageDbPath(harness.dataDir));
    logRequests(new UsageWriter(db), 2000, Date.now() - 2000 * 60_000);
    db.close();
    client = await signIn(harness.gateway);
  }, 60_000);

  afterAll(async () => {
    recorder?.restore();
    await harness?.close();
  });

  /** The statements on the usage tables that answering `paths` ran, with their plans. */
  async function plansFor(paths: string[]): Promise<{ source: string; plan: string[] }[]> {
    recorder.take();
    recorder.recording = true;
    try {
      for (const path of paths) expect((await client.call('GET', path)).status, path).toBe(200);
    } finally {
      recorder.recording = false;
    }
    const db = new Database(usageDbPath(harness.dataDir), { readonly: true });
    try {
      return recorder.take().filter(readsUsage).map((s) => ({ source: oneLine(s.source), plan: queryPlan(db, s) }));
    } finally {
      db.close();
    }
  }

  it('Spending (each range, totals, groups, limits, status strip) reads only rollup and index ranges', async () => {
    const day = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);
    const plans = await plansFor(['/spending?days=7', '/spending?days=30', '/spending?days=90', `/spending?from=${day(200)}&to=${day(3)}`,
      '/spending/export?days=30', '/app-keys', '/status']);
    const sources = plans.map((p) => p.source).join('\n');
    for (const table of ['daily_usage', 'key_spend', 'requests']) expect(sources).toContain(table);
    for (const { source, plan } of plans) expectRangeRead(source, plan);
  });

  it('Activity pages (head, older, newer, every filter and their mixes) walk an index in seq order', async () => {
    const head = (await client.call('GET', '/activity')).json as { rows: ActivityRow[] };
    const seq = (head.rows[50] as ActivityRow).seq;
    const hoursAgo = (h: number) => Date.now() - h * 3_600_000;
    const filters = ['appKey=aider', 'model=ollama%2Fllama3.2', 'provider=openrouter', 'status=error', 'status=ok',
      'appKey=cursor&model=openai%2Fgpt-4o', 'provider=groq&status=error', 'appKey=nobody', `since=${hoursAgo(5)}`,
      `until=${hoursAgo(20)}`, `since=${hoursAgo(30)}&until=${hoursAgo(10)}`, `appKey=aider&since=${hoursAgo(30)}&until=${hoursAgo(10)}`];
    const paths = ['/activity', `/activity?before=${seq}`, `/activity?after=${seq}&limit=500`];
    for (const filter of filters) paths.push(`/activity?${filter}`, `/activity?${filter}&before=${seq}`, `/activity?${filter}&after=${seq}`);
    const all = await plansFor(paths);
    const plans = all.filter((p) => p.source.includes('ORDER BY seq DESC'));
    expect(plans).toHaveLength(paths.length);
    // A time range becomes a seq range through the hour table's primary key.
    const hours = all.filter((p) => p.source.includes('request_hours'));
    expect(hours.length).toBe(filters.filter((f) => /since|until/.test(f)).length * 3);
    for (const { source, plan } of hours) expect(plan.join(' | '), source).toMatch(/^SEARCH request_hours USING INTEGER PRIMARY KEY \(rowid>\? AND rowid<\?\)$/);
    for (const { source, plan } of plans) {
      const text = plan.join(' | ');
      // Sorting would mean reading every match first; the order must come from the walk itself.
      expect(text, source).not.toMatch(/TEMP B-TREE/);
      expectRangeRead(source, plan);
      if (/app_key = \?|model = \?|provider = \?|status >= 400/.test(source)) {
        expect(text, source).toMatch(new RegExp(`INDEX (${FILTER_INDEXES.join('|')}) `));
      } else if (/\+created_at/.test(source)) expect(text, source).toMatch(/^SEARCH requests USING INTEGER PRIMARY KEY \(rowid>\? AND rowid<\?\)$/);
    }
  });
});

describe("the migrations behind Activity's filters", () => {
  let dir: string;
  const open: Db[] = [];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'switchyard-plans-'));
  });
  afterAll(() => {
    for (const db of open) if (db.open) db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Every page of `query`, followed to the log's start through nextBefore (bounded). */
  function allPages(queries: ActivityQueries, query: ActivityQuery): number[] {
    const seqs: number[] = [];
    let before: number | undefined;
    for (let page = 0; page < 1000; page++) {
      const out = queries.page({ ...query, limit: 97, ...(before !== undefined ? { before } : {}) });
      seqs.push(...out.rows.map((r) => r.seq));
      if (out.nextBefore === null) return seqs;
      before = out.nextBefore;
    }
    throw new Error('more than 1000 pages');
  }

  const START = Date.UTC(2026, 0, 1, 0, 30);
  const HOUR = 3_600_000;
  const MATCHING: ActivityQuery[] = [{}, { since: START + 10 * HOUR + 17_000, until: START + 20 * HOUR }, { appKey: 'aider' },
    { model: 'ollama/llama3.2' }, { provider: 'openrouter' }, { status: 'error' }, { status: 'ok' }, { appKey: 'cursor', model: 'openai/gpt-4o' },
    { provider: 'groq', status: 'error' }, { since: START + 45 * HOUR }, { until: START + 3 * HOUR },
    { appKey: 'aider', status: 'ok', since: START + 2 * HOUR, until: START + 30 * HOUR }];
  const NO_MATCH: ActivityQuery[] = [{ appKey: 'nobody' }, { since: START + 1000 * HOUR }, { since: START + 5 * HOUR, until: START + 5 * HOUR },
    { until: START - 10 * HOUR }];
  const CASES = [...MATCHING, ...NO_MATCH];

  it('upgrade a database that predates them, and every filtered page answers what the log says', () => {
    const path = join(dir, 'usage.db');
    // A database as the schema before these migrations left it: rows, no filter indexes, no hour table
    // (and none of the later tables).
    const first = MIGRATIONS.findIndex((sql) => sql.includes('CREATE INDEX requests_app_key ON')) + 1;
    expect(first).toBeGreaterThan(1);
    const old = openDb(path);
    open.push(old);
    logRequests(new UsageWriter(old), 3000, START);
    old.exec(`${FILTER_INDEXES.map((name) => `DROP INDEX ${name};`).join(' ')} DROP TABLE request_hours;
      DROP TABLE request_replays; DELETE FROM schema_migrations WHERE version >= ${first};`);
    const objects = (db: Db) => db.prepare("SELECT name FROM sqlite_master WHERE type IN ('index', 'table')").pluck().all() as string[];
    expect(objects(old)).not.toContain('requests_model');
    expect(objects(old)).not.toContain('request_hours');
    // What the log held before the upgrade, filtered in JS: the oracle, newest first.
    const all = new UsageQueries(old).list().reverse();
    const seqOf = new Map((old.prepare('SELECT id, seq FROM requests').all() as { id: string; seq: number }[]).map((r) => [r.id, r.seq]));
    const expected = CASES.map((query) => all
      .filter((r) => (query.appKey === undefined || r.appKey === query.appKey) && (query.model === undefined || r.model === query.model)
        && (query.provider === undefined || r.provider === query.provider)
        && (query.status === undefined || (query.status === 'error') === r.status >= 400)
        && (query.since === undefined || r.createdAt >= query.since) && (query.until === undefined || r.createdAt < query.until))
      .map((r) => seqOf.get(r.id) as number));
    old.close();

    const upgraded = openDb(path);
    open.push(upgraded);
    expect(upgraded.prepare('SELECT MAX(version) FROM schema_migrations').pluck().get()).toBe(SCHEMA_VERSION);
    expect(objects(upgraded)).toEqual(expect.arrayContaining([...FILTER_INDEXES, 'request_hours']));
    const after = CASES.map((query) => allPages(new ActivityQueries(upgraded), query));
    CASES.forEach((query, i) => expect(after[i], JSON.stringify(query)).toEqual(expected[i]));
    // The cases are not vacuous: only the no-match ones are empty (the late-logged requests test the time ranges' edges).
    expect(after.map((seqs) => seqs.length > 0)).toEqual(CASES.map((q) => MATCHING.includes(q)));

    // Rows written after the upgrade are in the hour table too.
    logRequests(new UsageWriter(upgraded), 50, START + 2000 * HOUR);
    expect(allPages(new ActivityQueries(upgraded), { since: START + 1997 * HOUR })).toHaveLength(50);
  });
});
