import { GatewayError } from '../../../shared/errors.js';
import type { GatewayContext } from '../gateway-context.js';
import { DAY_MS } from '../policy/limit-period.js';
import type { AppKey } from '../secrets/app-keys.js';
import { utcDay } from '../usage/usage-record.js';
import { dailyUsageScope } from './key-scope.js';

/** Days before today that GET /v1/activity returns by default, as OpenRouter does. */
const ACTIVITY_DAYS = 30;

interface ActivityRowDb {
  day: string;
  model: string;
  provider: string;
  requests: number;
  prompt_tokens: number;
  completion_tokens: number;
  reasoning_tokens: number;
  cached_tokens: number;
  cache_write_tokens: number;
  cost: number;
  unpriced_requests: number;
}

function parseDate(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
    throw new GatewayError(400, 'invalid_request', `Query parameter "date" must be a UTC date as YYYY-MM-DD, got "${value}"`);
  }
  return value;
}

/**
 * GET /v1/activity in OpenRouter's `{"data":[…]}` shape: one item per UTC day × model ×
 * provider, from the daily rollup: the calling key's requests, or every key's for a management
 * key (OpenRouter's is for the whole account, read with a provisioning key). By default the last 30 days and today (OpenRouter leaves today
 * out until it is complete; a local log has it already); `?date=YYYY-MM-DD` picks one day.
 * Requests that never reached a provider (no endpoint, no tokens, no cost) are not listed.
 * Every request is BYOK, so `usage` and `byok_usage_inference` are the same cost.
 */
export function getActivity(ctx: GatewayContext, appKey: AppKey, query: URLSearchParams) {
  const date = query.get('date');
  const where = date === null ? 'day >= ?' : 'day = ?';
  const param = date === null ? utcDay(ctx.now() - ACTIVITY_DAYS * DAY_MS) : parseDate(date);
  const scope = dailyUsageScope(appKey);
  const rows = ctx.writer.database
    .prepare(`SELECT day, model, provider, SUM(requests) AS requests, SUM(prompt_tokens) AS prompt_tokens,
        SUM(completion_tokens) AS completion_tokens, SUM(reasoning_tokens) AS reasoning_tokens,
        SUM(cached_tokens) AS cached_tokens, SUM(cache_write_tokens) AS cache_write_tokens, SUM(cost) AS cost,
        SUM(unpriced_requests) AS unpriced_requests
      FROM daily_usage WHERE ${where} AND ${scope.where} AND provider <> ''
      GROUP BY day, model, provider ORDER BY day DESC, model, provider`)
    .all(param, ...scope.params) as ActivityRowDb[];
  return {
    data: rows.map((r) => {
      const usage = Math.round(r.cost * 1e10) / 1e10;
      return {
        date: r.day,
        model: r.model,
        model_permaslug: r.model,
        endpoint_id: `${r.provider}:${r.model}`,
        provider_name: r.provider,
        usage,
        byok_usage_inference: usage,
        requests: r.requests,
        prompt_tokens: r.prompt_tokens,
        completion_tokens: r.completion_tokens,
        reasoning_tokens: r.reasoning_tokens,
        cached_tokens: r.cached_tokens,
        cache_write_tokens: r.cache_write_tokens,
        unpriced_requests: r.unpriced_requests,
      };
    }),
  };
}
