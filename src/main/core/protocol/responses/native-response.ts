/** What the gateway reads of an OpenAI Responses API answer it relays as it is: usage and how it ended. */
import { z } from 'zod';
import type { TokenUsage } from '../token-usage.js';

const count = z.number().int().nonnegative().catch(0);

const usageSchema = z.looseObject({
  input_tokens: count,
  input_tokens_details: z.looseObject({ cached_tokens: count.optional() }).nullish().catch(undefined),
  output_tokens: count,
  output_tokens_details: z.looseObject({ reasoning_tokens: count.optional() }).nullish().catch(undefined),
});

export const nativeResponseSchema = z.looseObject({
  object: z.literal('response'),
  status: z.string().nullish(),
  output: z.array(z.looseObject({ type: z.string() })).catch([]),
  usage: usageSchema.nullish().catch(undefined),
});
export type NativeResponse = z.infer<typeof nativeResponseSchema>;

/** Responses usage already has OpenAI's semantics; hosted web searches are billed per call. */
export function nativeUsageOf(response: NativeResponse): TokenUsage | undefined {
  const { usage } = response;
  if (!usage) return undefined;
  const tokens: TokenUsage = {
    promptTokens: usage.input_tokens,
    completionTokens: usage.output_tokens,
    cachedTokens: usage.input_tokens_details?.cached_tokens ?? 0,
    cacheWriteTokens: 0,
    reasoningTokens: usage.output_tokens_details?.reasoning_tokens ?? 0,
  };
  const searches = response.output.filter((item) => item.type === 'web_search_call').length;
  if (searches > 0) tokens.webSearchRequests = searches;
  return tokens;
}

/** The usage log's finish reason, in chat's words. */
export function nativeFinishReason(response: NativeResponse): string | null {
  if (response.status === 'incomplete') return 'length';
  if (response.status === 'failed') return 'error';
  return response.output.some((item) => item.type === 'function_call') ? 'tool_calls' : 'stop';
}
