/**
 * Placeholder restoration for the native streams of the coding-tool routes: OpenAI's Responses
 * events (to /v1/responses) and Gemini's streamed chunks (to /v1beta/models/…). Same core as the
 * chat and Anthropic restorers: one splitting-safe TextRestorer per streamed field.
 */
import type { SseEvent } from '../../protocol/sse.js';
import type { JsonObject } from '../../providers/provider-adapter.js';
import { asJsonStringContent, asText, type Encode } from './placeholders.js';
import { FieldRestorers, isObject, restoreJsonBody, type EventRestorer } from './restore-response.js';

/**
 * Every Responses event `<family>.delta` streams a text field in pieces (output text, refusals,
 * reasoning and its summaries, call arguments, …), closed by `<family>.done` carrying the whole
 * text. Arguments are JSON text: a value restored into them is escaped for it.
 */
const encodingOf = (family: string): Encode => (family.endsWith('arguments') ? asJsonStringContent : asText);
/** The fields that say which part a delta belongs to; the tail delta before a `.done` carries them too. */
const LOCATION_FIELDS = ['item_id', 'output_index', 'content_index', 'summary_index'] as const;

/** Restoration reads upstream events; one it cannot read is relayed as it came (its placeholders stay placeholders). */
function parseEvent(event: SseEvent): JsonObject | undefined {
  try {
    const parsed: unknown = JSON.parse(event.data);
    return isObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function streamedFamily(type: string | undefined, suffix: '.delta' | '.done'): string | undefined {
  return type?.endsWith(suffix) ? type.slice(0, -suffix.length) : undefined;
}

function ownerOf(family: string, event: JsonObject): string {
  return [family, ...LOCATION_FIELDS.map((field) => String(event[field] ?? ''))].join('|');
}

/**
 * OpenAI Responses events: every `*.delta` is restored per part; what a part still holds back goes
 * out as one more delta just before its `*.done`. Whole texts (`*.done`, output items, the final
 * response) are restored as they are.
 */
export function responsesEventRestorer(values: ReadonlyMap<string, string>): EventRestorer {
  const fields = new FieldRestorers(values);
  const restoreEvent = (event: SseEvent): SseEvent[] => {
    if (!event.data.includes('[') && !fields.holding) return [event];
    const parsed = parseEvent(event);
    if (!parsed) return [event];
    const type = typeof parsed.type === 'string' ? parsed.type : event.event;
    const delta = streamedFamily(type, '.delta');
    if (delta && typeof parsed.delta === 'string') {
      parsed.delta = fields.push(ownerOf(delta, parsed), 'delta', parsed.delta, encodingOf(delta));
      return [{ ...event, data: JSON.stringify(parsed) }];
    }
    const out: SseEvent[] = [];
    const done = streamedFamily(type, '.done');
    const tail = done ? fields.flush(ownerOf(done, parsed))[0]?.[1] : undefined;
    if (done && tail) {
      const tailEvent: JsonObject = { type: `${done}.delta`, sequence_number: parsed.sequence_number, delta: tail };
      for (const field of LOCATION_FIELDS) if (field in parsed) tailEvent[field] = parsed[field];
      out.push({ event: `${done}.delta`, data: JSON.stringify(tailEvent) });
    }
    restoreJsonBody(parsed, values);
    out.push({ ...event, data: JSON.stringify(parsed) });
    return out;
  };
  // A stream that ends without a part's `.done` (and the final response.completed) was cut: it ends in an error.
  return { event: restoreEvent, end: () => [] };
}

const GEMINI_TEXT = 'text';
const GEMINI_THOUGHT = 'thought';

function textPart(field: string, text: string): JsonObject {
  return field === GEMINI_THOUGHT ? { text, thought: true } : { text };
}

/** Puts held-back text after the last part of its kind (the text it ended), else first (text of earlier chunks). */
function insertTails(parts: unknown[], tails: [string, string][]): void {
  for (const [field, text] of tails) {
    let at = 0;
    parts.forEach((part, i) => {
      if (isObject(part) && typeof part.text === 'string' && (part.thought === true) === (field === GEMINI_THOUGHT)) at = i + 1;
    });
    parts.splice(at, 0, textPart(field, text));
  }
}

/**
 * Gemini's streamed chunks (SSE upstream, relayed as SSE or as the JSON array): text and thought
 * parts are restored per candidate across chunks; a candidate's held-back text goes out in the
 * chunk that finishes it, or in one more chunk when the stream ends. Function-call args arrive
 * whole and are restored as they are.
 */
export function geminiChunkRestorer(values: ReadonlyMap<string, string>): EventRestorer {
  const fields = new FieldRestorers(values);
  const restoreCandidate = (candidate: JsonObject) => {
    const owner = String(candidate.index ?? 0);
    const parts = isObject(candidate.content) && Array.isArray(candidate.content.parts) ? candidate.content.parts : undefined;
    for (const part of parts ?? []) {
      if (!isObject(part)) continue;
      if (typeof part.text === 'string') part.text = fields.push(owner, part.thought === true ? GEMINI_THOUGHT : GEMINI_TEXT, part.text, asText);
      else restoreJsonBody(part, values);
    }
    if (!candidate.finishReason) return;
    const tails = fields.flush(owner);
    if (tails.length === 0) return;
    if (parts) insertTails(parts, tails);
    else candidate.content = { ...(isObject(candidate.content) ? candidate.content : { role: 'model' }), parts: tails.map(([f, t]) => textPart(f, t)) };
  };
  return {
    event(event) {
      if (!event.data.includes('[') && !fields.holding) return [event];
      const parsed = parseEvent(event);
      if (!parsed || !Array.isArray(parsed.candidates)) return [event];
      for (const candidate of parsed.candidates) if (isObject(candidate)) restoreCandidate(candidate);
      return [{ ...event, data: JSON.stringify(parsed) }];
    },
    end() {
      const owners = fields.owners();
      if (owners.length === 0) return [];
      const candidates = owners.map((owner) => ({
        index: Number(owner),
        content: { role: 'model', parts: fields.flush(owner).map(([field, text]) => textPart(field, text)) },
      }));
      return [{ data: JSON.stringify({ candidates }) }];
    },
  };
}
