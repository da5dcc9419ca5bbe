import { GatewayError } from '../../../shared/errors.js';
import { spendingQuerySchema, type Spending, type SpendingDay } from '../../../shared/control/spending.js';
import { DAY_MS, periodStart } from '../policy/limit-period.js';
import { csvField } from '../usage/usage-csv.js';
import { utcDay } from '../usage/usage-record.js';
import { ROLLUP_COLUMNS, SpendingQueries } from '../usage/spending-queries.js';
import type { ControlDeps } from './control-routes.js';
import { parseWith, RESPONDED, type ControlRoute } from './control-router.js';

const DEFAULT_DAYS = 30;
const MAX_SPAN_DAYS = 366;

function dayMs(day: string): number {
  const ms = Date.parse(`${day}T00:00:00Z`);
  if (Number.isNaN(ms)) throw new GatewayError(400, 'invalid_request', `Invalid request: ${day} is not a day`);
  return ms;
}

/** The shown range from `?days=` or `?from=&to=` (UTC days, inclusive). */
function rangeOf(query: URLSearchParams, now: number): { from: string; to: string } {
  const days = query.get('days');
  const input = parseWith(spendingQuerySchema, {
    ...(days !== null ? { days: Number(days) } : {}),
    ...(query.get('from') !== null ? { from: query.get('from') } : {}),
    ...(query.get('to') !== null ? { to: query.get('to') } : {}),
  });
  if (input.from !== undefined || input.to !== undefined) {
    const to = input.to ?? utcDay(now);
    const from = input.from ?? to;
    const span = (dayMs(to) - dayMs(from)) / DAY_MS + 1;
    if (span < 1 || span > MAX_SPAN_DAYS) {
      throw new GatewayError(400, 'invalid_request', `Invalid request: from must not be after to, and the range is at most ${MAX_SPAN_DAYS} days`);
    }
    return { from, to };
  }
  const today = periodStart('daily', now);
  return { from: utcDay(today - ((input.days ?? DEFAULT_DAYS) - 1) * DAY_MS), to: utcDay(today) };
}

/** Every day of the range, the empty ones as zeros, so a chart's axis is the range. */
function fillDays(from: string, to: string, rows: SpendingDay[]): SpendingDay[] {
  const byDay = new Map(rows.map((r) => [r.day, r]));
  const out: SpendingDay[] = [];
  for (let ms = dayMs(from); ms <= dayMs(to); ms += DAY_MS) {
    const day = utcDay(ms);
    out.push(byDay.get(day) ?? { day, costUsd: 0, requests: 0, unpricedRequests: 0, promptTokens: 0, completionTokens: 0 });
  }
  return out;
}

/** Spending: totals, per day and per model, provider and app key over a range, and the range as CSV; all from the daily rollup. */
export function spendingRoutes(deps: ControlDeps): ControlRoute[] {
  const { ctx } = deps;
  const queries = new SpendingQueries(ctx.writer.database);

  return [
    {
      method: 'GET',
      path: '/spending',
      run({ query }): Spending {
        const now = ctx.now();
        const { from, to } = rangeOf(query, now);
        const today = utcDay(now);
        return {
          from,
          to,
          totals: {
            today: queries.costBetween(today, today),
            week: queries.costBetween(utcDay(periodStart('weekly', now)), today),
            month: queries.costBetween(utcDay(periodStart('monthly', now)), today),
          },
          byDay: fillDays(from, to, queries.perDayBetween(from, to)),
          byModel: queries.groupedBetween('model', from, to),
          byProvider: queries.groupedBetween('provider', from, to),
          byAppKey: queries.groupedBetween('app_key', from, to),
        };
      },
    },
    {
      method: 'GET',
      path: '/spending/export',
      run({ query, res }) {
        const { from, to } = rangeOf(query, ctx.now());
        const lines = [ROLLUP_COLUMNS.join(',')];
        for (const row of queries.rollupRows(from, to)) lines.push(ROLLUP_COLUMNS.map((c) => csvField(row[c])).join(','));
        res.writeHead(200, {
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': `attachment; filename="switchyard-spending-${from}-to-${to}.csv"`,
          'cache-control': 'no-store',
        });
        res.end(`${lines.join('\r\n')}\r\n`);
        return RESPONDED;
      },
    },
  ];
}
