import type { Db } from './usage-db.js';
import { utcDay, type UsageRecord } from './usage-record.js';

/** The bucket of request_hours (usage-db.ts), the index of Activity's time filter. */
export const HOUR_MS = 3_600_000;

export interface UsageWriterOptions {
  /** Longest a row waits in memory before its batch is committed. */
  flushIntervalMs?: number;
  /** A batch this large is committed at once. */
  maxBatch?: number;
}

/**
 * Batches usage rows off the request path: a request only pushes to an array; a timer
 * commits the batch in one transaction, inserting the rows and folding them into the
 * daily rollup. Rows not yet committed stay readable through `pending`.
 */
export class UsageWriter {
  private queue: UsageRecord[] = [];
  private readonly byId = new Map<string, UsageRecord>();
  private timer: NodeJS.Timeout | undefined;
  private readonly flushIntervalMs: number;
  private readonly maxBatch: number;
  private readonly commitBatch: (rows: UsageRecord[]) => void;
  private closed = false;
  private readonly listeners = new Set<(rows: readonly UsageRecord[]) => void>();

  constructor(private readonly db: Db, opts: UsageWriterOptions = {}) {
    this.flushIntervalMs = opts.flushIntervalMs ?? 50;
    this.maxBatch = opts.maxBatch ?? 500;
    const insert = db.prepare(`INSERT INTO requests (id, created_at, app_key_id, app_key, model, provider,
      upstream_model, status, prompt_tokens, completion_tokens, cached_tokens, cache_write_tokens, reasoning_tokens,
      cost, latency_ms, ttft_ms, streamed, finish_reason, error_code, attempts, usage_estimated, egress)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    const rollup = db.prepare(`INSERT INTO daily_usage (day, app_key, model, provider, requests, errors,
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
        cost = cost + excluded.cost, unpriced_requests = unpriced_requests + excluded.unpriced_requests`);
    const hours = db.prepare(`INSERT INTO request_hours (hour, min_seq, max_seq) VALUES (?, ?, ?)
      ON CONFLICT (hour) DO UPDATE SET min_seq = MIN(min_seq, excluded.min_seq), max_seq = MAX(max_seq, excluded.max_seq)`);
    const insertBodies = db.prepare(`INSERT INTO request_bodies (request_id, app_key_id, created_at, expires_at, prompt, completion)
      VALUES (?, ?, ?, ?, ?, ?)`);
    this.commitBatch = db.transaction((rows: UsageRecord[]) => {
      const buckets = new Map<string, RollupBucket>();
      const seqsByHour = new Map<number, [number, number]>();
      for (const r of rows) {
        const { lastInsertRowid } = insert.run(
          r.id, r.createdAt, r.appKeyId, r.appKey, r.model, r.provider, r.upstreamModel, r.status,
          r.promptTokens, r.completionTokens, r.cachedTokens, r.cacheWriteTokens, r.reasoningTokens,
          r.cost, r.latencyMs, r.ttftMs, r.streamed ? 1 : 0, r.finishReason, r.errorCode,
          r.attempts.length > 0 ? JSON.stringify(r.attempts) : null, r.usageEstimated ? 1 : 0,
          r.egress ? JSON.stringify(r.egress) : null,
        );
        if (r.bodies && r.appKeyId !== null) {
          insertBodies.run(r.id, r.appKeyId, r.createdAt, r.bodies.expiresAt, r.bodies.prompt, r.bodies.completion);
        }
        addToBucket(buckets, r);
        const seq = Number(lastInsertRowid);
        const hour = Math.floor(r.createdAt / HOUR_MS);
        const range = seqsByHour.get(hour);
        if (range) range[1] = seq;
        else seqsByHour.set(hour, [seq, seq]);
      }
      for (const bucket of buckets.values()) rollup.run(bucket);
      for (const [hour, [first, last]] of seqsByHour) hours.run(hour, first, last);
    });
  }

  record(row: UsageRecord): void {
    if (this.closed) throw new Error('usage writer is closed');
    this.queue.push(row);
    this.byId.set(row.id, row);
    if (this.queue.length >= this.maxBatch) this.tryFlush();
    else this.timer ??= setTimeout(() => this.tryFlush(), this.flushIntervalMs);
  }

  /** A row recorded but not yet committed. */
  pending(id: string): UsageRecord | undefined {
    return this.byId.get(id);
  }

  pendingRows(): readonly UsageRecord[] {
    return this.queue;
  }

  /** Called after each committed batch (spend limits settle, health stats update). */
  onCommit(listener: (rows: readonly UsageRecord[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    try {
      this.commitBatch(batch);
    } catch (err) {
      // Keep the rows (e.g. SQLITE_BUSY from a long foreign transaction) and try again later.
      this.queue = batch.concat(this.queue);
      if (!this.closed) this.timer ??= setTimeout(() => this.tryFlush(), this.flushIntervalMs * 4);
      throw err;
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
  }

  /**
   * The timer's and the hot path's flush: never throws. A batch that cannot commit (e.g. another
   * process holds the write lock past busy_timeout) stays queued and is retried.
   */
  private tryFlush(): void {
    try {
      this.flush();
    } catch (err) {
      this.warn('usage rows could not be written yet; retrying', err);
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
