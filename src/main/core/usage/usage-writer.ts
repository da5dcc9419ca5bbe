import type { Statement } from 'better-sqlite3';
import type { BatchCommitter, CommitBatch } from './db-worker.js';
import type { Db } from './usage-db.js';
import { utcDay, type UsageRecord } from './usage-record.js';

/** The bucket of request_hours (usage-db.ts), the index of Activity's time filter. */
export const HOUR_MS = 3_600_000;

export interface UsageWriterOptions {
  /** Longest a row waits in memory before its batch is committed. */
  flushIntervalMs?: number;
  /** A batch this large is committed at once. */
  maxBatch?: number;
  /**
   * Commits batches off the event loop (the gateway's database worker, db-worker.ts). Without
   * one, each batch commits here, synchronously, on the writer's own connection.
   */
  committer?: BatchCommitter;
}

const INSERT_ROW = `INSERT INTO requests (id, created_at, app_key_id, app_key, model, provider,
  upstream_model, status, prompt_tokens, completion_tokens, cached_tokens, cache_write_tokens, reasoning_tokens,
  cost, latency_ms, ttft_ms, streamed, finish_reason, error_code, attempts, usage_estimated, egress)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
const INSERT_BODIES = `INSERT INTO request_bodies (request_id, app_key_id, created_at, expires_at, prompt, completion)
  VALUES (?, ?, ?, ?, ?, ?)`;
const ADD_TO_ROLLUP = `INSERT INTO daily_usage (day, app_key, model, provider, requests, errors,
  prompt_tokens, completion_tokens, cached_tokens, cache_write_tokens, reasoning_tokens, cost, unpriced_requests)
  VALUES (@day, @appKey, @model, @provider, @requests, @errors, @prompt, @completion, @cached, @cacheWrite,
    @reasoning, @cost, @unpriced)
  ON CONFLICT (day, app_key, model, provider) DO UPDATE SET
    requests = requests + excluded.requests, errors = errors + excluded.errors,
    prompt_tokens = prompt_tokens + excluded.prompt_tokens,
    completion_tokens = completion_tokens + excluded.completion_tokens,
    cached_tokens = cached_tokens + excluded.cached_tokens,
    cache_write_tokens = cache_write_tokens + excluded.cache_write_tokens,
    reasoning_tokens = reasoning_tokens + excluded.reasoning_tokens,
    cost = cost + excluded.cost, unpriced_requests = unpriced_requests + excluded.unpriced_requests`;
// Run right after a row's insert: last_insert_rowid() is that row's seq.
const WIDEN_HOUR = `INSERT INTO request_hours (hour, min_seq, max_seq) VALUES (?, last_insert_rowid(), last_insert_rowid())
  ON CONFLICT (hour) DO UPDATE SET min_seq = MIN(min_seq, excluded.min_seq), max_seq = MAX(max_seq, excluded.max_seq)`;
const STATEMENTS = [INSERT_ROW, INSERT_BODIES, ADD_TO_ROLLUP, WIDEN_HOUR] as const;
const [ROW, BODIES, ROLLUP, HOUR] = [0, 1, 2, 3];

/**
 * Batches usage rows off the request path: a request only pushes to an array; a timer
 * commits the batch in one transaction, inserting the rows, folding them into the daily
 * rollup and running the follow-ups (the spend fold). Rows not yet committed stay readable
 * through `pending`, `pendingRows` and `withPending`.
 */
export class UsageWriter {
  private queue: UsageRecord[] = [];
  /** The batch the committer is writing: still pending for readers until it is visible in the database. */
  private inFlight: UsageRecord[] = [];
  private readonly byId = new Map<string, UsageRecord>();
  private timer: NodeJS.Timeout | undefined;
  private readonly flushIntervalMs: number;
  private readonly maxBatch: number;
  private readonly committer: BatchCommitter;
  private readonly followUps: (readonly string[])[] = [];
  private readonly isCommitted;
  private readonly readSnapshot;
  private closed = false;
  private flushing = false;
  private readonly listeners = new Set<(rows: readonly UsageRecord[]) => void>();

  constructor(private readonly db: Db, opts: UsageWriterOptions = {}) {
    this.flushIntervalMs = opts.flushIntervalMs ?? 50;
    this.maxBatch = opts.maxBatch ?? 500;
    this.committer = opts.committer ?? localCommitter(db);
    this.isCommitted = db.prepare('SELECT 1 FROM requests WHERE id = ?').pluck();
    this.readSnapshot = db.transaction(<T>(query: () => T) => {
      const committed = query();
      // The batch commits as a whole: one of its rows in this snapshot means all of them are.
      const first = this.inFlight[0];
      const landed = first !== undefined && this.isCommitted.get(first.id) !== undefined;
      return { committed, pending: landed ? this.queue : this.pendingRows() };
    });
  }

  record(row: UsageRecord): void {
    if (this.closed) throw new Error('usage writer is closed');
    this.queue.push(row);
    this.byId.set(row.id, row);
    if (this.queue.length >= this.maxBatch) this.tryFlush();
    else this.timer ??= setTimeout(() => this.tryFlush(), this.flushIntervalMs);
  }

  /**
   * Statements run in each batch's transaction after its rows, together in one savepoint: if they
   * fail, they alone roll back and the rows still commit.
   */
  addFollowUp(statements: readonly string[]): void {
    this.followUps.push(statements);
  }

  /** A row recorded but not yet committed. */
  pending(id: string): UsageRecord | undefined {
    return this.byId.get(id);
  }

  /** Rows recorded but not yet committed, oldest first (a batch being committed included). */
  pendingRows(): readonly UsageRecord[] {
    return this.inFlight.length === 0 ? this.queue : [...this.inFlight, ...this.queue];
  }

  /**
   * Committed figures and the rows not yet in them, read from one snapshot of the database: a
   * batch the worker commits between the query and the look at the pending rows would otherwise
   * count twice (or not at all).
   */
  withPending<T>(query: () => T): { committed: T; pending: readonly UsageRecord[] } {
    return this.readSnapshot(query) as { committed: T; pending: readonly UsageRecord[] };
  }

  /** Called after each committed batch (spend limits settle, health stats update). */
  onCommit(listener: (rows: readonly UsageRecord[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Commits every row recorded so far before it returns (waiting for a batch in flight); throws if they cannot commit yet. */
  flush(): void {
    this.clearTimer();
    this.flushing = true;
    try {
      this.committer.settle();
      if (this.queue.length === 0) return;
      let failure: Error | undefined;
      this.startCommit((error) => {
        failure = error;
      });
      this.committer.settle();
      if (failure) throw failure;
    } finally {
      this.flushing = false;
    }
  }

  /**
   * The timer's and the hot path's flush: never throws, never waits. A batch that cannot commit
   * (e.g. another process holds the write lock past busy_timeout) goes back to the queue and is
   * retried; rows recorded while a batch is in flight go in the next one.
   */
  private tryFlush(): void {
    this.clearTimer();
    if (this.inFlight.length > 0 || this.queue.length === 0) return;
    this.startCommit((error) => {
      if (error) this.warn('usage rows could not be written yet; retrying', error);
    });
  }

  private startCommit(onEnd: (error: Error | undefined) => void): void {
    const batch = this.queue;
    this.queue = [];
    this.inFlight = batch;
    this.committer.commit(this.planOf(batch), (error) => {
      this.inFlight = [];
      if (error) {
        // Keep the rows and try again later.
        this.queue = batch.concat(this.queue);
        if (!this.closed) this.timer ??= setTimeout(() => this.tryFlush(), this.flushIntervalMs * 4);
        onEnd(error);
        return;
      }
      for (const row of batch) this.byId.delete(row.id);
      for (const listener of this.listeners) {
        try {
          listener(batch);
        } catch (err) {
          // The rows are committed; a follower (spend totals, health) catches up on its own.
          this.warn('a usage-log follower failed', err);
        }
      }
      onEnd(undefined);
      // `flush` commits what is left itself, in one more batch.
      if (this.flushing) return;
      if (this.queue.length >= this.maxBatch) this.tryFlush();
      else if (this.queue.length > 0 && !this.closed) this.timer ??= setTimeout(() => this.tryFlush(), this.flushIntervalMs);
    });
  }

  private planOf(rows: readonly UsageRecord[]): CommitBatch {
    const ops: CommitBatch['ops'] = [];
    const buckets = new Map<string, RollupBucket>();
    // request_hours only needs the first and the last row of each hour in the batch.
    const lastOfHour = new Map<number, number>();
    rows.forEach((r, i) => lastOfHour.set(Math.floor(r.createdAt / HOUR_MS), i));
    const seenHours = new Set<number>();
    for (const [i, r] of rows.entries()) {
      ops.push([ROW, [
        r.id, r.createdAt, r.appKeyId, r.appKey, r.model, r.provider, r.upstreamModel, r.status,
        r.promptTokens, r.completionTokens, r.cachedTokens, r.cacheWriteTokens, r.reasoningTokens,
        r.cost, r.latencyMs, r.ttftMs, r.streamed ? 1 : 0, r.finishReason, r.errorCode,
        r.attempts.length > 0 ? JSON.stringify(r.attempts) : null, r.usageEstimated ? 1 : 0,
        r.egress ? JSON.stringify(r.egress) : null,
      ]]);
      const hour = Math.floor(r.createdAt / HOUR_MS);
      if (!seenHours.has(hour) || lastOfHour.get(hour) === i) ops.push([HOUR, [hour]]);
      seenHours.add(hour);
      if (r.bodies && r.appKeyId !== null) {
        ops.push([BODIES, [r.id, r.appKeyId, r.createdAt, r.bodies.expiresAt, r.bodies.prompt, r.bodies.completion]]);
      }
      addToBucket(buckets, r);
    }
    for (const bucket of buckets.values()) ops.push([ROLLUP, bucket as unknown as Record<string, unknown>]);
    return { statements: STATEMENTS, ops, followUps: this.followUps };
  }

  private clearTimer(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  private lastWarning = 0;

  private warn(what: string, err: unknown): void {
    const now = Date.now();
    if (now - this.lastWarning < 10_000) return;
    this.lastWarning = now;
    process.stderr.write(`switchyard: ${what}: ${(err as Error).message}\n`);
  }

  close(): void {
    this.flush();
    this.closed = true;
  }

  get database(): Db {
    return this.db;
  }
}

/** Commits on the writer's own connection, at once: for the CLI and tests, which have no database worker. */
function localCommitter(db: Db): BatchCommitter {
  const prepared = new Map<string, Statement>();
  const statement = (sql: string): Statement => {
    let stmt = prepared.get(sql);
    if (!stmt) {
      stmt = db.prepare(sql);
      prepared.set(sql, stmt);
    }
    return stmt;
  };
  const followUp = db.transaction((statements: readonly string[]) => {
    for (const sql of statements) statement(sql).run();
  });
  const commit = db.transaction((batch: CommitBatch) => {
    for (const [index, params] of batch.ops) statement(batch.statements[index] as string).run(params);
    for (const group of batch.followUps) {
      try {
        followUp(group);
      } catch {
        // Rolled back to its savepoint: the rows commit, the follow-up's owner catches up.
      }
    }
  });
  return {
    commit(batch, done) {
      let error: Error | undefined;
      try {
        commit(batch);
      } catch (err) {
        error = err as Error;
      }
      done(error);
    },
    settle: () => undefined,
  };
}

interface RollupBucket {
  day: string;
  appKey: string;
  model: string;
  provider: string;
  requests: number;
  errors: number;
  prompt: number;
  completion: number;
  cached: number;
  cacheWrite: number;
  reasoning: number;
  cost: number;
  unpriced: number;
}

function addToBucket(buckets: Map<string, RollupBucket>, r: UsageRecord): void {
  const day = utcDay(r.createdAt);
  const appKey = r.appKey ?? '';
  const provider = r.provider ?? '';
  const key = `${day}\u0000${appKey}\u0000${r.model}\u0000${provider}`;
  let b = buckets.get(key);
  if (!b) {
    b = { day, appKey, model: r.model, provider, requests: 0, errors: 0, prompt: 0, completion: 0, cached: 0,
      cacheWrite: 0, reasoning: 0, cost: 0, unpriced: 0 };
    buckets.set(key, b);
  }
  b.requests += 1;
  if (r.status >= 400 || r.errorCode) b.errors += 1;
  b.prompt += r.promptTokens;
  b.completion += r.completionTokens;
  b.cached += r.cachedTokens;
  b.cacheWrite += r.cacheWriteTokens;
  b.reasoning += r.reasoningTokens;
  if (r.cost === null) {
    if (r.promptTokens + r.completionTokens > 0) b.unpriced += 1;
  } else b.cost += r.cost;
}
