/**
 * A fast upstream for the bench, speaking OpenAI (`POST …/chat/completions`) and Anthropic
 * (`POST …/messages`, the event sequence of the recordings in test/fixtures/anthropic), run in its own process:
 * `node .bench-tmp/mock-upstream.mjs --chunks 20 --chunk-delay-ms 5` (built by bench/run.ts).
 * Prints `READY {"port":N}` once listening on 127.0.0.1.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { z } from 'zod';
import { announceReady, numberFlag } from './child-io.js';

const chunkCount = numberFlag('--chunks', 20);
const chunkDelayMs = numberFlag('--chunk-delay-ms', 5);

const requestSchema = z.object({
  model: z.string().default('bench-model'),
  max_tokens: z.number().optional(),
  stream: z.boolean().optional(),
  stream_options: z.object({ include_usage: z.boolean().optional() }).optional(),
});
type ChatRequest = z.infer<typeof requestSchema>;

const words = 'The quick brown fox jumps over the lazy dog while the gateway counts every token it relays'.split(' ');
const promptTokens = 42;
const completionTokens = chunkCount;
const usage = {
  prompt_tokens: promptTokens,
  completion_tokens: completionTokens,
  total_tokens: promptTokens + completionTokens,
  prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
  completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
};

function tokenAt(index: number): string {
  return `${index === 0 ? '' : ' '}${words[index % words.length] ?? 'token'}`;
}

let sequence = 0;
function completionId(): string {
  sequence += 1;
  return `chatcmpl-bench${process.pid}x${sequence}`;
}

function completionBody(request: ChatRequest): string {
  return JSON.stringify({
    id: completionId(),
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: request.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: Array.from({ length: chunkCount }, (_, i) => tokenAt(i)).join(''), refusal: null, annotations: [] },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage,
    service_tier: 'default',
    system_fingerprint: 'fp_bench',
  });
}

/** The SSE events of one completion, in the order OpenAI sends them. */
function streamEvents(request: ChatRequest): string[] {
  const base = { id: completionId(), object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model: request.model, service_tier: 'default', system_fingerprint: 'fp_bench' };
  const event = (payload: object): string => `data: ${JSON.stringify({ ...base, ...payload })}\n\n`;
  const events = [event({ choices: [{ index: 0, delta: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: null }] })];
  for (let i = 0; i < chunkCount; i += 1) {
    events.push(event({ choices: [{ index: 0, delta: { content: tokenAt(i) }, logprobs: null, finish_reason: null }] }));
  }
  events.push(event({ choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }] }));
  if (request.stream_options?.include_usage) events.push(event({ choices: [], usage }));
  events.push('data: [DONE]\n\n');
  return events;
}

function messageId(): string {
  sequence += 1;
  return `msg_bench${process.pid}x${sequence}`;
}

const anthropicUsage = { input_tokens: promptTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: completionTokens };

function messageBody(request: ChatRequest): string {
  return JSON.stringify({
    id: messageId(),
    type: 'message',
    role: 'assistant',
    model: request.model,
    content: [{ type: 'text', text: Array.from({ length: chunkCount }, (_, i) => tokenAt(i)).join('') }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: anthropicUsage,
  });
}

/** Anthropic's SSE events of one message, in the order the Messages API sends them. */
function messageEvents(request: ChatRequest): string[] {
  const event = (payload: { type: string; [field: string]: unknown }): string => `event: ${payload.type}\ndata: ${JSON.stringify(payload)}\n\n`;
  const events = [
    event({
      type: 'message_start',
      message: { id: messageId(), type: 'message', role: 'assistant', model: request.model, content: [], stop_reason: null, stop_sequence: null, usage: { ...anthropicUsage, output_tokens: 1 } },
    }),
    event({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
  ];
  for (let i = 0; i < chunkCount; i += 1) {
    events.push(event({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: tokenAt(i) } }));
  }
  events.push(event({ type: 'content_block_stop', index: 0 }));
  events.push(event({ type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: anthropicUsage }));
  events.push(event({ type: 'message_stop' }));
  return events;
}

/** The first event and the first token leave together, so time-to-first-token carries no timer jitter. */
function sendEvents(events: readonly string[], firstWrite: number, res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  res.write(events.slice(0, firstWrite).join(''));
  let next = firstWrite;
  const timer = setInterval(() => {
    const chunk = events[next];
    next += 1;
    if (chunk === undefined) {
      clearInterval(timer);
      res.end();
      return;
    }
    res.write(chunk);
  }, chunkDelayMs);
  res.on('close', () => clearInterval(timer));
}

function sendJson(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  const anthropic = req.method === 'POST' && req.url?.endsWith('/messages') === true;
  if (!anthropic && (req.method !== 'POST' || !req.url?.endsWith('/chat/completions'))) {
    sendJson(res, 404, JSON.stringify({ error: { code: 404, message: `no route ${req.method} ${req.url}`, type: 'not_found' } }));
    return;
  }
  const parts: Buffer[] = [];
  req.on('data', (part: Buffer) => parts.push(part));
  req.on('end', () => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.concat(parts).toString('utf8'));
    } catch {
      parsed = undefined;
    }
    const request = requestSchema.safeParse(parsed);
    if (!request.success) {
      sendJson(res, 400, JSON.stringify({ error: { code: 400, message: 'invalid chat request', type: 'invalid_request_error' } }));
      return;
    }
    if (anthropic) {
      // message_start, content_block_start and the first text delta: the first token.
      if (request.data.stream) sendEvents(messageEvents(request.data), 3, res);
      else sendJson(res, 200, messageBody(request.data));
    } else if (request.data.stream) sendEvents(streamEvents(request.data), 2, res);
    else sendJson(res, 200, completionBody(request.data));
  });
}

const server = createServer(handle);
// Longer than any client's idle timeout, so a pooled connection is never closed under a request in flight.
server.keepAliveTimeout = 120_000;
server.listen(0, '127.0.0.1', () => announceReady(server));
process.on('SIGTERM', () => process.exit(0));
