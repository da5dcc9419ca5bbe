import type { TokenUsage } from '../../protocol/token-usage.js';
import type { GeminiUsageMetadata } from './gemini-wire.js';

/**
 * Gemini's counts in OpenAI semantics: promptTokenCount already includes the cached tokens,
 * tool-use prompts (e.g. search results) are prompt too, and thoughts are completion tokens.
 */
export function geminiUsage(meta: GeminiUsageMetadata): TokenUsage {
  const thoughts = meta.thoughtsTokenCount ?? 0;
  return {
    promptTokens: (meta.promptTokenCount ?? 0) + (meta.toolUsePromptTokenCount ?? 0),
    completionTokens: (meta.candidatesTokenCount ?? 0) + thoughts,
    cachedTokens: meta.cachedContentTokenCount ?? 0,
    cacheWriteTokens: 0,
    reasoningTokens: thoughts,
  };
}

/** The OpenAI `usage` object for a TokenUsage (the relay adds `cost`). */
export function openAiUsageJson(usage: TokenUsage): Record<string, unknown> {
  return {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.promptTokens + usage.completionTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedTokens },
    completion_tokens_details: { reasoning_tokens: usage.reasoningTokens },
  };
}
