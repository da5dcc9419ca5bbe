import type { ChatRequest, ReasoningEffort } from '../../protocol/openai-chat-request.js';
import type { GeminiThinkingConfig } from './gemini-request-types.js';

/** Share of the output budget given to thinking per effort, as OpenRouter maps effort to budgets. */
const EFFORT_RATIO: Record<Exclude<ReasoningEffort, 'none'>, number> = {
  xhigh: 0.95,
  high: 0.8,
  medium: 0.5,
  low: 0.2,
  minimal: 0.1,
};

/** The largest budget every Gemini 2.5+ model accepts (Flash tops out here, Pro goes higher). */
const MAX_BUDGET = 24_576;
const MIN_BUDGET = 1_024;

export function effortBudget(effort: Exclude<ReasoningEffort, 'none'>, maxOutputTokens: number | undefined): number {
  const budget = Math.round((maxOutputTokens ?? MAX_BUDGET) * EFFORT_RATIO[effort]);
  return Math.min(MAX_BUDGET, Math.max(MIN_BUDGET, budget));
}

/**
 * OpenRouter's `reasoning` (or OpenAI's `reasoning_effort`) as Gemini's thinkingConfig. Without
 * either, Gemini keeps its own default (thinking on, thoughts not returned).
 */
export function thinkingConfig(request: ChatRequest, maxOutputTokens: number | undefined): GeminiThinkingConfig | undefined {
  const reasoning = request.reasoning ?? (request.reasoning_effort ? { effort: request.reasoning_effort } : undefined);
  if (!reasoning) return undefined;
  if (reasoning.enabled === false || reasoning.effort === 'none') return { thinkingBudget: 0 };
  const config: GeminiThinkingConfig = { includeThoughts: reasoning.exclude !== true };
  if (reasoning.max_tokens !== undefined) config.thinkingBudget = reasoning.max_tokens;
  else if (reasoning.effort !== undefined) config.thinkingBudget = effortBudget(reasoning.effort, maxOutputTokens);
  return config;
}
