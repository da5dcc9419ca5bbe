/**
 * The privacy operations the control API and the CLI share: global rules and the local-only
 * switch, each app key's privacy settings, the provider policy table and the egress audit.
 * Plain functions over the stores; they parse their input with the shared zod schemas.
 */
import { keyPrivacyPatchSchema, privacyRulesSchema, type KeyPrivacy, type PrivacyRules, type RedactionSettings } from '../../../shared/privacy.js';
import type { JsonObject } from '../providers/provider-adapter.js';
import type { ModelCatalog } from '../router/catalog.js';
import { AppKeyError, type AppKey, type AppKeyStore } from '../secrets/app-keys.js';
import type { UsageFilter, UsageQueries } from '../usage/usage-queries.js';
import type { EgressRecord, UsageRecord } from '../usage/usage-record.js';
import type { BodyLog, LoggedExchange } from './body-log.js';
import type { EndpointDataPolicy } from './data-policy.js';
import type { PrivacyStore } from './privacy-store.js';
import { loadRedactor } from './redaction/load-redactor.js';

export function getGlobalPolicy(store: PrivacyStore): PrivacyRules {
  return store.global();
}

export function setGlobalPolicy(store: PrivacyStore, patch: unknown): PrivacyRules {
  return store.setGlobal(privacyRulesSchema.partial().parse(patch));
}

/** The switch that blocks every provider not declared local, for every key at once. */
export function setLocalOnly(store: PrivacyStore, on: boolean): PrivacyRules {
  return store.setGlobal({ localOnly: on });
}

function activeKey(keys: AppKeyStore, name: string): AppKey {
  const key = keys.list().find((k) => k.name === name);
  if (!key) throw new AppKeyError(`no active app key named "${name}"`);
  return key;
}

export function getKeyPolicy(store: PrivacyStore, keys: AppKeyStore, name: string): KeyPrivacy {
  return store.forKey(activeKey(keys, name).id);
}

export async function setKeyPolicy(store: PrivacyStore, keys: AppKeyStore, name: string, patch: unknown): Promise<KeyPrivacy> {
  const parsed = keyPrivacyPatchSchema.parse(patch);
  await checkCustomPatterns(parsed.redaction?.custom ?? []);
  return store.setForKey(activeKey(keys, name).id, parsed);
}

/** re2js (~0.5 MiB of heap) loads only when custom patterns are set, or with the redaction detectors. */
async function checkCustomPatterns(customs: readonly { name: string; pattern: string }[]): Promise<void> {
  if (customs.length === 0) return;
  const { RE2JS } = await import('re2js');
  for (const custom of customs) {
    try {
      RE2JS.compile(custom.pattern);
    } catch (err) {
      throw new AppKeyError(`redaction pattern "${custom.name}" is not a valid RE2 expression: ${(err as Error).message}`);
    }
  }
}

export interface RedactionPreview {
  /** The text as it would leave this machine. */
  text: string;
  counts: Record<string, number>;
}

/** The "try it" box: what a sample prompt would look like upstream under these redaction settings. */
export async function previewRedaction(settings: RedactionSettings, text: string): Promise<RedactionPreview> {
  const body: JsonObject = { messages: [{ role: 'user', content: text }] };
  const { redactRequest } = await loadRedactor();
  const { counts } = await redactRequest(body, { ...settings, mode: settings.mode === 'off' ? 'reversible' : settings.mode, attachments: 'pass' });
  return { text: ((body.messages as JsonObject[])[0] as JsonObject).content as string, counts };
}

/** The key's logged prompts and completions, newest first (empty unless it opted in). */
export function keyHistory(log: BodyLog, keys: AppKeyStore, name: string, limit?: number): LoggedExchange[] {
  return log.history(activeKey(keys, name).id, limit);
}

/** Deletes every logged prompt and completion of the key; returns how many exchanges went. */
export function forgetKeyHistory(log: BodyLog, keys: AppKeyStore, name: string): number {
  return log.forget(activeKey(keys, name).id);
}

export interface ProviderPolicyRow extends EndpointDataPolicy {
  provider: string;
  type: string;
}

/** Every configured provider's data policy with where each field comes from. */
export function providerPolicyTable(catalog: ModelCatalog): ProviderPolicyRow[] {
  return [...catalog.providers.values()].map((p) => ({ provider: p.id, type: p.type, ...p.dataPolicy }));
}

export interface EgressAuditRow {
  id: string;
  created_at: string;
  app_key: string | null;
  /** Who received the request; null when nothing left (refused before routing, or every endpoint skipped). */
  provider: string | null;
  upstream_model: string | null;
  status: number;
  policy: EgressRecord['policy'] | null;
  redacted: Record<string, number>;
  attachments_passed: number;
}

function toAuditRow(r: UsageRecord): EgressAuditRow {
  return {
    id: r.id,
    created_at: new Date(r.createdAt).toISOString(),
    app_key: r.appKey,
    provider: r.provider,
    upstream_model: r.upstreamModel,
    status: r.status,
    policy: r.egress?.policy ?? null,
    redacted: r.egress?.redacted ?? {},
    attachments_passed: r.egress?.attachments_passed ?? 0,
  };
}

/** What left this machine, request by request, oldest first: endpoint, policy, redaction counts (never values). */
export function egressAudit(queries: UsageQueries, filter: UsageFilter = {}): EgressAuditRow[] {
  return queries.list(filter).map(toAuditRow);
}

/** The latest requests' audit, newest first (the Privacy screen). */
export function recentEgress(queries: UsageQueries, limit: number): EgressAuditRow[] {
  return queries.recent(limit).map(toAuditRow);
}

/** The audit in two words per request, for the `usage` table and CSV: "data_collection,zdr" and "email:2 aws_access_key:1". */
export function auditColumns(egress: EgressRecord | null | undefined): { data_policy: string; redacted: string } {
  const p = egress?.policy;
  const rules = p ? [p.data_collection === 'deny' ? 'data_collection' : '', p.zdr ? 'zdr' : '', p.local_only ? 'local_only' : ''].filter(Boolean) : [];
  const counts = Object.entries(egress?.redacted ?? {}).map(([kind, n]) => `${kind}:${n}`);
  return { data_policy: rules.join(',') || 'none', redacted: counts.join(' ') };
}
