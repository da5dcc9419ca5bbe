import type { AnthropicMessagesRequest } from '../../src/main/core/protocol/anthropic-wire.js';
import { SseParser } from '../../src/main/core/protocol/sse.js';
import type { Recording } from './fixtures.js';

// Readers for recorded Anthropic Messages API traffic, typed as far as the tests look into it.

export interface RecordedUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
}

export interface RecordedBlock {
  type: string;
  text?: string;
  thinking?: string;
  signature?: string;
  data?: string;
  id?: string;
  name?: string;
  input?: unknown;
}

export interface RecordedMessage {
  id: string;
  model: string;
  content: RecordedBlock[];
  stop_reason: string;
  usage: RecordedUsage;
}

export interface StreamEventJson {
  type: string;
  index?: number;
  message?: RecordedMessage;
  content_block?: RecordedBlock;
  delta?: { type?: string; text?: string; thinking?: string; signature?: string; partial_json?: string; stop_reason?: string };
  usage?: Partial<RecordedUsage>;
}

export const requestOf = (rec: Recording) => JSON.parse(rec.request.body) as AnthropicMessagesRequest;
export const messageOf = (rec: Recording) => JSON.parse(rec.response.body) as RecordedMessage;

/** The data payloads of a recorded Anthropic SSE body. */
export function recordedEvents(sse: string): StreamEventJson[] {
  const events: StreamEventJson[] = [];
  const parser = new SseParser((e) => events.push(JSON.parse(e.data) as StreamEventJson));
  parser.push(sse);
  parser.end();
  return events;
}

export function recordedDeltas(events: StreamEventJson[], type: string, field: 'text' | 'thinking' | 'partial_json' | 'signature'): string {
  return events
    .filter((e) => e.type === 'content_block_delta' && e.delta?.type === type)
    .map((e) => e.delta?.[field] ?? '')
    .join('');
}

/** Cumulative stream usage: message_start's counts, replaced by any present in message_delta. */
export function recordedStreamUsage(events: StreamEventJson[]): RecordedUsage {
  const start = events.find((e) => e.type === 'message_start')?.message?.usage;
  const delta = events.find((e) => e.type === 'message_delta')?.usage ?? {};
  if (!start) throw new Error('recording has no message_start');
  return { ...start, ...Object.fromEntries(Object.entries(delta).filter(([, v]) => v !== undefined && v !== null)) };
}
