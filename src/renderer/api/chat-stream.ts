import { createParser } from 'eventsource-parser';
import type { AnswerMeta } from '../../shared/control/conversations.js';
import { failureOf, send } from './client.js';

export interface StreamedAnswer {
  content: string;
  reasoning: string;
  meta: AnswerMeta;
  /** Set when the gateway ended the stream with an error chunk. */
  error?: string;
}

export interface OutgoingMessage {
  role: 'user' | 'assistant';
  content: string;
}

interface Chunk {
  id?: string;
  choices?: { delta?: { content?: string | null; reasoning?: string | null }; finish_reason?: string | null }[];
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
  onDelta: (content: string, reasoning: string) => void,
  signal: AbortSignal,
): Promise<StreamedAnswer> {
  const started = performance.now();
  const response = await send('POST', '/chat/completions', { model, messages, stream: true, stream_options: { include_usage: true } }, signal);
  if (!response.ok || !response.body) throw await failureOf(response);
  let content = '';
  let reasoning = '';
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
      if (choice?.finish_reason) meta.finishReason = choice.finish_reason;
      if (chunk.error?.message) error = chunk.error.message;
      if (chunk.usage) {
        meta.promptTokens = chunk.usage.prompt_tokens ?? null;
        meta.completionTokens = chunk.usage.completion_tokens ?? null;
        meta.reasoningTokens = chunk.usage.completion_tokens_details?.reasoning_tokens ?? null;
        meta.cost = chunk.usage.cost ?? null;
      }
      onDelta(content, reasoning);
    },
  });
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  try {
    for (let part = await reader.read(); !part.done; part = await reader.read()) parser.feed(part.value);
  } finally {
    meta.latencyMs = performance.now() - started;
  }
  return { content, reasoning, meta, ...(error ? { error } : {}) };
}
