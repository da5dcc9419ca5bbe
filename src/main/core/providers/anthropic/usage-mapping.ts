import type { AnthropicUsage } from '../../protocol/anthropic-wire.js';
import type { TokenUsage } from '../../protocol/token-usage.js';

/** OpenAI's usage object, with OpenRouter's `cache_write_tokens`. */
export interface OpenAiUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number; cache_write_tokens: number };
  completion_tokens_details: { reasoning_tokens: number };
}

/**
 * Anthropic counts cache reads and writes apart from `input_tokens`; OpenAI's `prompt_tokens`
 * includes them (DESIGN.md §4). Thinking is part of `output_tokens`; Anthropic does not report
 * it separately unless `output_tokens_details.thinking_tokens` is present.
 */
export function tokenUsageOf(usage: AnthropicUsage): TokenUsage {
  const cachedTokens = usage.cache_read_input_tokens ?? 0;
  const cacheWriteTokens = usage.cache_creation_input_tokens ?? 0;
  return {
    promptTokens: usage.input_tokens + cachedTokens + cacheWriteTokens,
    completionTokens: usage.output_tokens,
    cachedTokens,
    cacheWriteTokens,
    reasoningTokens: usage.output_tokens_details?.thinking_tokens ?? 0,
  };
}

export function openAiUsageOf(usage: TokenUsage): OpenAiUsage {
  return {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.promptTokens + usage.completionTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedTokens, cache_write_tokens: usage.cacheWriteTokens },
    completion_tokens_details: { reasoning_tokens: usage.reasoningTokens },
  };
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
