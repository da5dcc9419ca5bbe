import type { UsageRow } from '../../../shared/usage.js';
import type { StoredBodies } from '../policy/body-log.js';

/**
 * One attempt at one endpoint, as routing records it, so that a routing decision is explainable
 * (GET /v1/generation lists a request's attempts in order). Stored as the row's attempts JSON.
 */
export interface AttemptRecord {
  provider: string;
  /** The upstream model name. */
  model: string;
  /** The model id this endpoint serves: the requested one or a `models` fallback (absent on rows from before routing). */
  model_id?: string;
  outcome: 'ok' | 'failed' | 'skipped';
  status?: number;
  /** A short code for machines: why it was skipped or how it failed. */
  reason?: string;
  /** The same in words. */
  detail?: string;
  /** Try number on this endpoint (retries and key switches count up). */
  try?: number;
  /** Backoff or Retry-After waited before this try. */
  wait_ms?: number;
  /** When the try started, ms after the request arrived. */
  start_ms?: number;
  /** How long the try took until the answer's headers or the failure. */
  duration_ms?: number;
}

/**
 * The egress audit of one request: the data rules it was routed under (and which level set each)
 * and how many values of each kind were redacted before it left. Counts, never values.
 */
export interface EgressRecord {
  policy?: {
    data_collection: 'allow' | 'deny';
    zdr: boolean;
    local_only: boolean;
    set_by: Partial<Record<'data_collection' | 'zdr' | 'local_only', 'global' | 'app_key' | 'request'>>;
  };
  /** Redacted values by kind ("email", "aws_access_key", …). */
  redacted?: Record<string, number>;
  /** Images or files in the request, passed on unredacted (the setting allowed it). */
  attachments_passed?: number;
}

/** What the gateway records per request; `created_at` in ms. */
export interface UsageRecord {
  id: string;
  createdAt: number;
  appKeyId: number | null;
  appKey: string | null;
  model: string;
  provider: string | null;
  upstreamModel: string | null;
  status: number;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  cost: number | null;
  latencyMs: number;
  ttftMs: number | null;
  streamed: boolean;
  finishReason: string | null;
  errorCode: string | null;
  attempts: AttemptRecord[];
  /** The upstream did not report (all of) the tokens: the gateway counted them with a tokenizer. */
  usageEstimated?: boolean;
  egress?: EgressRecord | null;
  /** Prompt and completion, compressed, for app keys that opted in to logging. */
  bodies?: StoredBodies | undefined;
}

export function toUsageRow(r: UsageRecord): UsageRow {
  return {
    id: r.id,
    created_at: new Date(r.createdAt).toISOString(),
    app_key: r.appKey,
    model: r.model,
    provider: r.provider,
    upstream_model: r.upstreamModel,
    status: r.status,
    prompt_tokens: r.promptTokens,
    completion_tokens: r.completionTokens,
    cached_tokens: r.cachedTokens,
    cache_write_tokens: r.cacheWriteTokens,
    reasoning_tokens: r.reasoningTokens,
    cost: r.cost,
    latency_ms: Math.round(r.latencyMs * 100) / 100,
    ttft_ms: r.ttftMs === null ? null : Math.round(r.ttftMs * 100) / 100,
    streamed: r.streamed,
    finish_reason: r.finishReason,
    error_code: r.errorCode,
    usage_estimated: r.usageEstimated === true,
  };
}

/** UTC day bucket used by the rollup table. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
