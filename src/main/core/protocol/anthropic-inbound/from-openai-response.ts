/** An OpenAI chat completion as an Anthropic Messages API answer. */
import type { TokenUsage } from '../token-usage.js';
import { anthropicUsageOf, matchedStopSequence, newToolUseId, stopReasonOf, type AnthropicUsageOut, type StopReason } from './message-parts.js';
import { chatCompletionSchema, type ChatCompletion } from './openai-output.js';
import { thinkingBlockOf, type ThinkingBlockOut } from './reasoning-blocks.js';
import { invalidUpstream } from './upstream-json.js';

export type ContentBlockOut =
  | ThinkingBlockOut
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

export interface AnthropicMessageOut {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: ContentBlockOut[];
  stop_reason: StopReason;
  stop_sequence: string | null;
  usage: AnthropicUsageOut;
}

export interface MessageContext {
  /** The generation id, which is the message id the client sees. */
  id: string;
  /** The model id the client asked for (or the fallback that served it). */
  model: string;
  providerId: string;
  stopSequences: readonly string[];
  usage: TokenUsage | undefined;
  cost: number | null;
}

type CompletionMessage = ChatCompletion['choices'][number]['message'];

function thinkingBlocks(message: CompletionMessage): ThinkingBlockOut[] {
  if (message.reasoning_details?.length) {
    return message.reasoning_details.flatMap((detail) => thinkingBlockOf(detail) ?? []);
  }
  const text = message.reasoning || message.reasoning_content;
  return text ? [{ type: 'thinking', thinking: text, signature: '' }] : [];
}

function textOf(content: CompletionMessage['content']): string {
  if (typeof content === 'string') return content;
  return (content ?? []).map((part) => part.text ?? '').join('');
}

/** Anthropic's `input` is an object; an empty argument string means a call without arguments. */
function toolInput(args: string | null | undefined, name: string, providerId: string): Record<string, unknown> {
  if (!args?.trim()) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(args);
  } catch {
    throw invalidUpstream(providerId, `arguments for tool "${name}" that are not JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalidUpstream(providerId, `arguments for tool "${name}" that are not a JSON object`);
  }
  return parsed as Record<string, unknown>;
}

export function anthropicMessageOf(json: unknown, ctx: MessageContext): AnthropicMessageOut {
  const parsed = chatCompletionSchema.safeParse(json);
  const choice = parsed.success ? parsed.data.choices[0] : undefined;
  if (!choice) throw invalidUpstream(ctx.providerId, 'an answer that is not a chat completion');
  const { message } = choice;

  const content: ContentBlockOut[] = thinkingBlocks(message);
  const text = textOf(message.content) || (message.refusal ?? '');
  if (text) content.push({ type: 'text', text });
  for (const call of message.tool_calls ?? []) {
    const name = call.function.name;
    content.push({ type: 'tool_use', id: call.id || newToolUseId(), name, input: toolInput(call.function.arguments, name, ctx.providerId) });
  }

  const stopSequence = matchedStopSequence(choice.stop_reason, ctx.stopSequences);
  // OpenAI answers a refusal with finish_reason "stop" and the explanation in `refusal`.
  const stopReason = message.refusal && !message.content ? 'refusal' : stopReasonOf(choice.finish_reason, stopSequence);
  return {
    id: ctx.id,
    type: 'message',
    role: 'assistant',
    model: ctx.model,
    content,
    stop_reason: stopReason,
    stop_sequence: stopReason === 'stop_sequence' ? stopSequence : null,
    usage: { ...anthropicUsageOf(ctx.usage), cost: ctx.cost },
  };
}
