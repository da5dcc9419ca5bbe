/** Pieces of an Anthropic answer built from an OpenAI one, shared by the JSON and the stream translation. */
import { randomBytes } from 'node:crypto';
import type { TokenUsage } from '../token-usage.js';

export type StopReason = 'end_turn' | 'stop_sequence' | 'max_tokens' | 'tool_use' | 'refusal';

/** The stop string the upstream says it matched, if it is one the client asked for. */
export function matchedStopSequence(reported: string | number | null | undefined, requested: readonly string[]): string | null {
  return typeof reported === 'string' && requested.includes(reported) ? reported : null;
}

/** OpenAI `finish_reason` -> Anthropic `stop_reason`; anything unknown is a normal end of turn. */
export function stopReasonOf(finishReason: string | null | undefined, stopSequence: string | null): StopReason {
  switch (finishReason) {
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
    case 'function_call':
      return 'tool_use';
    case 'content_filter':
      return 'refusal';
    default:
      return stopSequence === null ? 'end_turn' : 'stop_sequence';
  }
}

export interface AnthropicUsageOut {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  output_tokens: number;
  output_tokens_details?: { thinking_tokens: number };
  /** The web searches the target ran (and may bill), as Anthropic reports its own. */
  server_tool_use?: { web_search_requests: number };
  /** USD, as on every gateway answer; null when the price is unknown. */
  cost?: number | null;
}

/** OpenAI semantics back to Anthropic's: `input_tokens` excludes cache reads and writes. */
export function anthropicUsageOf(usage: TokenUsage | undefined): AnthropicUsageOut {
  if (!usage) return { input_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 0 };
  const out: AnthropicUsageOut = {
    input_tokens: Math.max(0, usage.promptTokens - usage.cachedTokens - usage.cacheWriteTokens),
    cache_creation_input_tokens: usage.cacheWriteTokens,
    cache_read_input_tokens: usage.cachedTokens,
    output_tokens: usage.completionTokens,
  };
  if (usage.reasoningTokens > 0) out.output_tokens_details = { thinking_tokens: usage.reasoningTokens };
  if (usage.webSearchRequests) out.server_tool_use = { web_search_requests: usage.webSearchRequests };
  return out;
}

/** Anthropic tool-use ids look like `toolu_…`; used when an upstream sends a call without an id. */
export function newToolUseId(): string {
  return `toolu_${randomBytes(12).toString('base64url')}`;
}
