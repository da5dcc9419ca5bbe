import type { TokenUsage } from '../../protocol/token-usage.js';
import type { GeminiUsageMetadata } from './gemini-wire.js';

/**
 * Gemini's counts in OpenAI semantics: promptTokenCount already includes the cached tokens,
 * tool-use prompts (e.g. search results) are prompt too, and thoughts are completion tokens.
 * `searches`: the Google Search queries grounding ran, which usageMetadata does not count.
 */
export function geminiUsage(meta: GeminiUsageMetadata, searches = 0): TokenUsage {
  const thoughts = meta.thoughtsTokenCount ?? 0;
  const usage: TokenUsage = {
    promptTokens: (meta.promptTokenCount ?? 0) + (meta.toolUsePromptTokenCount ?? 0),
    completionTokens: (meta.candidatesTokenCount ?? 0) + thoughts,
    cachedTokens: meta.cachedContentTokenCount ?? 0,
    cacheWriteTokens: 0,
    reasoningTokens: thoughts,
  };
  if (searches > 0) usage.webSearchRequests = searches;
  return usage;
}
