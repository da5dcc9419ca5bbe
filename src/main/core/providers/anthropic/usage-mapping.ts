import type { AnthropicUsage } from '../../protocol/anthropic-wire.js';
import type { TokenUsage } from '../../protocol/token-usage.js';
import { webSearchRequestsOf } from './web-search.js';

/**
 * Anthropic counts cache reads and writes apart from `input_tokens`; OpenAI's `prompt_tokens`
 * includes them (DESIGN.md §4). Thinking is part of `output_tokens`; Anthropic does not report
 * it separately unless `output_tokens_details.thinking_tokens` is present. Server-tool web
 * searches are counted apart (`server_tool_use`), billed per search.
 */
export function tokenUsageOf(usage: AnthropicUsage): TokenUsage {
  const cachedTokens = usage.cache_read_input_tokens ?? 0;
  const cacheWriteTokens = usage.cache_creation_input_tokens ?? 0;
  const tokens: TokenUsage = {
    promptTokens: usage.input_tokens + cachedTokens + cacheWriteTokens,
    completionTokens: usage.output_tokens,
    cachedTokens,
    cacheWriteTokens,
    reasoningTokens: usage.output_tokens_details?.thinking_tokens ?? 0,
  };
  const searches = webSearchRequestsOf(usage.server_tool_use);
  if (searches > 0) tokens.webSearchRequests = searches;
  return tokens;
}

const FINISH_REASONS: Record<string, string> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  // A server tool loop paused; the turn is over for the client, which may continue it.
  pause_turn: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
};

/** Anthropic `stop_reason` -> OpenAI `finish_reason`; an unknown reason is still a normal end. */
export function finishReasonOf(stopReason: string | null | undefined): string | null {
  if (!stopReason) return null;
  return FINISH_REASONS[stopReason] ?? 'stop';
}
