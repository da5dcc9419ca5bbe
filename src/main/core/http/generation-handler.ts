import { GatewayError } from '../../../shared/errors.js';
import type { GatewayContext } from '../gateway-context.js';
import type { AppKey } from '../secrets/app-keys.js';

/**
 * GET /v1/generation?id= in OpenRouter's `{"data":{…}}` shape; a key sees only its own generations.
 * Every field OpenRouter's schema requires is present, null where a local gateway has no answer
 * (apps, presets, moderation, media). `total_cost` and `usage` are numbers there: 0 when the
 * price is unknown, and `upstream_inference_cost` (the provider's cost, BYOK) is then null.
 */
export function getGeneration(ctx: GatewayContext, appKey: AppKey, id: string | null) {
  if (!id) throw new GatewayError(400, 'invalid_request', 'Query parameter "id" is required');
  const row = ctx.writer.pending(id) ?? ctx.queries.get(id);
  if (!row || row.appKeyId !== appKey.id) throw new GatewayError(404, 'generation_not_found', `Generation "${id}" not found`);
  const cost = row.cost ?? 0;
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
      native_finish_reason: row.finishReason,
      error_code: row.errorCode,
      total_cost: cost,
      upstream_inference_cost: row.cost,
      cache_discount: null,
      is_byok: true,
      latency: Math.round(row.latencyMs),
      ttft: row.ttftMs === null ? null : Math.round(row.ttftMs),
      generation_time: row.ttftMs === null ? null : Math.round(row.latencyMs - row.ttftMs),
      moderation_latency: null,
      tokens_prompt: row.promptTokens,
      tokens_completion: row.completionTokens,
      native_tokens_prompt: row.promptTokens,
      native_tokens_completion: row.completionTokens,
      native_tokens_cached: row.cachedTokens,
      native_tokens_cache_write: row.cacheWriteTokens,
      native_tokens_reasoning: row.reasoningTokens,
      /** The upstream reported no (or partial) usage: the token counts are the gateway's tokenizer estimate. */
      usage_estimated: row.usageEstimated === true,
      native_tokens_completion_images: null,
      num_media_prompt: null,
      num_media_completion: null,
      num_input_audio_prompt: null,
      num_search_results: null,
      num_fetches: null,
      usage: cost,
      provider_responses: row.attempts
        .filter((a) => a.outcome !== 'skipped')
        .map((a) => ({ provider_name: a.provider, status: a.status ?? null, latency: a.duration_ms ?? 0, is_byok: true })),
      attempts: row.attempts,
      api_type: null,
      router: null,
      // Routed and logged on this machine; the provider's own region is its business.
      data_region: 'local',
      origin: '',
      http_referer: null,
      user_agent: null,
      app_id: null,
      external_user: null,
      preset_id: null,
      service_tier: null,
      upstream_id: null,
      web_search_engine: null,
      workspace_id: null,
    },
  };
}
