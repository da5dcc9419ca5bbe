import { GatewayError } from '../../../../shared/errors.js';
import type { RedactionSettings } from '../../../../shared/privacy.js';
import type { JsonObject } from '../../providers/provider-adapter.js';
import { detect, DetectorError } from './detect.js';
import { maskFor, placeholderFor } from './placeholders.js';

/** Where prompt text lives in OpenAI (chat and Responses), Anthropic and Gemini request bodies. */
const CONTENT_FIELDS = ['messages', 'system', 'prompt', 'input', 'instructions', 'systemInstruction', 'system_instruction', 'contents'] as const;
/** Gemini's countTokens may carry a whole generateContent request, its text in the same fields. */
const NESTED_REQUEST = 'generateContentRequest';
/** Keys that hold structure or opaque tokens the upstream must get back as it made them, not text a user wrote. */
const STRUCTURE_KEYS = new Set([
  'role', 'type', 'id', 'tool_call_id', 'tool_use_id', 'call_id', 'name', 'cache_control', 'media_type', 'signature', 'model',
  'encrypted_content', 'thoughtSignature', 'thought_signature',
]);
/** Parts that carry images, audio or files: they cannot be inspected, so they are passed or refused by setting. */
const ATTACHMENT_TYPES = new Set(['image_url', 'input_audio', 'file', 'image', 'document', 'input_image', 'input_file', 'video_url']);
/** Gemini's parts are typed by their one key, not by `type`. */
const ATTACHMENT_KEYS = ['inlineData', 'inline_data', 'fileData', 'file_data'] as const;
const SEPARATOR = '\n\n';

interface Slot {
  text: string;
  set(value: string): void;
}

export interface Redaction {
  /** Placeholder → original value: lives in this request's memory only, never logged. */
  values: Map<string, string>;
  counts: Record<string, number>;
  attachmentsPassed: number;
}

function collect(value: unknown, set: (v: string) => void, slots: Slot[], attachments: { count: number }): void {
  if (typeof value === 'string') {
    if (value.length > 0) slots.push({ text: value, set });
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => collect(item, (v) => (value[i] = v), slots, attachments));
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const obj = value as JsonObject;
  if ((typeof obj.type === 'string' && ATTACHMENT_TYPES.has(obj.type)) || ATTACHMENT_KEYS.some((key) => key in obj)) {
    attachments.count++;
    return;
  }
  for (const key of Object.keys(obj)) {
    if (!STRUCTURE_KEYS.has(key)) collect(obj[key], (v) => (obj[key] = v), slots, attachments);
  }
}

/**
 * Redacts the prompt text of `body` in place before it leaves: every detected value becomes a
 * placeholder (reversible: the same value gets the same placeholder, numbered by first
 * appearance in the conversation, so every turn of a conversation agrees without any stored
 * state) or a mask (one way). All text is scanned in one pass. A detector error refuses the
 * request (fail closed); attachments are refused or passed on as the settings say, never silently.
 */
export async function redactRequest(body: JsonObject, settings: RedactionSettings): Promise<Redaction> {
  const slots: Slot[] = [];
  const attachments = { count: 0 };
  const nested = body[NESTED_REQUEST];
  const holders = typeof nested === 'object' && nested !== null && !Array.isArray(nested) ? [body, nested as JsonObject] : [body];
  for (const holder of holders) {
    for (const field of CONTENT_FIELDS) collect(holder[field], (v) => (holder[field] = v), slots, attachments);
  }
  if (attachments.count > 0 && settings.attachments === 'block') {
    throw new GatewayError(400, 'attachment_blocked',
      `This app key redacts prompts before they leave, and images, audio and files cannot be inspected: the request carries ${attachments.count} attachment(s). Remove them, or set the key's redaction attachments to "pass".`,
      { attachments: attachments.count });
  }
  const text = slots.map((s) => s.text).join(SEPARATOR);
  let findings;
  try {
    findings = await detect(text, settings);
  } catch (err) {
    const detector = err instanceof DetectorError ? err.detector : 'redaction';
    throw new GatewayError(500, 'redaction_failed',
      `Redaction failed (${err instanceof Error ? err.message : String(err)}), so the request was not sent: nothing left this machine.`,
      { detector });
  }

  const values = new Map<string, string>();
  const byValue = new Map<string, string>();
  const numbers: Record<string, number> = {};
  const counts: Record<string, number> = {};
  let offset = 0;
  let next = 0;
  for (const slot of slots) {
    const start = offset;
    const end = start + slot.text.length;
    offset = end + SEPARATOR.length;
    let out = '';
    let from = start;
    while (next < findings.length && (findings[next]?.start ?? Infinity) < end) {
      const f = findings[next++]!;
      // A match across two fields is not one value: leave it.
      if (f.end > end || f.start < start) continue;
      const value = text.slice(f.start, f.end);
      counts[f.kind] = (counts[f.kind] ?? 0) + 1;
      let replacement: string;
      if (settings.mode === 'reversible') {
        replacement = byValue.get(value) ?? placeholderFor(f.kind, (numbers[f.kind] = (numbers[f.kind] ?? 0) + 1));
        byValue.set(value, replacement);
        values.set(replacement, value);
      } else replacement = maskFor(f.kind);
      out += text.slice(from, f.start) + replacement;
      from = f.end;
    }
    if (from !== start) slot.set(out + text.slice(from, end));
  }
  return { values, counts, attachmentsPassed: attachments.count };
}
