import type { ServerResponse } from 'node:http';
import { GatewayError, errorBody } from '../../../shared/errors.js';
import { SSE_DONE, SSE_HEADERS, SseParser, sseData } from '../protocol/sse.js';
import { openAiUsageJson, parseOpenAiUsage, type TokenUsage } from '../protocol/token-usage.js';
import type { JsonObject, StreamMapper } from '../providers/provider-adapter.js';
import { upstreamFailure } from '../providers/upstream-http.js';
import type { RequestLog } from '../usage/request-log.js';
import { estimateMissingUsage, GeneratedText } from '../usage/usage-estimate.js';
import { type CancelSignal, drained } from '../providers/request-cancel.js';

const ID_PREFIX = '{"id":"';

/**
 * Rewrites OpenAI chunk JSON on its way to the client: the id becomes the generation id and
 * the usage chunk gains `cost`. Chunks without usage take a string fast path (no JSON parse),
 * since the hot path sees every token.
 */
export class ChunkTap {
  usage: TokenUsage | undefined;
  /** The price of `usage`, as written into the usage chunk. */
  cost: number | null = null;
  finishReason: string | null = null;

  constructor(
    private readonly generationId: string,
    private readonly costOf: (usage: TokenUsage) => number | null,
  ) {}

  rewrite(data: string): string {
    const reason = finishReasonOf(data);
    if (reason) this.finishReason = reason;
    if (data.startsWith(ID_PREFIX) && !hasUsageObject(data)) {
      const end = data.indexOf('"', ID_PREFIX.length);
      if (end > 0) return ID_PREFIX + this.generationId + withoutNullFields(data.slice(end));
    }
    return this.rewriteParsed(data);
  }

  private rewriteParsed(data: string): string {
    let chunk: unknown;
    try {
      chunk = JSON.parse(data);
    } catch {
      return data;
    }
    if (typeof chunk !== 'object' || chunk === null || Array.isArray(chunk)) return data;
    const obj = chunk as Record<string, unknown>;
    if ('id' in obj) obj.id = this.generationId;
    for (const field of ABSENT_NOT_NULL) if (obj[field] === null) delete obj[field];
    const usage = parseOpenAiUsage(obj.usage);
    if (usage && typeof obj.usage === 'object' && obj.usage !== null) {
      this.usage = usage;
      this.cost = this.costOf(usage);
      (obj.usage as Record<string, unknown>).cost = this.cost;
    }
    return JSON.stringify(obj);
  }
}

/**
 * OpenAI sends `"system_fingerprint":null` and `"usage":null` in every chunk; OpenRouter's
 * schemas (and its SDK, which validates each chunk) allow these fields absent, never null.
 */
const ABSENT_NOT_NULL = ['system_fingerprint', 'usage'] as const;
const NULL_FIELDS = ABSENT_NOT_NULL.map((field) => `,"${field}":null`);

function withoutNullFields(data: string): string {
  let out = data;
  for (const field of NULL_FIELDS) {
    const at = out.indexOf(field);
    if (at >= 0) out = out.slice(0, at) + out.slice(at + field.length);
  }
  return out;
}

function hasUsageObject(data: string): boolean {
  return data.includes('"usage":{') || data.includes('"usage": {');
}

function finishReasonOf(data: string): string | null {
  const key = '"finish_reason":"';
  const at = data.indexOf(key);
  if (at < 0) return null;
  const end = data.indexOf('"', at + key.length);
  return end > 0 ? data.slice(at + key.length, end) : null;
}

function streamCut(providerId: string): GatewayError {
  return new GatewayError(502, 'upstream_stream_cut', `Provider "${providerId}" ended the stream unexpectedly`, {
    provider: providerId,
  });
}

/** OpenRouter's mid-stream error: a chunk with `error` and `finish_reason: "error"`. */
export function errorChunk(generationId: string, model: string, error: GatewayError): string {
  return JSON.stringify({
    id: generationId,
    object: 'chat.completion.chunk',
    created: Math.floor(Date.now() / 1000),
    model,
    error: errorBody(error.status, error.message, { reason: error.reason, ...error.metadata }).error,
    choices: [{ index: 0, delta: { content: '' }, finish_reason: 'error' }],
  });
}

function estimatedUsageChunk(log: RequestLog, usage: TokenUsage): string {
  return JSON.stringify({
    id: log.id,
    object: 'chat.completion.chunk',
    created: Math.floor(Date.now() / 1000),
    model: log.model,
    choices: [],
    usage: { ...openAiUsageJson(usage), cost: log.cost, estimated: true },
  });
}

export interface RelayInput {
  res: ServerResponse;
  upstreamBody: AsyncIterable<Uint8Array>;
  mapper: StreamMapper;
  log: RequestLog;
  providerId: string;
  signal: CancelSignal;
  costOf: (usage: TokenUsage) => number | null;
  /** The client's request, to estimate its prompt when the upstream reports no usage. */
  requestBody: JsonObject;
}

/**
 * Streams upstream SSE to the client as OpenAI chunks. Ends exactly once: `[DONE]`, or an
 * error chunk then `[DONE]` when the upstream stream breaks. Returns the status to log.
 */
export async function relayStream(input: RelayInput): Promise<{ status: number; errorCode: string | null }> {
  const { res, mapper, log } = input;
  const tap = new ChunkTap(log.id, input.costOf);
  const generated = new GeneratedText();
  let pending: string[] = [];
  const emit = (data: string) => {
    if (data === '[DONE]') return;
    generated.addChunk(data);
    pending.push(sseData(tap.rewrite(data)));
  };
  const parser = new SseParser((event) => {
    for (const data of mapper.onEvent(event)) emit(data);
  });
  res.writeHead(200, { ...SSE_HEADERS, 'x-generation-id': log.id });
  const flush = async () => {
    if (pending.length === 0) return;
    const text = pending.length === 1 ? (pending[0] as string) : pending.join('');
    pending = [];
    log.markFirstByte();
    if (!res.write(text)) await drained(res, input.signal);
  };

  let failure: GatewayError | undefined;
  try {
    for await (const chunk of input.upstreamBody) {
      parser.push(chunk);
      await flush();
    }
    const { truncated } = parser.end();
    for (const data of mapper.onEnd()) emit(data);
    await flush();
    if (truncated) failure = streamCut(input.providerId);
  } catch (err) {
    const mapped = upstreamFailure(err, input.providerId, input.signal);
    failure = mapped.reason === 'upstream_unreachable' ? streamCut(input.providerId) : mapped;
  } finally {
    // A stream that breaks before its usage chunk still consumed what the provider reported so far.
    const usage = tap.usage ?? mapper.usageSoFar?.();
    log.usage = usage;
    log.finishReason = tap.finishReason;
    // The usage chunk was priced as it passed; only usage seen before a break still needs a price.
    if (tap.usage) log.cost = tap.cost;
    else if (usage) log.cost = input.costOf(usage);
  }
  // No usage chunk because the client left first, or because the upstream sends none: count what
  // was generated. (A stream the upstream broke keeps what it reported; it is not charged anyway.)
  if (!tap.usage && (!failure || failure.status === 499)) await estimateMissingUsage(log, input.requestBody, generated, input.costOf);

  if (failure?.status === 499) return { status: 499, errorCode: failure.reason };
  if (failure) {
    log.finishReason = 'error';
    // Chunks mapped from the same upstream read as the failure (a mapper may throw mid-read) still go first.
    if (!res.destroyed) res.end(pending.join('') + sseData(errorChunk(log.id, log.model, failure)) + SSE_DONE);
    return { status: failure.status, errorCode: failure.reason };
  }
  // The upstream sent no usage chunk: the client still gets one, from the gateway's count.
  const usageChunk = log.usageEstimated && log.usage ? sseData(estimatedUsageChunk(log, log.usage)) : '';
  res.end(usageChunk + SSE_DONE);
  return { status: 200, errorCode: null };
}
