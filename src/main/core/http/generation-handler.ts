import { GatewayError } from '../../../shared/errors.js';
import type { GatewayContext } from '../gateway-context.js';
import type { AppKey } from '../secrets/app-keys.js';

/** GET /v1/generation?id= in OpenRouter's `{"data":{…}}` shape; a key sees only its own generations. */
export function getGeneration(ctx: GatewayContext, appKey: AppKey, id: string | null) {
  if (!id) throw new GatewayError(400, 'invalid_request', 'Query parameter "id" is required');
  const row = ctx.writer.pending(id) ?? ctx.queries.get(id);
  if (!row || row.appKeyId !== appKey.id) throw new GatewayError(404, 'generation_not_found', `Generation "${id}" not found`);
  return {
    data: {
      id: row.id,
      created_at: new Date(row.createdAt).toISOString(),
      model: row.model,
      app_key: row.appKey,
      provider_name: row.provider,
      upstream_model: row.upstreamModel,
      status: row.status,
      streamed: row.streamed,
      cancelled: row.errorCode === 'cancelled',
      finish_reason: row.finishReason,
      error_code: row.errorCode,
      total_cost: row.cost,
      is_byok: true,
      latency: Math.round(row.latencyMs),
      ttft: row.ttftMs === null ? null : Math.round(row.ttftMs),
      tokens_prompt: row.promptTokens,
      tokens_completion: row.completionTokens,
      native_tokens_prompt: row.promptTokens,
      native_tokens_completion: row.completionTokens,
      native_tokens_cached: row.cachedTokens,
      native_tokens_cache_write: row.cacheWriteTokens,
      native_tokens_reasoning: row.reasoningTokens,
      /** The upstream reported no (or partial) usage: the token counts are the gateway's tokenizer estimate. */
      usage_estimated: row.usageEstimated === true,
      usage: row.cost,
      attempts: row.attempts,
    },
  };
}
