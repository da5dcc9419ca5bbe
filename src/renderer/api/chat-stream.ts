import { createParser } from 'eventsource-parser';
import type { AnswerMeta, ToolCall } from '../../shared/control/conversations.js';
import { failureOf, send } from './client.js';

export interface StreamedAnswer {
  content: string;
  reasoning: string;
  toolCalls: ToolCall[];
  meta: AnswerMeta;
  /** Set when the gateway ended the stream with an error chunk. */
  error?: string;
}

export type OutgoingPart = { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string } };

export interface OutgoingMessage {
  role: 'user' | 'assistant';
  content: string | OutgoingPart[];
}

interface ToolCallDelta {
  index?: number;
  id?: string;
  function?: { name?: string; arguments?: string };
}

interface Chunk {
  id?: string;
  choices?: { delta?: { content?: string | null; reasoning?: string | null; tool_calls?: ToolCallDelta[] }; finish_reason?: string | null }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number; cost?: number | null; completion_tokens_details?: { reasoning_tokens?: number } } | null;
  error?: { message?: string };
}

/**
 * One streamed chat completion through the gateway (the UI's built-in app key), read with a
 * real SSE parser. `onDelta` gets the text so far; the caller decides how often to paint.
 * Cost and tokens are the gateway's own (`usage.cost`), latency is what the person waited.
 */
export async function streamChat(
  model: string,
  messages: readonly OutgoingMessage[],
  onDelta: (content: string, reasoning: string, toolCalls: ToolCall[]) => void,
  signal: AbortSignal,
  /** The id the gateway logs the request under, as soon as the answer starts (a stopped answer's usage is read by it). */
  onStart?: (generationId: string | null) => void,
): Promise<StreamedAnswer> {
  const started = performance.now();
  const response = await send('POST', '/chat/completions', { model, messages, stream: true, stream_options: { include_usage: true } }, signal);
  if (!response.ok || !response.body) throw await failureOf(response);
  onStart?.(response.headers.get('x-generation-id'));
  let content = '';
  let reasoning = '';
  let toolCalls: ToolCall[] = [];
  let error: string | undefined;
  const meta: AnswerMeta = { model, generationId: null, promptTokens: null, completionTokens: null, reasoningTokens: null, cost: null, latencyMs: null, finishReason: null };
  const parser = createParser({
    onEvent(event) {
      if (event.data === '[DONE]') return;
      const chunk = JSON.parse(event.data) as Chunk;
      meta.generationId ??= chunk.id ?? null;
      const choice = chunk.choices?.[0];
      if (choice?.delta?.content) content += choice.delta.content;
      if (choice?.delta?.reasoning) reasoning += choice.delta.reasoning;
      if (choice?.delta?.tool_calls) toolCalls = withToolCallDeltas(toolCalls, choice.delta.tool_calls);
      if (choice?.finish_reason) meta.finishReason = choice.finish_reason;
      if (chunk.error?.message) error = chunk.error.message;
      if (chunk.usage) {
        meta.promptTokens = chunk.usage.prompt_tokens ?? null;
        meta.completionTokens = chunk.usage.completion_tokens ?? null;
        meta.reasoningTokens = chunk.usage.completion_tokens_details?.reasoning_tokens ?? null;
        meta.cost = chunk.usage.cost ?? null;
      }
      onDelta(content, reasoning, toolCalls);
    },
  });
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  try {
    for (let part = await reader.read(); !part.done; part = await reader.read()) parser.feed(part.value);
  } finally {
    meta.latencyMs = performance.now() - started;
  }
  return { content, reasoning, toolCalls, meta, ...(error ? { error } : {}) };
}

/**
 * Tool calls so far, with a stream chunk's deltas applied: the first delta of a call carries
 * its id and name, later ones pieces of its arguments, all under the call's `index` (0, 1, …). A new
 * array each time, so a painted frame never changes under React.
 */
function withToolCallDeltas(calls: readonly ToolCall[], deltas: readonly ToolCallDelta[]): ToolCall[] {
  const next = [...calls];
  for (const delta of deltas) {
    const index = delta.index ?? next.length;
    const call = next[index] ?? { id: '', name: '', arguments: '' };
    next[index] = {
      id: delta.id ?? call.id,
      // The name comes whole in the call's first delta; some servers repeat it in later ones.
      name: delta.function?.name || call.name,
      arguments: call.arguments + (delta.function?.arguments ?? ''),
    };
  }
  return next;
}
