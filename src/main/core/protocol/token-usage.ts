import { z } from 'zod';

/** Token counts in OpenAI semantics (DESIGN.md §4): prompt includes cache reads and writes; completion includes reasoning. */
export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
}

export const EMPTY_USAGE: TokenUsage = Object.freeze({
  promptTokens: 0,
  completionTokens: 0,
  cachedTokens: 0,
  cacheWriteTokens: 0,
  reasoningTokens: 0,
});

const count = z.number().int().nonnegative().catch(0);

/** The usage object of OpenAI-compatible upstreams, including DeepSeek's and OpenRouter's extra fields. */
const openAiUsageSchema = z.object({
  prompt_tokens: count.optional(),
  completion_tokens: count.optional(),
  prompt_tokens_details: z
    .object({ cached_tokens: count.optional(), cache_write_tokens: count.optional() })
    .nullish()
    .catch(undefined),
  completion_tokens_details: z.object({ reasoning_tokens: count.optional() }).nullish().catch(undefined),
  prompt_cache_hit_tokens: count.optional(),
});

export function parseOpenAiUsage(raw: unknown): TokenUsage | undefined {
  const parsed = openAiUsageSchema.safeParse(raw);
  if (!parsed.success) return undefined;
  const u = parsed.data;
  return {
    promptTokens: u.prompt_tokens ?? 0,
    completionTokens: u.completion_tokens ?? 0,
    cachedTokens: u.prompt_tokens_details?.cached_tokens ?? u.prompt_cache_hit_tokens ?? 0,
    cacheWriteTokens: u.prompt_tokens_details?.cache_write_tokens ?? 0,
    reasoningTokens: u.completion_tokens_details?.reasoning_tokens ?? 0,
  };
}
