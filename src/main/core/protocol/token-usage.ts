import { z } from 'zod';

/** Token counts in OpenAI semantics (DESIGN.md §4): prompt includes cache reads and writes; completion includes reasoning. */
export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  /** Native web searches the provider ran for the answer and bills apart from tokens. */
  webSearchRequests?: number;
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
  server_tool_use: z.object({ web_search_requests: count.optional() }).nullish().catch(undefined),
});

/** OpenAI's usage object, with OpenRouter's `cache_write_tokens`; the relay adds `cost`. */
export interface OpenAiUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number; cache_write_tokens: number };
  completion_tokens_details: { reasoning_tokens: number };
  /** Named as Anthropic's usage names it; present when the provider reported searches. */
  server_tool_use?: { web_search_requests: number };
}

/** The usage object an answer translated from another API reports; `parseOpenAiUsage` reads it back. */
export function openAiUsageJson(usage: TokenUsage): OpenAiUsage {
  const json: OpenAiUsage = {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.promptTokens + usage.completionTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedTokens, cache_write_tokens: usage.cacheWriteTokens },
    completion_tokens_details: { reasoning_tokens: usage.reasoningTokens },
  };
  if (usage.webSearchRequests) json.server_tool_use = { web_search_requests: usage.webSearchRequests };
  return json;
}

export function parseOpenAiUsage(raw: unknown): TokenUsage | undefined {
  const parsed = openAiUsageSchema.safeParse(raw);
  if (!parsed.success) return undefined;
  const u = parsed.data;
  const usage: TokenUsage = {
    promptTokens: u.prompt_tokens ?? 0,
    completionTokens: u.completion_tokens ?? 0,
    cachedTokens: u.prompt_tokens_details?.cached_tokens ?? u.prompt_cache_hit_tokens ?? 0,
    cacheWriteTokens: u.prompt_tokens_details?.cache_write_tokens ?? 0,
    reasoningTokens: u.completion_tokens_details?.reasoning_tokens ?? 0,
  };
  const searches = u.server_tool_use?.web_search_requests;
  if (searches) usage.webSearchRequests = searches;
  return usage;
}
