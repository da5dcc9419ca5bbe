import type { ServerResponse } from 'node:http';
import { GatewayError } from '../../../shared/errors.js';
import { SSE_HEADERS, SseParser, sseEvent, sseMessage, type SseEvent } from '../protocol/sse.js';
import { upstreamFailure } from '../providers/upstream-http.js';
import type { Endpoint } from '../router/catalog.js';
import type { RequestLog } from '../usage/request-log.js';
import { anthropicErrorBody } from './anthropic-errors.js';
import { type CancelSignal, drained } from '../providers/request-cancel.js';

/**
 * Writes an Anthropic event stream to the client. Headers go out with the first events, so a
 * failure before any event is still answered with a plain error status and body.
 */
export class AnthropicEventWriter {
  private pending: string[] = [];

  constructor(
    private readonly res: ServerResponse,
    private readonly log: RequestLog,
    private readonly signal: CancelSignal,
  ) {}

  /** Something was (or is about to be) sent: from here on a failure must be reported in the stream. */
  get started(): boolean {
    return this.res.headersSent || this.pending.length > 0;
  }

  event(name: string, data: string): void {
    this.pending.push(sseEvent(name, data));
  }

  relay(event: SseEvent): void {
    this.pending.push(sseMessage({ event: event.event, data: event.data }));
  }

  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const text = this.take();
    this.log.markFirstByte();
    if (!this.res.write(text)) await drained(this.res, this.signal);
  }

  end(last = ''): void {
    if (this.res.destroyed) return;
    this.res.end(this.take() + last);
  }

  private take(): string {
    if (!this.res.headersSent) this.res.writeHead(200, { ...SSE_HEADERS, 'x-generation-id': this.log.id });
    const text = this.pending.length === 1 ? (this.pending[0] as string) : this.pending.join('');
    this.pending = [];
    return text;
  }
}

export function streamCut(providerId: string): GatewayError {
  return new GatewayError(502, 'upstream_stream_cut', `Provider "${providerId}" ended the stream unexpectedly`, {
    provider: providerId,
  });
}

/** An upstream stream that was accepted: its body, and the endpoint it comes from. */
export interface UpstreamStream {
  body: AsyncIterable<Uint8Array>;
  endpoint: Endpoint;
}

export interface PumpHandlers {
  /** Queues on the writer what one upstream event is owed; may throw a GatewayError to end the stream. */
  event(event: SseEvent): void;
  /** Runs once the upstream stream ended cleanly; may still throw a GatewayError. */
  end(): void;
}

/**
 * Reads the upstream stream event by event, flushing the writer after every network chunk.
 * Returns the failure that ended it, if any: transport errors, a cut stream, or a GatewayError
 * thrown by a handler.
 */
export async function pumpUpstream(
  upstream: UpstreamStream,
  writer: Pick<AnthropicEventWriter, 'flush'>,
  signal: CancelSignal,
  on: PumpHandlers,
): Promise<GatewayError | undefined> {
  const providerId = upstream.endpoint.provider.id;
  const parser = new SseParser((event) => on.event(event));
  try {
    for await (const chunk of upstream.body) {
      parser.push(chunk);
      await writer.flush();
    }
    if (parser.end().truncated) return streamCut(providerId);
    on.end();
    return undefined;
  } catch (err) {
    const failure = upstreamFailure(err, providerId, signal);
    return failure.reason === 'upstream_unreachable' ? streamCut(providerId) : failure;
  }
}

/** What a stream's end depends on: whether anything was sent yet, and how to close it. */
export interface EndableStream {
  readonly started: boolean;
  end(): void;
}

/**
 * Ends the response exactly once: after the queued events on success, or with the failure
 * reported in the stream's own form (`report` queues it) after them. A failure before anything
 * was sent is thrown instead, for the scope to answer with a plain error status. Returns the
 * status to log.
 */
export function endStream(
  writer: EndableStream,
  log: RequestLog,
  failure: GatewayError | undefined,
  report: (failure: GatewayError) => void,
): { status: number; errorCode: string | null } {
  if (!failure) {
    writer.end();
    return { status: 200, errorCode: null };
  }
  if (failure.status === 499) return { status: 499, errorCode: failure.reason };
  log.finishReason = 'error';
  if (!writer.started) throw failure;
  report(failure);
  writer.end();
  return { status: failure.status, errorCode: failure.reason };
}

/** An Anthropic stream ends with message_stop on success, an `error` event on failure. */
export function endAnthropicStream(
  writer: AnthropicEventWriter,
  log: RequestLog,
  failure: GatewayError | undefined,
): { status: number; errorCode: string | null } {
  return endStream(writer, log, failure, (error) => writer.event('error', JSON.stringify(anthropicErrorBody(error))));
}
