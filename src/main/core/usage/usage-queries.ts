import type { UsageRow } from '../../../shared/usage.js';
import type { Db } from './usage-db.js';
import type { AttemptRecord, EgressRecord, UsageRecord } from './usage-record.js';

interface RequestRowDb {
  id: string;
  created_at: number;
  app_key_id: number | null;
  app_key: string | null;
  model: string;
  provider: string | null;
  upstream_model: string | null;
  status: number;
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  cache_write_tokens: number;
  reasoning_tokens: number;
  cost: number | null;
  latency_ms: number;
  ttft_ms: number | null;
  streamed: number;
  finish_reason: string | null;
  error_code: string | null;
  attempts: string | null;
  usage_estimated: number;
  egress: string | null;
}

function fromDb(r: RequestRowDb): UsageRecord {
  return {
    id: r.id,
    createdAt: r.created_at,
    appKeyId: r.app_key_id,
    appKey: r.app_key,
    model: r.model,
    provider: r.provider,
    upstreamModel: r.upstream_model,
    status: r.status,
    promptTokens: r.prompt_tokens,
    completionTokens: r.completion_tokens,
    cachedTokens: r.cached_tokens,
    cacheWriteTokens: r.cache_write_tokens,
    reasoningTokens: r.reasoning_tokens,
    cost: r.cost,
    latencyMs: r.latency_ms,
    ttftMs: r.ttft_ms,
    streamed: r.streamed === 1,
    finishReason: r.finish_reason,
    errorCode: r.error_code,
    attempts: r.attempts ? (JSON.parse(r.attempts) as AttemptRecord[]) : [],
    usageEstimated: r.usage_estimated === 1,
    egress: r.egress ? (JSON.parse(r.egress) as EgressRecord) : null,
  };
}

export interface UsageFilter {
  sinceMs?: number;
  appKey?: string;
  model?: string;
  limit?: number;
}

export class UsageQueries {
  private readonly byId;
  private readonly recentStmt;

  constructor(private readonly db: Db) {
    this.byId = db.prepare('SELECT * FROM requests WHERE id = ?');
    this.recentStmt = db.prepare('SELECT * FROM requests ORDER BY seq DESC LIMIT ?');
  }

  get(id: string): UsageRecord | undefined {
    const row = this.byId.get(id) as RequestRowDb | undefined;
    return row && fromDb(row);
  }

  recent(limit: number): UsageRecord[] {
    return (this.recentStmt.all(limit) as RequestRowDb[]).map(fromDb);
  }

  /** Oldest first, as a log reads. */
  list(filter: UsageFilter = {}): UsageRecord[] {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (filter.sinceMs !== undefined) {
      where.push('created_at >= ?');
      params.push(filter.sinceMs);
    }
    if (filter.appKey !== undefined) {
      where.push('app_key = ?');
      params.push(filter.appKey);
    }
    if (filter.model !== undefined) {
      where.push('model = ?');
      params.push(filter.model);
    }
    const sql = `SELECT * FROM requests ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq
      ${filter.limit !== undefined ? 'LIMIT ?' : ''}`;
    if (filter.limit !== undefined) params.push(filter.limit);
    return (this.db.prepare(sql).all(...params) as RequestRowDb[]).map(fromDb);
  }

  /** Dashboard: spend per UTC day per model, from the rollup table. */
  spendPerDayPerModel(sinceDay: string): { day: string; model: string; cost: number; requests: number; unpriced: number }[] {
    return this.db
      .prepare(`SELECT day, model, SUM(cost) AS cost, SUM(requests) AS requests, SUM(unpriced_requests) AS unpriced FROM daily_usage
        WHERE day >= ? GROUP BY day, model ORDER BY day, model`)
      .all(sinceDay) as { day: string; model: string; cost: number; requests: number; unpriced: number }[];
  }
}

export type { UsageRow };
