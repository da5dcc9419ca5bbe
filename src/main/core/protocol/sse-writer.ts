import type { SseEvent } from './sse-reader.js';

const LINE_BREAK = /\r\n|\r|\n/g;

export const SSE_HEADERS = Object.freeze({
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
  // nginx and similar proxies buffer responses unless told not to, which stalls the stream.
  'x-accel-buffering': 'no',
});

export const SSE_DONE = 'data: [DONE]\n\n';

/** `data: …` then the blank line; line breaks inside `data` become separate data lines. */
export function sseData(data: string): string {
  return `${dataLines(data)}\n`;
}

export function sseEvent(event: string, data: string): string {
  return `event: ${singleLine('event', event)}\n${dataLines(data)}\n`;
}

/** A comment such as a keep-alive: readers ignore it, proxies see traffic. */
export function sseComment(text: string): string {
  return `: ${text.replace(LINE_BREAK, '\n: ')}\n\n`;
}

/** Any event with its optional id, event name and retry; an empty event name is the default one. */
export function sseMessage(message: SseEvent): string {
  let out = '';
  if (message.id !== undefined) {
    if (message.id.includes('\0')) throw new TypeError('SSE id must not contain NUL');
    out += `id: ${singleLine('id', message.id)}\n`;
  }
  if (message.event) out += `event: ${singleLine('event', message.event)}\n`;
  if (message.retry !== undefined) {
    if (!Number.isSafeInteger(message.retry) || message.retry < 0) {
      throw new RangeError(`SSE retry must be a non-negative integer, got ${message.retry}`);
    }
    out += `retry: ${message.retry}\n`;
  }
  return `${out}${dataLines(message.data)}\n`;
}

function dataLines(data: string): string {
  // JSON payloads never hold raw line breaks, so the usual case is a single concatenation.
  if (!data.includes('\n') && !data.includes('\r')) return `data: ${data}\n`;
  return `data: ${data.replace(LINE_BREAK, '\ndata: ')}\n`;
}

function singleLine(field: string, value: string): string {
  if (value.includes('\n') || value.includes('\r')) throw new TypeError(`SSE ${field} must be a single line`);
  return value;
}
