import type { GatewayContext } from '../gateway-context.js';
import { periodEnd } from '../policy/limit-period.js';
import type { AppKey } from '../secrets/app-keys.js';
import { strictest } from '../policy/privacy-rules.js';

/**
 * Switchyard's additions: whether the key may only reach local providers (the local-only switch,
 * global or per key) and the data rules its requests are routed under, with who set each.
 */
function keyDataPolicy(ctx: GatewayContext, appKey: AppKey) {
  const { rules, setBy } = strictest([
    { level: 'global', rules: ctx.privacy.global() },
    { level: 'app_key', rules: ctx.privacy.forKey(appKey.id).rules },
  ]);
  return {
    local_only: rules.localOnly,
    data_policy: { data_collection: rules.dataCollection, zdr: rules.zdr, local_only: rules.localOnly, set_by: setBy },
  };
}

/** Costs are kept to 1e-10 USD, like the usage log. */
function roundUsd(value: number): number {
  return Math.round(value * 1e10) / 1e10;
}

/**
 * GET /v1/key in OpenRouter's `{"data":{…}}` shape, for the calling app key. `usage*` are
 * what the key's requests charged against limits (the sum of its usage rows' cost, minus
 * the zero-completion-insured ones: policy/limit-charge.ts), per UTC day, week from Monday,
 * month and in total. Every request is bring-your-own-key, so the `byok_usage*` fields repeat
 * the same spend and `include_byok_in_limit` is true: don't add the two.
 * `limit_remaining` is what is left of the current period (`limit_reset`; null for a `total`
 * limit) after the requests that finished; requests still in flight hold part of it.
 */
export function getKey(ctx: GatewayContext, appKey: AppKey) {
  const spend = ctx.spend.spend(appKey.id);
  const period = appKey.limitPeriod ?? 'total';
  const inPeriod = period === 'total' ? spend.total : spend[period];
  const limit = appKey.limitUsd;
  const resetsAt = limit === null ? null : periodEnd(period, ctx.now());
  const usage = roundUsd(spend.total);
  const daily = roundUsd(spend.daily);
  const weekly = roundUsd(spend.weekly);
  const monthly = roundUsd(spend.monthly);
  return {
    data: {
      label: appKey.name,
      limit,
      limit_remaining: limit === null ? null : roundUsd(Math.max(0, limit - inPeriod)),
      limit_reset: limit === null || period === 'total' ? null : period,
      limit_resets_at: resetsAt === null ? null : new Date(resetsAt).toISOString(),
      usage,
      usage_daily: daily,
      usage_weekly: weekly,
      usage_monthly: monthly,
      byok_usage: usage,
      byok_usage_daily: daily,
      byok_usage_weekly: weekly,
      byok_usage_monthly: monthly,
      include_byok_in_limit: true,
      is_free_tier: false,
      is_management_key: appKey.manage,
      is_provisioning_key: false,
      expires_at: null,
      created_at: new Date(appKey.createdAt).toISOString(),
      // Fields of OpenRouter's account model a local gateway has no use for, with their neutral values.
      allowed_data_regions: [],
      creator_user_id: null,
      organization_id: null,
      workspace_id: null,
      free_model_daily_requests: { limit: 0, remaining: 0, used: 0 },
      rate_limit: { requests: -1, interval: '10s', note: 'Switchyard sets no rate limit; each provider applies its own.' },
      ...keyDataPolicy(ctx, appKey),
    },
  };
}
