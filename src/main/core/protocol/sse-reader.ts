import { GatewayError } from '../../../shared/errors.js';
import { StreamTextDecoder } from './stream-text-decoder.js';

/** One dispatched event of a WHATWG text/event-stream. */
export interface SseEvent {
  /** The `event:` field; absent when the block had none (or an empty one), meaning "message". */
  event?: string;
  /** The `data:` lines of the block joined with "\n". */
  data: string;
  /** The `id:` field of this event's own block; unlike a browser's lastEventId it is not carried over. */
  id?: string;
  /** A valid `retry:` field given in this event's block. */
  retry?: number;
}

export interface SseEndResult {
  /** The stream stopped after a field line but before the blank line that dispatches it: a cut stream. */
  truncated: boolean;
}

const LF = 10;
const CR = 13;
const SPACE = 32;
const COLON = 58;
const DIGIT_0 = 48;
const DIGIT_9 = 57;

/**
 * Incremental text/event-stream parser (https://html.spec.whatwg.org/multipage/server-sent-events.html#parsing-an-event-stream).
 * Line ends and field names are found with indexOf and compared in place, so the only
 * allocation per field line is the slice of its value.
 * Feed one stream per parser, either all bytes or all strings, then call end() once.
 */
export class SseParser {
  private readonly text = new StreamTextDecoder();
  private readonly onEvent: (event: SseEvent) => void;
  /** Start of a line whose terminator has not arrived yet. */
  private partial = '';
  /** The last chunk ended in CR, so an LF opening the next one completes that CRLF. */
  private afterCR = false;
  /** A field line was read since the last blank line. */
  private inEvent = false;
  private hasData = false;
  private data = '';
  private eventType = '';
  private id: string | undefined = undefined;
  private retry: number | undefined = undefined;

  constructor(onEvent: (event: SseEvent) => void) {
    this.onEvent = onEvent;
  }

  push(chunk: Uint8Array | string): void {
    this.feed(this.text.decode(chunk));
  }

  /** Per spec an unfinished last event is discarded; `truncated` says whether there was one. */
  end(): SseEndResult {
    this.feed(this.text.flush());
    const cutMidLine = this.partial.length > 0 && this.partial.charCodeAt(0) !== COLON;
    return { truncated: this.inEvent || cutMidLine };
  }

  private feed(text: string): void {
    if (text.length === 0) return;
    let pos = 0;
    if (this.afterCR) {
      this.afterCR = false;
      if (text.charCodeAt(0) === LF) pos = 1;
    }
    let lf = text.indexOf('\n', pos);
    let cr = text.indexOf('\r', pos);
    while (lf !== -1 || cr !== -1) {
      let end: number;
      let next: number;
      if (cr === -1 || (lf !== -1 && lf < cr)) {
        end = lf;
        next = lf + 1;
      } else {
        end = cr;
        next = cr + 1;
        if (next === text.length) this.afterCR = true;
        else if (text.charCodeAt(next) === LF) next++;
      }
      if (this.partial.length === 0) {
        this.line(text, pos, end);
      } else {
        const line = this.partial + text.slice(pos, end);
        this.partial = '';
        this.line(line, 0, line.length);
      }
      pos = next;
      if (lf !== -1 && lf < pos) lf = text.indexOf('\n', pos);
      if (cr !== -1 && cr < pos) cr = text.indexOf('\r', pos);
    }
    if (pos < text.length) this.partial += pos === 0 ? text : text.slice(pos);
  }

  private line(buf: string, start: number, end: number): void {
    if (start === end) return this.dispatch();
    if (buf.charCodeAt(start) === COLON) return;
    this.inEvent = true;
    let nameEnd = buf.indexOf(':', start);
    let valueStart: number;
    if (nameEnd === -1 || nameEnd >= end) {
      nameEnd = end;
      valueStart = end;
    } else {
      valueStart = nameEnd + 1;
      if (valueStart < end && buf.charCodeAt(valueStart) === SPACE) valueStart++;
    }
    switch (nameEnd - start) {
      case 4:
        if (buf.startsWith('data', start)) {
          const value = buf.slice(valueStart, end);
          this.data = this.hasData ? `${this.data}\n${value}` : value;
          this.hasData = true;
        }
        return;
      case 5:
        if (buf.startsWith('event', start)) this.eventType = buf.slice(valueStart, end);
        else if (buf.startsWith('retry', start)) this.readRetry(buf, valueStart, end);
        return;
      case 2:
        if (buf.startsWith('id', start)) {
          const value = buf.slice(valueStart, end);
          if (!value.includes('\0')) this.id = value;
        }
        return;
    }
  }

  private readRetry(buf: string, start: number, end: number): void {
    if (start === end) return;
    for (let i = start; i < end; i++) {
      const c = buf.charCodeAt(i);
      if (c < DIGIT_0 || c > DIGIT_9) return;
    }
    this.retry = Number(buf.slice(start, end));
  }

  private dispatch(): void {
    const event: SseEvent | undefined = this.hasData
      ? { event: this.eventType || undefined, data: this.data, id: this.id, retry: this.retry }
      : undefined;
    this.inEvent = false;
    this.hasData = false;
    this.data = '';
    this.eventType = '';
    this.id = undefined;
    this.retry = undefined;
    if (event) this.onEvent(event);
  }
}

/**
 * The events of a streamed body (undici body, fetch body, any Readable of bytes).
 * Throws a 502 GatewayError if the body ends in the middle of an event, so a cut upstream
 * stream surfaces as an error instead of a silently short answer.
 */
export async function* readSse(body: AsyncIterable<Uint8Array | string>): AsyncGenerator<SseEvent, void, undefined> {
  const ready: SseEvent[] = [];
  const parser = new SseParser((event) => {
    ready.push(event);
  });
  for await (const chunk of body) {
    parser.push(chunk);
    for (const event of ready) yield event;
    ready.length = 0;
  }
  if (parser.end().truncated) {
    throw new GatewayError(502, 'upstream_stream_truncated', 'The upstream event stream ended in the middle of an event');
  }
}
