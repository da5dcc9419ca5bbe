import type { SseEvent } from '../../protocol/sse.js';
import type { JsonObject, StreamMapper } from '../../providers/provider-adapter.js';
import { asJsonStringContent, asText, TextRestorer, type Encode } from './placeholders.js';

/** Fields whose string is JSON text (tool-call arguments): a restored value is escaped for it. */
const JSON_TEXT_FIELDS = new Set(['arguments', 'partial_json']);

export const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Restores placeholders in an upstream's own event stream relayed as it comes (Anthropic to
 * /v1/messages, OpenAI Responses, Gemini): each event in gives the events to send, and what is
 * still held back when the stream ends comes out of `end`.
 */
export interface EventRestorer {
  event(event: SseEvent): SseEvent[];
  end(): SseEvent[];
}

/** Restores every placeholder in a JSON answer (OpenAI or Anthropic shape), in place. */
export function restoreJsonBody(value: unknown, values: ReadonlyMap<string, string>): void {
  const walk = (holder: JsonObject | unknown[], key: string | number) => {
    const v = (holder as Record<string | number, unknown>)[key];
    if (typeof v === 'string') {
      if (!v.includes('[[')) return;
      const restorer = new TextRestorer(values, JSON_TEXT_FIELDS.has(String(key)) ? asJsonStringContent : asText);
      (holder as Record<string | number, unknown>)[key] = restorer.push(v) + restorer.flush();
    } else if (Array.isArray(v)) v.forEach((_, i) => walk(v, i));
    else if (isObject(v)) for (const k of Object.keys(v)) walk(v, k);
  };
  walk({ value }, 'value');
}

/** One restorer per streamed field (per choice, per tool call, per content block). */
export class FieldRestorers {
  private readonly byField = new Map<string, { restorer: TextRestorer; owner: string; field: string }>();

  constructor(private readonly values: ReadonlyMap<string, string>) {}

  get holding(): boolean {
    for (const r of this.byField.values()) if (r.restorer.holding) return true;
    return false;
  }

  push(owner: string, field: string, text: string, encode: Encode): string {
    const id = `${owner}\u0000${field}`;
    let entry = this.byField.get(id);
    if (!entry) this.byField.set(id, (entry = { restorer: new TextRestorer(this.values, encode), owner, field }));
    return entry.restorer.push(text);
  }

  /** The held-back tails of one owner's fields, as [field, text] pairs. */
  flush(owner: string): [string, string][] {
    const out: [string, string][] = [];
    for (const entry of this.byField.values()) {
      if (entry.owner !== owner) continue;
      const rest = entry.restorer.flush();
      if (rest) out.push([entry.field, rest]);
    }
    return out;
  }

  owners(): string[] {
    return [...new Set([...this.byField.values()].filter((e) => e.restorer.holding).map((e) => e.owner))];
  }
}

const DELTA_TEXT_FIELDS = ['content', 'reasoning', 'reasoning_content', 'refusal'] as const;
const TOOL_FIELD = 'tool:';

/**
 * Restores placeholders in an OpenAI chunk stream, whatever the chunk boundaries: text held back
 * at the end of a chunk goes out with the next one, or with the chunk that finishes the choice,
 * or in a chunk of its own when the stream ends. Chunks with no `[` pass untouched while nothing
 * is held back (no parse on the hot path).
 */
export function restoringMapper(mapper: StreamMapper, values: ReadonlyMap<string, string>): StreamMapper {
  const fields = new FieldRestorers(values);
  let template: JsonObject | undefined;

  const restoreChunk = (data: string): string => {
    if (!data.includes('[') && !fields.holding) return data;
    let chunk: unknown;
    try {
      chunk = JSON.parse(data);
    } catch {
      return data;
    }
    if (!isObject(chunk) || !Array.isArray(chunk.choices)) return data;
    template = chunk;
    for (const choice of chunk.choices) {
      if (!isObject(choice)) continue;
      const owner = String(choice.index ?? 0);
      const delta = isObject(choice.delta) ? choice.delta : (choice.delta = {});
      for (const field of DELTA_TEXT_FIELDS) {
        const text = delta[field];
        if (typeof text === 'string') delta[field] = fields.push(owner, field, text, asText);
      }
      if (Array.isArray(delta.tool_calls)) {
        for (const call of delta.tool_calls) {
          const fn = isObject(call) && isObject(call.function) ? call.function : undefined;
          if (fn && typeof fn.arguments === 'string') fn.arguments = fields.push(owner, `${TOOL_FIELD}${String(call.index ?? 0)}`, fn.arguments, asJsonStringContent);
        }
      }
      if (choice.finish_reason) addTails(delta, fields.flush(owner));
    }
    return JSON.stringify(chunk);
  };

  const restored: StreamMapper = {
    onEvent: (event) => mapper.onEvent(event).map(restoreChunk),
    onEnd: () => {
      const out = mapper.onEnd().map(restoreChunk);
      const owners = fields.owners();
      if (owners.length > 0 && template) {
        const choices = owners.map((owner) => {
          const delta: JsonObject = {};
          addTails(delta, fields.flush(owner));
          return { index: Number(owner), delta, finish_reason: null };
        });
        out.push(JSON.stringify({ id: template.id, object: template.object, created: template.created, model: template.model, choices }));
      }
      return out;
    },
  };
  if (mapper.usageSoFar) restored.usageSoFar = mapper.usageSoFar.bind(mapper);
  return restored;
}

function addTails(delta: JsonObject, tails: [string, string][]): void {
  for (const [field, text] of tails) {
    if (field.startsWith(TOOL_FIELD)) {
      const calls = Array.isArray(delta.tool_calls) ? delta.tool_calls : (delta.tool_calls = []);
      calls.push({ index: Number(field.slice(TOOL_FIELD.length)), function: { arguments: text } });
    } else delta[field] = `${typeof delta[field] === 'string' ? delta[field] : ''}${text}`;
  }
}

const ANTHROPIC_DELTA_FIELDS: Record<string, { field: string; encode: Encode }> = {
  text_delta: { field: 'text', encode: asText },
  thinking_delta: { field: 'thinking', encode: asText },
  input_json_delta: { field: 'partial_json', encode: asJsonStringContent },
};

/**
 * The same for Anthropic's native event stream: deltas are restored per content block, and what
 * a block still holds back goes out as one more delta just before its content_block_stop.
 */
export function anthropicEventRestorer(values: ReadonlyMap<string, string>): EventRestorer {
  const fields = new FieldRestorers(values);
  const deltaTypes = new Map<string, string>();
  // A stream that ends without a block's content_block_stop was cut: it ends in an error.
  return { event: restoreEvent, end: () => [] };

  function restoreEvent(event: SseEvent): SseEvent[] {
    if (event.event !== 'content_block_delta' && event.event !== 'content_block_stop') return [event];
    if (!event.data.includes('[') && !fields.holding) return [event];
    const parsed: unknown = JSON.parse(event.data);
    if (!isObject(parsed)) return [event];
    const owner = String(parsed.index ?? 0);
    if (event.event === 'content_block_stop') {
      const tails = fields.flush(owner);
      const type = deltaTypes.get(owner);
      if (tails.length === 0 || !type) return [event];
      const field = ANTHROPIC_DELTA_FIELDS[type]!.field;
      const tail = { event: 'content_block_delta', data: JSON.stringify({ type: 'content_block_delta', index: parsed.index, delta: { type, [field]: tails[0]![1] } }) };
      return [tail, event];
    }
    const delta = isObject(parsed.delta) ? parsed.delta : undefined;
    const spec = delta && typeof delta.type === 'string' ? ANTHROPIC_DELTA_FIELDS[delta.type] : undefined;
    if (!delta || !spec || typeof delta[spec.field] !== 'string') return [event];
    deltaTypes.set(owner, delta.type as string);
    delta[spec.field] = fields.push(owner, spec.field, delta[spec.field] as string, spec.encode);
    return [{ ...event, data: JSON.stringify(parsed) }];
  }
}
