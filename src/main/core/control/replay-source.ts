import type { JsonObject } from '../providers/provider-adapter.js';
import { SseParser } from '../protocol/sse-reader.js';

interface ChatMessage {
  content?: unknown;
  tool_calls?: { index?: unknown; function?: { name?: unknown; arguments?: unknown } }[];
}

interface ChatChoice {
  message?: ChatMessage;
  delta?: ChatMessage;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Text and tool calls of one choice's message or delta; a tool call reads `→ name(arguments)`. */
function partsOf(message: ChatMessage | undefined): { text: string; calls: string[] } {
  const text = typeof message?.content === 'string' ? message.content : '';
  const calls = (message?.tool_calls ?? []).map((c) => `${typeof c.function?.name === 'string' ? c.function.name : ''}${typeof c.function?.arguments === 'string' ? c.function.arguments : ''}`);
  return { text, calls };
}

/**
 * The answer text of a logged chat completion, as the client received it: a JSON
 * `chat.completion` or its SSE stream of `chat.completion.chunk`s. Undefined for any other
 * wire format (Anthropic messages, Responses, embeddings), which the replay does not speak.
 */
export function chatAnswerText(completion: string): string | undefined {
  const trimmed = completion.trimStart();
  if (trimmed.startsWith('{')) {
    const body = parseJson(trimmed);
    if (!isObject(body) || body.object !== 'chat.completion') return undefined;
    const { text, calls } = partsOf((body.choices as ChatChoice[] | undefined)?.[0]?.message);
    return [text, ...calls.map((c) => `→ ${c}`)].filter(Boolean).join('\n');
  }
  let text = '';
  const calls: string[] = [];
  let chat = false;
  const parser = new SseParser((event) => {
    if (event.data === '[DONE]') return;
    const chunk = parseJson(event.data);
    if (!isObject(chunk) || chunk.object !== 'chat.completion.chunk') return;
    chat = true;
    const delta = (chunk.choices as ChatChoice[] | undefined)?.[0]?.delta;
    const parts = partsOf(delta);
    text += parts.text;
    // A streamed tool call arrives as its name, then its arguments in pieces, each piece naming its call by index.
    for (const call of delta?.tool_calls ?? []) {
      const index = typeof call.index === 'number' ? call.index : Math.max(calls.length - 1, 0);
      calls[index] = `${calls[index] ?? ''}${typeof call.function?.name === 'string' ? call.function.name : ''}${typeof call.function?.arguments === 'string' ? call.function.arguments : ''}`;
    }
  });
  parser.push(completion);
  parser.end();
  return chat ? [text, ...calls.map((c) => `→ ${c}`)].filter(Boolean).join('\n') : undefined;
}

/** The logged request body, if it is a chat-completions request (it has `messages`). */
export function chatRequestOf(prompt: string): JsonObject | undefined {
  const body = parseJson(prompt);
  return isObject(body) && Array.isArray(body.messages) ? body : undefined;
}

/** `answer` is null when the logged answer was not a chat completion (an error, or cut off). */
export type Replayable = { available: true; request: JsonObject; answer: string | null } | { available: false; reason: string };

/** Whether a logged request can be replayed, and why not. */
export function replayable(exchange: { prompt: string; completion: string } | undefined, appKey: string | null): Replayable {
  if (!exchange) {
    return {
      available: false,
      reason: `Its prompt was not logged (or the log was pruned): turn on prompt logging for ${appKey ? `app key “${appKey}”` : 'its key'} in Privacy to replay its future requests.`,
    };
  }
  const request = chatRequestOf(exchange.prompt);
  const answer = chatAnswerText(exchange.completion);
  // Anthropic's /v1/messages bodies have `messages` too: what tells them apart is the answer's format.
  if (!request || (answer === undefined && !isOpenAiErrorOrNothing(exchange.completion))) {
    return { available: false, reason: 'Only chat-completions requests can be replayed; this one came in another API format.' };
  }
  return { available: true, request, answer: answer ?? null };
}

/** An error in the OpenAI shape (`{"error": {...}}`, no `type` beside it as Anthropic's has), or no answer at all. */
function isOpenAiErrorOrNothing(completion: string): boolean {
  if (completion.trim() === '') return true;
  const body = parseJson(completion);
  return isObject(body) && isObject(body.error) && !('type' in body);
}
