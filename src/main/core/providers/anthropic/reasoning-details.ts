/**
 * Anthropic thinking blocks <-> OpenRouter's `reasoning_details`
 * (https://openrouter.ai/docs/use-cases/reasoning-tokens): the signatures ride along so a
 * client can send the reasoning back on the next turn, as tool use with thinking requires.
 */
import type { AnthropicRedactedThinkingBlock, AnthropicThinkingBlock } from '../../protocol/anthropic-wire.js';
import type { ReasoningDetailInput } from '../../protocol/openai-chat-request.js';

export const ANTHROPIC_REASONING_FORMAT = 'anthropic-claude-v1';

export interface ReasoningTextDetail {
  type: 'reasoning.text';
  text?: string;
  signature?: string;
  format: typeof ANTHROPIC_REASONING_FORMAT;
  index: number;
}

export interface ReasoningEncryptedDetail {
  type: 'reasoning.encrypted';
  data: string;
  format: typeof ANTHROPIC_REASONING_FORMAT;
  index: number;
}

export type ReasoningDetail = ReasoningTextDetail | ReasoningEncryptedDetail;

export type ThinkingBlock = AnthropicThinkingBlock | AnthropicRedactedThinkingBlock;

/** `index` numbers the reasoning blocks of one answer, in order. */
export function reasoningDetailOf(block: ThinkingBlock, index: number): ReasoningDetail {
  if (block.type === 'redacted_thinking') {
    return { type: 'reasoning.encrypted', data: block.data, format: ANTHROPIC_REASONING_FORMAT, index };
  }
  const detail: ReasoningTextDetail = { type: 'reasoning.text', text: block.thinking, format: ANTHROPIC_REASONING_FORMAT, index };
  if (block.signature) detail.signature = block.signature;
  return detail;
}

/**
 * The thinking blocks to replay from an assistant message's `reasoning_details`. Streamed
 * details arrive in pieces sharing an `index` (text deltas, then the signature), so pieces with
 * the same index are joined. Only Anthropic's own reasoning can be replayed: details from
 * another provider's format, or thinking without a signature, would be rejected upstream.
 */
export function thinkingBlocksFrom(details: readonly ReasoningDetailInput[]): ThinkingBlock[] {
  const merged: ReasoningDetailInput[] = [];
  const byIndex = new Map<number, ReasoningDetailInput>();
  for (const detail of details) {
    if (detail.format && detail.format !== ANTHROPIC_REASONING_FORMAT) continue;
    const index = detail.index ?? undefined;
    const previous = index === undefined ? undefined : byIndex.get(index);
    if (previous && previous.type === detail.type) {
      previous.text = (previous.text ?? '') + (detail.text ?? '');
      previous.data = (previous.data ?? '') + (detail.data ?? '');
      previous.signature = detail.signature || previous.signature;
      continue;
    }
    const copy = { ...detail };
    merged.push(copy);
    if (index !== undefined) byIndex.set(index, copy);
  }
  return merged.flatMap((detail): ThinkingBlock[] => {
    if (detail.type === 'reasoning.encrypted' && detail.data) return [{ type: 'redacted_thinking', data: detail.data }];
    if (detail.type === 'reasoning.text' && detail.signature) {
      return [{ type: 'thinking', thinking: detail.text ?? '', signature: detail.signature }];
    }
    return [];
  });
}
