/**
 * A fast OpenAI-compatible upstream for the bench, run in its own process:
 * `node --import tsx bench/mock-upstream.ts --chunks 20 --chunk-delay-ms 5`.
 * Prints `READY {"port":N}` once listening on 127.0.0.1.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { z } from 'zod';
import { announceReady, numberFlag } from './child-io.js';

const chunkCount = numberFlag('--chunks', 20);
const chunkDelayMs = numberFlag('--chunk-delay-ms', 5);

const requestSchema = z.object({
  model: z.string().default('bench-model'),
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

function sendStream(request: ChatRequest, res: ServerResponse): void {
  const events = streamEvents(request);
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  // The role chunk and the first token leave together, so time-to-first-token carries no timer jitter.
  res.write(events[0] + (events[1] ?? ''));
  let next = 2;
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
  if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
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
    if (request.data.stream) sendStream(request.data, res);
    else sendJson(res, 200, completionBody(request.data));
  });
}

const server = createServer(handle);
// Longer than any client's idle timeout, so a pooled connection is never closed under a request in flight.
server.keepAliveTimeout = 120_000;
server.listen(0, '127.0.0.1', () => announceReady(server));
process.on('SIGTERM', () => process.exit(0));
