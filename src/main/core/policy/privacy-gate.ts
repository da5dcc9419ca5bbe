import { GatewayError } from '../../../shared/errors.js';
import type { GatewayContext } from '../gateway-context.js';
import type { JsonObject, Operation } from '../providers/provider-adapter.js';
import type { Candidate } from '../router/candidate-plan.js';
import type { AppKey } from '../secrets/app-keys.js';
import type { RequestLog } from '../usage/request-log.js';
import { isOpen, ruleViolation, strictest, type EffectiveRules, type RuleName } from './privacy-rules.js';

/** The Switchyard and OpenRouter data fields of a request's `provider` object; anything else is routing's. */
function requestRules(provider: unknown): { dataCollection?: 'allow' | 'deny'; zdr?: boolean; localOnly?: boolean } {
  if (typeof provider !== 'object' || provider === null || Array.isArray(provider)) return {};
  const p = provider as JsonObject;
  const localOnly = p.local_only;
  if (localOnly !== undefined && localOnly !== null && typeof localOnly !== 'boolean') {
    throw new GatewayError(400, 'invalid_request', 'Invalid "provider.local_only": must be a boolean', { param: 'provider.local_only' });
  }
  return {
    dataCollection: p.data_collection === 'deny' ? 'deny' : undefined,
    zdr: p.zdr === true ? true : undefined,
    localOnly: localOnly === true ? true : undefined,
  };
}

/** The rules a request from this key is routed under: global settings, then the key, then the request. */
export function effectiveRules(ctx: GatewayContext, appKey: AppKey, body: JsonObject): EffectiveRules {
  return strictest([
    { level: 'global', rules: ctx.privacy.global() },
    { level: 'app_key', rules: ctx.privacy.forKey(appKey.id).rules },
    { level: 'request', rules: requestRules(body.provider) },
  ]);
}

/**
 * The privacy gate, called once per request before the spend gate: marks every endpoint whose
 * provider breaks a rule as skipped with the rule named, records the policy on the request's
 * egress audit, and when no endpoint is left because of it answers OpenRouter's 404
 * `No endpoints found matching your data policy (…)`. An upstream that applies the rules itself
 * (OpenRouter) gets them in the body's `provider` object. With every rule off it does nothing
 * beyond reading the cached settings.
 */
export function applyPrivacy(
  ctx: GatewayContext,
  appKey: AppKey,
  op: Operation,
  body: JsonObject,
  log: RequestLog,
  candidates: Candidate[],
): Candidate[] {
  const effective = effectiveRules(ctx, appKey, body);
  // No rule on: nothing to filter and nothing to record (the audit reads "none").
  if (isOpen(effective.rules)) return candidates;
  log.egress.policy = { data_collection: effective.rules.dataCollection, zdr: effective.rules.zdr,
    local_only: effective.rules.localOnly, set_by: effective.setBy };

  const broken = new Set<RuleName>();
  const out = candidates.map((candidate) => {
    if (candidate.skip) return candidate;
    const provider = candidate.endpoint.provider;
    const zdrModels = effective.rules.zdr && provider.type === 'openrouter' ? ctx.zdrListing.models(provider.id) : undefined;
    const violation = ruleViolation(candidate.endpoint, op, effective, zdrModels);
    if (!violation) return candidate;
    broken.add(violation.rule);
    return { ...candidate, skip: { reason: 'data_policy', detail: violation.detail } };
  });
  if (broken.size > 0 && out.every((c) => c.skip)) throw noEndpointForPolicy(log, out, effective, broken);
  if (effective.rules.dataCollection === 'deny' || effective.rules.zdr) {
    const provider = typeof body.provider === 'object' && body.provider !== null ? (body.provider as JsonObject) : {};
    body.provider = {
      ...provider,
      ...(effective.rules.dataCollection === 'deny' ? { data_collection: 'deny' } : {}),
      ...(effective.rules.zdr ? { zdr: true } : {}),
    };
  }
  return out;
}

function noEndpointForPolicy(log: RequestLog, candidates: Candidate[], effective: EffectiveRules, broken: Set<RuleName>): GatewayError {
  for (const { endpoint, modelId, skip } of candidates) {
    if (!skip) continue;
    log.attempts.push({
      provider: endpoint.provider.id, model: endpoint.upstreamModel, model_id: modelId, outcome: 'skipped', reason: skip.reason, detail: skip.detail,
    });
  }
  const rules = [...broken];
  const named = rules.map((rule) => `${rule}${effective.setBy[rule] ? ` (set by ${effective.setBy[rule]})` : ''}`).join(', ');
  return new GatewayError(
    404,
    'data_policy',
    `No endpoints found matching your data policy (${named}). ${candidates.map((c) => c.skip?.detail).filter(Boolean).join('; ')}`,
    { model: log.model, data_policy: rules, set_by: effective.setBy },
    { 'x-generation-id': log.id },
  );
}
