import type { AnthropicThinkingConfig } from '../../protocol/anthropic-wire.js';
import type { ChatRequest, ReasoningEffort } from '../../protocol/openai-chat-request.js';

/**
 * Anthropic requires `max_tokens`; OpenAI clients often omit it. 4096 is within every Claude
 * model's output ceiling (the claude-3 family's is 4096) and stays under the lowest usage
 * tier's output-tokens-per-minute limit, which Anthropic reserves from `max_tokens` up front;
 * a larger default would get small accounts rate limited on every request.
 */
export const DEFAULT_MAX_TOKENS = 4096;

/** Anthropic's smallest thinking budget. */
export const MIN_THINKING_BUDGET = 1024;

/** OpenRouter's effort -> share of max_tokens given to thinking. */
const EFFORT_SHARE: Record<Exclude<ReasoningEffort, 'none'>, number> = {
  minimal: 0.1,
  low: 0.2,
  medium: 0.5,
  high: 0.8,
  xhigh: 0.95,
};

export interface OutputBudget {
  max_tokens: number;
  thinking?: AnthropicThinkingConfig;
}

/**
 * `max_completion_tokens` (or the older `max_tokens`) and OpenRouter's `reasoning`
 * (`{max_tokens}` budget or `{effort}`, also OpenAI's `reasoning_effort`) -> Anthropic's
 * `max_tokens` and `thinking: {type: "enabled", budget_tokens}`. With an explicit reasoning
 * budget and no output limit, the limit is the budget plus the default answer room. An
 * explicit limit is never raised: if it leaves no room beyond the budget, Anthropic's own
 * 400 says so.
 */
export function outputBudget(req: Pick<ChatRequest, 'max_tokens' | 'max_completion_tokens' | 'reasoning' | 'reasoning_effort'>): OutputBudget {
  const requested = req.max_completion_tokens ?? req.max_tokens ?? undefined;
  const reasoning = req.reasoning ?? undefined;
  const effort = reasoning?.effort ?? req.reasoning_effort ?? undefined;
  // A zero budget means no thinking, as it does on Gemini.
  const enabled =
    effort !== 'none' && reasoning?.max_tokens !== 0 && (reasoning?.enabled ?? (reasoning?.max_tokens !== undefined || effort !== undefined));
  if (!enabled) return { max_tokens: requested ?? DEFAULT_MAX_TOKENS };

  if (reasoning?.max_tokens !== undefined) {
    const budget = Math.max(MIN_THINKING_BUDGET, reasoning.max_tokens);
    return { max_tokens: requested ?? budget + DEFAULT_MAX_TOKENS, thinking: { type: 'enabled', budget_tokens: budget } };
  }
  const maxTokens = requested ?? DEFAULT_MAX_TOKENS;
  const share = EFFORT_SHARE[effort ?? 'medium'];
  const budget = Math.max(MIN_THINKING_BUDGET, Math.floor(maxTokens * share));
  return { max_tokens: maxTokens, thinking: { type: 'enabled', budget_tokens: budget } };
}
