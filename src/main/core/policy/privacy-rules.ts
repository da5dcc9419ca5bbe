import { OPEN_RULES, type PrivacyRules } from '../../../shared/privacy.js';
import type { Operation } from '../providers/provider-adapter.js';
import type { Endpoint } from '../router/catalog.js';
import { collectsNoData, retainsNoData } from './data-policy.js';

export type RuleName = 'data_collection' | 'zdr' | 'local_only';
export type PolicyLevel = 'global' | 'app_key' | 'request';

/** The strictest combination of the levels, and which level set each rule that is on. */
export interface EffectiveRules {
  rules: PrivacyRules;
  setBy: Partial<Record<RuleName, PolicyLevel>>;
}

const LEVEL_WORDS: Record<PolicyLevel, string> = { global: 'global settings', app_key: 'the app key', request: 'the request' };

/** Most restrictive wins, level by level in order; a later level can tighten, never loosen. */
export function strictest(levels: readonly { level: PolicyLevel; rules: Partial<PrivacyRules> }[]): EffectiveRules {
  const rules: PrivacyRules = { ...OPEN_RULES };
  const setBy: EffectiveRules['setBy'] = {};
  for (const { level, rules: r } of levels) {
    if (r.dataCollection === 'deny' && rules.dataCollection !== 'deny') {
      rules.dataCollection = 'deny';
      setBy.data_collection = level;
    }
    if (r.zdr === true && !rules.zdr) {
      rules.zdr = true;
      setBy.zdr = level;
    }
    if (r.localOnly === true && !rules.localOnly) {
      rules.localOnly = true;
      setBy.local_only = level;
    }
  }
  return { rules, setBy };
}

export function isOpen(rules: PrivacyRules): boolean {
  return rules.dataCollection === 'allow' && !rules.zdr && !rules.localOnly;
}

/** The rule as a client would write it, with who set it: `local_only (set by the app key)`. */
export function describeRule(effective: EffectiveRules, rule: RuleName): string {
  const value = rule === 'data_collection' ? 'data_collection: "deny"' : `${rule}: true`;
  const level = effective.setBy[rule];
  return level ? `${value}, set by ${LEVEL_WORDS[level]}` : value;
}

export interface RuleViolation {
  rule: RuleName;
  detail: string;
}

/**
 * The first rule a provider breaks for this operation, or undefined. Unknown counts as "may
 * collect". An upstream that applies the rules itself (OpenRouter, chat only: the rules travel
 * in the body) is trusted to refuse what breaks them; for `zdr`, its own listing of zero-retention
 * endpoints (`zdrModels`, once read) rules out a model it cannot serve that way before asking.
 */
export function ruleViolation(
  endpoint: Endpoint,
  op: Operation,
  effective: EffectiveRules,
  zdrModels?: ReadonlySet<string>,
): RuleViolation | undefined {
  const { rules } = effective;
  const provider = endpoint.provider;
  const policy = provider.dataPolicy;
  if (rules.localOnly && !provider.local) {
    return { rule: 'local_only', detail: `${describeRule(effective, 'local_only')}: provider "${provider.id}" is not local` };
  }
  const delegated = policy.enforcedUpstream && op === 'chat';
  if (rules.dataCollection === 'deny' && !collectsNoData(policy) && !delegated) {
    return {
      rule: 'data_collection',
      detail: `${describeRule(effective, 'data_collection')}: provider "${provider.id}" may train on prompts (training: ${policy.training})`,
    };
  }
  if (rules.zdr && delegated && zdrModels && !zdrModels.has(endpoint.upstreamModel)) {
    return { rule: 'zdr', detail: `${describeRule(effective, 'zdr')}: OpenRouter lists no zero-retention endpoint for "${endpoint.upstreamModel}"` };
  }
  if (rules.zdr && !retainsNoData(policy) && !delegated) {
    const kept = policy.retentionDays === null ? 'unknown' : `${policy.retentionDays} days`;
    return { rule: 'zdr', detail: `${describeRule(effective, 'zdr')}: provider "${provider.id}" may retain prompts (retention: ${kept})` };
  }
  return undefined;
}
