/**
 * OpenRouter `reasoning_details` <-> Anthropic thinking blocks, for models that are not
 * Anthropic's. Clients return a thinking block's `signature` and a redacted block's `data`
 * verbatim, so whatever a detail needs to be replayed besides its opaque string (its `format`,
 * and for Gemini the tool call `id` its signature belongs to) rides inside that string.
 * Anthropic's own signatures stay bare, so those blocks remain valid for an Anthropic model.
 */
import { z } from 'zod';
import type { ReasoningDetailInput } from '../openai-chat-request.js';

/** OpenRouter's format id for Anthropic reasoning: a bare signature is one of these. */
const ANTHROPIC_FORMAT = 'anthropic-claude-v1';
const CARRIER_PREFIX = 'swyd1.';

const carriedSchema = z.object({ value: z.string(), format: z.string().optional(), id: z.string().optional() });
type Carried = z.infer<typeof carriedSchema>;

function carry(value: string, detail: ReasoningDetailInput): string {
  const foreign = detail.format && detail.format !== ANTHROPIC_FORMAT;
  if (!foreign && !detail.id) return value;
  const carried: Carried = { value };
  if (detail.format) carried.format = detail.format;
  if (detail.id) carried.id = detail.id;
  return CARRIER_PREFIX + Buffer.from(JSON.stringify(carried)).toString('base64url');
}

function uncarry(opaque: string): Carried {
  if (!opaque.startsWith(CARRIER_PREFIX)) return { value: opaque, format: ANTHROPIC_FORMAT };
  try {
    const parsed = carriedSchema.safeParse(JSON.parse(Buffer.from(opaque.slice(CARRIER_PREFIX.length), 'base64url').toString()));
    if (parsed.success) return parsed.data;
  } catch {
    // Not ours after all: replayed as it came.
  }
  return { value: opaque, format: ANTHROPIC_FORMAT };
}

export type ThinkingBlockOut = { type: 'thinking'; thinking: string; signature: string } | { type: 'redacted_thinking'; data: string };

/**
 * One reasoning detail as a thinking block. Reasoning without a signature (DeepSeek's, a
 * summary) gets an empty one: Anthropic clients expect the field.
 */
export function thinkingBlockOf(detail: ReasoningDetailInput): ThinkingBlockOut | undefined {
  if (detail.type === 'reasoning.encrypted') {
    return detail.data ? { type: 'redacted_thinking', data: carry(detail.data, detail) } : undefined;
  }
  const text = (detail.type === 'reasoning.summary' ? detail.summary : detail.text) ?? '';
  if (!text && !detail.signature) return undefined;
  return { type: 'thinking', thinking: text, signature: detail.signature ? carry(detail.signature, detail) : '' };
}

/** A signature as it goes out in a stream's `signature_delta`. */
export function signatureOf(detail: ReasoningDetailInput & { signature: string }): string {
  return carry(detail.signature, detail);
}

/** OpenRouter's format label for reasoning that has no provider format (DeepSeek's `reasoning_content`). */
const PLAIN_REASONING_FORMAT = 'unknown';

/**
 * A thinking block sent back by the client as a `reasoning_details` item. Thinking without a
 * signature (DeepSeek's, sent out with an empty one) cannot be verified by any provider: it
 * comes back only when `keepUnsigned`, as plain text of format "unknown".
 */
export function reasoningDetailOf(
  block: { type: 'thinking'; thinking: string; signature: string } | { type: 'redacted_thinking'; data: string },
  index: number,
  keepUnsigned: boolean,
): Record<string, unknown> | undefined {
  const opaque = block.type === 'thinking' ? block.signature : block.data;
  if (!opaque) {
    if (!keepUnsigned || block.type !== 'thinking' || !block.thinking) return undefined;
    return { type: 'reasoning.text', text: block.thinking, format: PLAIN_REASONING_FORMAT, index };
  }
  const { value, format, id } = uncarry(opaque);
  const detail: Record<string, unknown> =
    block.type === 'thinking'
      ? { type: 'reasoning.text', text: block.thinking, signature: value }
      : { type: 'reasoning.encrypted', data: value };
  if (format) detail.format = format;
  if (id) detail.id = id;
  detail.index = index;
  return detail;
}
