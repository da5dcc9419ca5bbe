import type { Db } from './usage-db.js';

export interface SpendingFigures {
  costUsd: number;
  requests: number;
  unpricedRequests: number;
  promptTokens: number;
  completionTokens: number;
}

const FIGURES = `COALESCE(SUM(cost), 0) AS costUsd, COALESCE(SUM(requests), 0) AS requests,
  COALESCE(SUM(unpriced_requests), 0) AS unpricedRequests, COALESCE(SUM(prompt_tokens), 0) AS promptTokens,
  COALESCE(SUM(completion_tokens), 0) AS completionTokens`;

/** Rollup columns in the order of the spending CSV. */
export const ROLLUP_COLUMNS = [
  'day', 'app_key', 'model', 'provider', 'requests', 'errors', 'prompt_tokens', 'completion_tokens',
  'cached_tokens', 'cache_write_tokens', 'reasoning_tokens', 'cost', 'unpriced_requests',
] as const;

/**
 * The Spending screen's figures, all from the `daily_usage` rollup (one row per day, key, model
 * and provider), whose primary key starts with the day: a range is an index range, however many
 * requests are logged.
 */
export class SpendingQueries {
  private readonly total;
  private readonly perDay;
  private readonly perGroup;
  private readonly rows;

  constructor(db: Db) {
    this.total = db.prepare(`SELECT COALESCE(SUM(cost), 0) FROM daily_usage WHERE day >= ? AND day <= ?`).pluck();
    this.perDay = db.prepare(`SELECT day, ${FIGURES} FROM daily_usage WHERE day >= ? AND day <= ? GROUP BY day ORDER BY day`);
    const group = (column: string) =>
      db.prepare(`SELECT ${column} AS name, ${FIGURES} FROM daily_usage WHERE day >= ? AND day <= ?
        GROUP BY ${column} ORDER BY costUsd DESC, requests DESC, name`);
    this.perGroup = { model: group('model'), provider: group('provider'), app_key: group('app_key') };
    this.rows = db.prepare(`SELECT ${ROLLUP_COLUMNS.join(', ')} FROM daily_usage WHERE day >= ? AND day <= ?
      ORDER BY day, app_key, model, provider`);
  }

  costBetween(from: string, to: string): number {
    return this.total.get(from, to) as number;
  }

  perDayBetween(from: string, to: string): (SpendingFigures & { day: string })[] {
    return this.perDay.all(from, to) as (SpendingFigures & { day: string })[];
  }

  groupedBetween(by: 'model' | 'provider' | 'app_key', from: string, to: string): (SpendingFigures & { name: string })[] {
    return this.perGroup[by].all(from, to) as (SpendingFigures & { name: string })[];
  }

  rollupRows(from: string, to: string): Record<(typeof ROLLUP_COLUMNS)[number], string | number>[] {
    return this.rows.all(from, to) as Record<(typeof ROLLUP_COLUMNS)[number], string | number>[];
  }
}
