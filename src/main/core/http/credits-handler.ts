import type { GatewayContext } from '../gateway-context.js';
import type { AppKey } from '../secrets/app-keys.js';
import { dailyUsageScope, inScope } from './key-scope.js';

const BYOK_NOTE =
  'Switchyard is bring-your-own-key: each provider bills you directly, so nothing is prepaid and nothing is ' +
  'left over: total_credits equals total_usage, what this key\'s requests (every key\'s, for a management key) ' +
  'cost at provider prices. Spend limits are on GET /api/v1/key.';

/**
 * GET /v1/credits in OpenRouter's `{"data":{…}}` shape. OpenRouter reports credits bought and
 * used for the whole account; here total_usage sums the cost of the calling key's requests, or of
 * every key's for a management key (the usage rows' `cost`, insured ones included, since the
 * provider bills them). OpenRouter's schema needs total_credits as a number and clients show
 * total_credits - total_usage as the balance: a BYOK gateway has paid for exactly what was used,
 * so total_credits is total_usage and the balance is 0, never negative. Requests whose price is unknown are not in the sum; `unpriced_requests` counts them.
 */
export function getCredits(ctx: GatewayContext, appKey: AppKey) {
  const scope = dailyUsageScope(appKey);
  const totals = ctx.writer.database.prepare(`SELECT COALESCE(SUM(cost), 0) AS cost, COALESCE(SUM(unpriced_requests), 0) AS unpriced
      FROM daily_usage WHERE ${scope.where}`);
  const { committed, pending } = ctx.writer.withPending(() => totals.get(...scope.params) as { cost: number; unpriced: number });
  let cost = committed.cost;
  let unpriced = committed.unpriced;
  for (const row of pending) {
    if (!inScope(appKey, row)) continue;
    if (row.cost !== null) cost += row.cost;
    else if (row.promptTokens + row.completionTokens > 0) unpriced += 1;
  }
  const totalUsage = Math.round(cost * 1e10) / 1e10;
  return {
    data: {
      total_credits: totalUsage,
      total_usage: totalUsage,
      is_byok: true,
      unpriced_requests: unpriced,
      note: BYOK_NOTE,
    },
  };
}
