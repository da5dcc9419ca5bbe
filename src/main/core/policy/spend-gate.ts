import { GatewayError } from '../../../shared/errors.js';
import type { GatewayContext } from '../gateway-context.js';
import type { JsonObject, Operation } from '../providers/provider-adapter.js';
import type { Candidate } from '../router/dispatch.js';
import type { AppKey } from '../secrets/app-keys.js';
import type { RequestLog } from '../usage/request-log.js';
import { costCeiling, type CostCeiling } from './cost-ceiling.js';
import { periodEnd } from './limit-period.js';

function usd(value: number): string {
  return `$${value >= 1 ? value.toFixed(2) : value.toFixed(6)}`;
}

function ceilingNote(ceiling: CostCeiling): string {
  const tokens = `${ceiling.promptTokens} prompt tokens estimated + up to ${ceiling.outputTokens} output tokens`;
  if (ceiling.outputBound === 'context_window' || ceiling.outputBound === 'default') {
    return `${tokens}, as max_tokens is not set; a lower max_tokens reserves less`;
  }
  return tokens;
}

/**
 * The spend gate for one request, called once before `dispatch`. For an app key with a
 * limit it drops the candidates whose price is unknown (their cost could not be counted),
 * then reserves the dearest remaining candidate's cost ceiling against the key's limit in
 * one transaction, and arranges for the reservation to settle when the request's usage row
 * is recorded. Throws 402 before anything goes upstream when the key cannot afford the
 * request. Keys without a limit pass through untouched (no database work).
 */
export function reserveSpend(
  ctx: GatewayContext,
  appKey: AppKey,
  log: RequestLog,
  op: Operation,
  body: JsonObject,
  candidates: Candidate[],
): Candidate[] {
  const limit = appKey.limitUsd;
  if (limit === null) return candidates;
  const period = appKey.limitPeriod ?? 'total';

  const priced: { candidate: Candidate; ceiling: CostCeiling }[] = [];
  const skipped: Candidate[] = [];
  for (const candidate of candidates) {
    // Routing already ruled this one out (and logged why): it will not be tried, so it costs nothing.
    if (candidate.skip) {
      skipped.push(candidate);
      continue;
    }
    const ceiling = costCeiling(op, body, candidate.endpoint);
    if (ceiling) priced.push({ candidate, ceiling });
    else {
      const { provider, upstreamModel } = candidate.endpoint;
      log.attempts.push({ provider: provider.id, model: upstreamModel, outcome: 'skipped', reason: 'price_unknown' });
    }
  }
  const dearest = priced.reduce<(typeof priced)[number] | undefined>(
    (worst, p) => (worst === undefined || p.ceiling.usd > worst.ceiling.usd ? p : worst),
    undefined,
  );
  if (!dearest) {
    const endpoints = candidates.map((c) => `${c.endpoint.provider.id}/${c.endpoint.upstreamModel}`);
    throw new GatewayError(
      402,
      'price_unknown',
      `App key "${appKey.name}" has a spend limit, and the price of ${endpoints.join(', ')} is unknown, so its cost ` +
        'could not be counted against the limit. Set "pricing" for the model in the config, or use an app key without a limit.',
      { app_key: appKey.name, endpoints },
    );
  }

  const outcome = ctx.spend.reserve(log.id, appKey.id, limit, period, dearest.ceiling.usd);
  if (!outcome.ok) {
    const resetsAt = periodEnd(period, ctx.now());
    const resets = resetsAt === null ? '' : ` (resets ${new Date(resetsAt).toISOString()})`;
    const remaining = Math.max(0, limit - outcome.spent - outcome.held);
    const metadata = {
      app_key: appKey.name,
      limit,
      limit_period: period,
      spent: outcome.spent,
      reserved_in_flight: outcome.held,
      limit_remaining: remaining,
      request_max_cost: dearest.ceiling.usd,
      limit_resets_at: resetsAt === null ? null : new Date(resetsAt).toISOString(),
    };
    const message =
      outcome.spent >= limit
        ? `App key "${appKey.name}" has reached its ${period} spend limit of ${usd(limit)}${resets}.`
        : `This request could cost up to ${usd(dearest.ceiling.usd)} (${ceilingNote(dearest.ceiling)}), but app key ` +
          `"${appKey.name}" has ${usd(remaining)} left of its ${period} spend limit of ${usd(limit)}` +
          `${outcome.held > 0 ? `, with ${usd(outcome.held)} held by requests in flight` : ''}${resets}.`;
    throw new GatewayError(402, 'spend_limit_exceeded', message, metadata);
  }
  log.onFinish = (row) => ctx.spend.settle(row);
  return [...skipped, ...priced.map((p) => p.candidate)];
}
