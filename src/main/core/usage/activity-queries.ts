import type { ActivityQuery, ActivityRow } from '../../../shared/control/activity.js';
import type { Db } from './usage-db.js';

const DEFAULT_PAGE = 100;

const COLUMNS = `seq, id, created_at AS createdAt, app_key AS appKey, model, provider, status,
  prompt_tokens AS promptTokens, completion_tokens AS completionTokens, cost, latency_ms AS latencyMs,
  ttft_ms AS ttftMs, streamed`;

/**
 * The Activity log: keyset pages over `requests` by `seq` (its primary key), newest first, so a
 * page costs the same at row 10 and at row 10 million; filters are SQL conditions on the page's
 * walk, never applied in JS.
 */
export class ActivityQueries {
  constructor(private readonly db: Db) {}

  page(query: ActivityQuery): { rows: ActivityRow[]; nextBefore: number | null } {
    const where: string[] = [];
    const params: (string | number)[] = [];
    const add = (condition: string, value?: string | number) => {
      where.push(condition);
      if (value !== undefined) params.push(value);
    };
    if (query.before !== undefined) add('seq < ?', query.before);
    if (query.after !== undefined) add('seq > ?', query.after);
    if (query.appKey !== undefined) add('app_key = ?', query.appKey);
    if (query.model !== undefined) add('model = ?', query.model);
    if (query.provider !== undefined) add('provider = ?', query.provider);
    if (query.status === 'ok') add('status < 400');
    if (query.status === 'error') add('status >= 400');
    if (query.since !== undefined) add('created_at >= ?', query.since);
    if (query.until !== undefined) add('created_at < ?', query.until);
    const limit = query.limit ?? DEFAULT_PAGE;
    const sql = `SELECT ${COLUMNS} FROM requests ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ?`;
    const rows = (this.db.prepare(sql).all(...params, limit) as (Omit<ActivityRow, 'streamed'> & { streamed: number })[]).map((r) => ({
      ...r,
      streamed: r.streamed === 1,
    }));
    const last = rows.at(-1);
    return { rows, nextBefore: rows.length === limit && last ? last.seq : null };
  }

  seqOf(id: string): number | undefined {
    return this.db.prepare('SELECT seq FROM requests WHERE id = ?').pluck().get(id) as number | undefined;
  }
}
