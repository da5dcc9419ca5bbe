import type { ProviderConfig } from '../config/config-schema.js';
import type { ProviderType } from '../config/presets.js';
import { PRESET_DATA_POLICIES, type PolicySource } from './provider-policies.js';

/**
 * Whether a provider trains on data sent to its API: never (`no`), only if the account opted in
 * (`opt-in`), unless the account opted out (`opt-out`), or always (`yes`). `unknown` counts as
 * "may collect".
 */
export type TrainingUse = 'no' | 'opt-in' | 'opt-out' | 'yes' | 'unknown';

/** How zero data retention can be had: it is the default, a setting, a contract, or not at all. */
export type ZdrAvailability = 'default' | 'self-serve' | 'contract' | 'none' | 'unknown';

/** What a provider does with the prompts it gets, as far as its published terms say. */
export interface EndpointDataPolicy {
  /** The data stays on this machine (declared, never guessed from the address). */
  local: boolean;
  training: TrainingUse;
  /** Days prompts and completions are kept by default (0: none); null when unknown. */
  retentionDays: number | null;
  zdrAvailable: ZdrAvailability;
  /** Where the data is processed, when the provider says (e.g. "US", "EU"); null when unknown. */
  region: string | null;
  /** Where each field comes from: the provider's pages (with the date checked) or the config. */
  sources: readonly PolicySource[];
  /** Set when the upstream itself applies the request's data policy (OpenRouter does). */
  enforcedUpstream: boolean;
}

export const UNKNOWN_POLICY: EndpointDataPolicy = Object.freeze({
  local: false,
  training: 'unknown',
  retentionDays: null,
  zdrAvailable: 'unknown',
  region: null,
  sources: [],
  enforcedUpstream: false,
});

/**
 * A provider's data policy: its preset's published defaults (for the config's `dataPolicy.tier`
 * where free and paid tiers differ, else the stricter reading: the free tier), then whatever the
 * config's `dataPolicy` declares. `dataCollection: "deny"` and `zdr: true` are the short forms
 * OpenRouter users know: no training, and nothing retained.
 */
export function resolveDataPolicy(type: ProviderType, config: ProviderConfig, local: boolean): EndpointDataPolicy {
  const declared = config.dataPolicy ?? {};
  const preset = PRESET_DATA_POLICIES[type];
  const tiered = preset && 'tiers' in preset ? preset.tiers[declared.tier ?? 'free'] : preset;
  const base: EndpointDataPolicy = tiered ? { ...UNKNOWN_POLICY, ...tiered } : { ...UNKNOWN_POLICY };
  const policy: EndpointDataPolicy = { ...base, local };
  if (local) {
    policy.training = 'no';
    policy.retentionDays = 0;
    policy.zdrAvailable = 'default';
  }
  const fromConfig: string[] = [];
  if (declared.training !== undefined) policy.training = declared.training;
  else if (declared.dataCollection !== undefined) policy.training = declared.dataCollection === 'deny' ? 'no' : 'yes';
  if (declared.retentionDays !== undefined) policy.retentionDays = declared.retentionDays;
  else if (declared.zdr === true) policy.retentionDays = 0;
  if (declared.zdrAvailable !== undefined) policy.zdrAvailable = declared.zdrAvailable;
  if (declared.region !== undefined) policy.region = declared.region;
  for (const field of ['local', 'training', 'dataCollection', 'retentionDays', 'zdr', 'zdrAvailable', 'region', 'tier'] as const) {
    if (declared[field] !== undefined) fromConfig.push(field);
  }
  if (fromConfig.length > 0) policy.sources = [...policy.sources, { fields: fromConfig, url: 'config', checked: null }];
  return policy;
}

/** Trains on nothing it is sent (as far as known): what `data_collection: "deny"` asks for. */
export function collectsNoData(policy: EndpointDataPolicy): boolean {
  return policy.local || policy.training === 'no' || policy.training === 'opt-in';
}

/** Keeps nothing it is sent: what `zdr: true` asks for. */
export function retainsNoData(policy: EndpointDataPolicy): boolean {
  return policy.local || policy.retentionDays === 0;
}
