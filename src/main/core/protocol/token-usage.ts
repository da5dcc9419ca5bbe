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

type OpenAiUsageFields = z.infer<typeof openAiUsageSchema>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A count as the schema takes it unchanged: absent, or a safe non-negative integer. */
function isPlainCount(value: unknown): value is number | undefined {
  return value === undefined || (Number.isSafeInteger(value) && (value as number) >= 0);
}

function hasPlainCounts(value: unknown, fields: readonly string[]): boolean {
  if (value === undefined || value === null) return true;
  if (!isRecord(value)) return false;
  for (const field of fields) if (!isPlainCount(value[field])) return false;
  return true;
}

/**
 * The usage of every answer passes here (one per JSON answer, the last chunk of a stream), and
 * zod's object-with-catch parse costs several µs a call: a usage object whose every field is
 * already what the schema would return is read directly; anything else (a wrong type, a float, a
 * detail that is not an object) takes the schema's path, which repairs or refuses it.
 */
function plainUsageFields(raw: unknown): OpenAiUsageFields | undefined {
  if (!isRecord(raw)) return undefined;
  if (!isPlainCount(raw.prompt_tokens) || !isPlainCount(raw.completion_tokens) || !isPlainCount(raw.prompt_cache_hit_tokens)) return undefined;
  if (!hasPlainCounts(raw.prompt_tokens_details, ['cached_tokens', 'cache_write_tokens'])) return undefined;
  if (!hasPlainCounts(raw.completion_tokens_details, ['reasoning_tokens'])) return undefined;
  if (!hasPlainCounts(raw.server_tool_use, ['web_search_requests'])) return undefined;
  return raw as OpenAiUsageFields;
}

export function parseOpenAiUsage(raw: unknown): TokenUsage | undefined {
  const plain = plainUsageFields(raw);
  return plain ? tokenUsageOf(plain) : parseOpenAiUsageBySchema(raw);
}

/** The schema's reading of any value: what `parseOpenAiUsage` answers, fast path or not. */
export function parseOpenAiUsageBySchema(raw: unknown): TokenUsage | undefined {
  const parsed = openAiUsageSchema.safeParse(raw);
  return parsed.success ? tokenUsageOf(parsed.data) : undefined;
}

function tokenUsageOf(u: OpenAiUsageFields): TokenUsage {
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
