/**
 * The Responses API answer object and its output items, built from the gateway's internal
 * (chat/completions) answer for targets that are not OpenAI's. One builder serves the JSON
 * answer and the stream's lifecycle events.
 */
import { randomBytes } from 'node:crypto';
import type { ReasoningDetailInput } from '../openai-chat-request.js';
import type { TokenUsage } from '../token-usage.js';
import { encryptedContentOf } from './reasoning-carrier.js';
import type { ResponsesRequest } from './responses-request.js';

type JsonObject = Record<string, unknown>;

export function itemId(prefix: 'msg' | 'fc' | 'rs'): string {
  return `${prefix}_${randomBytes(16).toString('hex')}`;
}

export interface ResponsesUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
  /** USD, as on every gateway answer; null when the price is unknown. */
  cost: number | null;
}

/** Responses usage has OpenAI's semantics too: input includes cached tokens, output includes reasoning. */
export function responsesUsageOf(usage: TokenUsage | undefined, cost: number | null): ResponsesUsage {
  const u = usage ?? { promptTokens: 0, completionTokens: 0, cachedTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 };
  return {
    input_tokens: u.promptTokens,
    input_tokens_details: { cached_tokens: u.cachedTokens },
    output_tokens: u.completionTokens,
    output_tokens_details: { reasoning_tokens: u.reasoningTokens },
    total_tokens: u.promptTokens + u.completionTokens,
    cost,
  };
}

export interface ResponseContext {
  /** The generation id, which is the response id the client sees. */
  id: string;
  model: string;
  request: ResponsesRequest;
  createdAt: number;
}

export type ResponseStatus = 'in_progress' | 'completed' | 'incomplete' | 'failed';

/** The response object; `usage` is null until the answer is complete, as OpenAI's own streams have it. */
export function responseObject(
  ctx: ResponseContext,
  status: ResponseStatus,
  output: JsonObject[],
  usage: ResponsesUsage | null,
  extra: { error?: { code: string; message: string }; incompleteReason?: string } = {},
): JsonObject {
  const { request } = ctx;
  return {
    id: ctx.id,
    object: 'response',
    created_at: ctx.createdAt,
    status,
    background: false,
    error: extra.error ?? null,
    incomplete_details: extra.incompleteReason ? { reason: extra.incompleteReason } : null,
    instructions: request.instructions ?? null,
    max_output_tokens: request.max_output_tokens ?? null,
    model: ctx.model,
    output,
    parallel_tool_calls: request.parallel_tool_calls ?? true,
    previous_response_id: null,
    reasoning: { effort: request.reasoning?.effort ?? null, summary: null },
    store: false,
    temperature: request.temperature ?? null,
    text: { format: request.text?.format ?? { type: 'text' } },
    tool_choice: request.tool_choice ?? 'auto',
    tools: request.tools ?? [],
    top_p: request.top_p ?? null,
    truncation: 'disabled',
    usage,
    metadata: {},
  };
}

export interface OutputAnnotation {
  type: 'url_citation';
  url: string;
  title: string;
  start_index: number;
  end_index: number;
}

export function messageItem(id: string, text: string, annotations: OutputAnnotation[], status = 'completed'): JsonObject {
  return {
    id,
    type: 'message',
    status,
    role: 'assistant',
    content: [{ type: 'output_text', text, annotations, logprobs: [] }],
  };
}

export function functionCallItem(id: string, callId: string, name: string, args: string, status = 'completed'): JsonObject {
  return { id, type: 'function_call', status, arguments: args, call_id: callId, name };
}

/** Readable reasoning becomes the summary; the details themselves ride back in `encrypted_content`. */
export function reasoningItem(id: string, summary: string, details: readonly ReasoningDetailInput[]): JsonObject {
  const item: JsonObject = { id, type: 'reasoning', summary: summary === '' ? [] : [{ type: 'summary_text', text: summary }] };
  if (details.length > 0) item.encrypted_content = encryptedContentOf(details);
  return item;
}

/** Chat's finish reason as the Responses status: a cut answer is incomplete, with why. */
export function statusOf(finishReason: string | null): { status: ResponseStatus; incompleteReason?: string } {
  if (finishReason === 'length') return { status: 'incomplete', incompleteReason: 'max_output_tokens' };
  if (finishReason === 'content_filter') return { status: 'incomplete', incompleteReason: 'content_filter' };
  return { status: 'completed' };
}
