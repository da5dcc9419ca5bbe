/**
 * Reasoning a non-OpenAI model returned (Anthropic thinking signatures, Gemini thought
 * signatures, OpenRouter's `reasoning_details`) rides in a Responses reasoning item's
 * `encrypted_content`, the one field Responses clients (Codex) send back verbatim on the next
 * turn, so the target gets its own reasoning back. OpenAI's own encrypted content, sent to a
 * model that is not OpenAI's, is unreadable there and is dropped.
 */
import { z } from 'zod';
import { reasoningDetailInputSchema, type ReasoningDetailInput } from '../openai-chat-request.js';

const CARRIER_PREFIX = 'swyd-rd1.';

const carriedSchema = z.array(reasoningDetailInputSchema);

export function encryptedContentOf(details: readonly ReasoningDetailInput[]): string {
  return CARRIER_PREFIX + Buffer.from(JSON.stringify(details)).toString('base64url');
}

export function detailsOfEncryptedContent(encrypted: string | null | undefined): ReasoningDetailInput[] {
  if (!encrypted?.startsWith(CARRIER_PREFIX)) return [];
  try {
    const decoded: unknown = JSON.parse(Buffer.from(encrypted.slice(CARRIER_PREFIX.length), 'base64url').toString('utf8'));
    return carriedSchema.safeParse(decoded).data ?? [];
  } catch {
    return [];
  }
}

/** Streamed reasoning detail pieces merged into whole details: pieces of one block share type and index. */
export class ReasoningDetails {
  readonly details: ReasoningDetailInput[] = [];

  add(piece: ReasoningDetailInput): void {
    const same = this.details.find((d) => d.type === piece.type && (d.index ?? null) === (piece.index ?? null) && piece.index != null);
    if (!same) {
      this.details.push({ ...piece });
      return;
    }
    if (piece.text) same.text = (same.text ?? '') + piece.text;
    if (piece.summary) same.summary = (same.summary ?? '') + piece.summary;
    for (const key of ['data', 'signature', 'format', 'id'] as const) if (piece[key]) same[key] = piece[key];
  }
}
