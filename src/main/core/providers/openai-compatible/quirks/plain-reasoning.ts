/**
 * Reasoning text without a signature (DeepSeek's `reasoning_content`, Magistral's thinking
 * chunks) in OpenRouter's shape: `reasoning` plus one `reasoning_details` item of format
 * "unknown", which is what OpenRouter labels reasoning it has no provider format for
 * (https://openrouter.ai/docs/use-cases/reasoning-tokens). One answer has one such block, so
 * streamed pieces all carry index 0 and merge into it.
 */
import type { JsonObject } from '../../provider-adapter.js';

const PLAIN_REASONING_FORMAT = 'unknown';

/** Sets `reasoning` and `reasoning_details` on a message or delta that has neither. */
export function surfaceReasoning(holder: JsonObject, text: string): void {
  if (holder.reasoning === undefined || holder.reasoning === null) holder.reasoning = text;
  if (holder.reasoning_details === undefined || holder.reasoning_details === null) {
    holder.reasoning_details = [{ type: 'reasoning.text', text, format: PLAIN_REASONING_FORMAT, index: 0 }];
  }
}

/** The reasoning text of a client's assistant message, whichever field carries it. */
export function reasoningTextOf(message: JsonObject): string | undefined {
  for (const field of ['reasoning_content', 'reasoning'] as const) {
    const value = message[field];
    if (typeof value === 'string' && value !== '') return value;
  }
  const details = message.reasoning_details;
  if (!Array.isArray(details)) return undefined;
  const text = details
    .map((detail: unknown) => {
      if (typeof detail !== 'object' || detail === null) return '';
      const { type, text: detailText, summary } = detail as { type?: unknown; text?: unknown; summary?: unknown };
      if (type === 'reasoning.text' && typeof detailText === 'string') return detailText;
      if (type === 'reasoning.summary' && typeof summary === 'string') return summary;
      return '';
    })
    .join('');
  return text === '' ? undefined : text;
}
