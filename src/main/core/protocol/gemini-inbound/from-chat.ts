/**
 * The gateway's internal (chat/completions) answer of a target that is not Google's, as
 * Gemini's GenerateContentResponse: whole for generateContent, chunk by chunk for
 * streamGenerateContent. Reasoning comes back as thought parts; reasoning a target signed
 * rides in the last thought part's `thoughtSignature`, which Gemini clients send back verbatim.
 * A function call is one whole part in Gemini's streams, so streamed arguments are gathered
 * and the call sent once complete.
 */
import type { GatewayError } from '../../../../shared/errors.js';
import { chatCompletionSchema, readChatChunk, type ChatChunkDelta } from '../anthropic-inbound/openai-output.js';
import { invalidUpstream } from '../anthropic-inbound/upstream-json.js';
import type { ReasoningDetailInput } from '../openai-chat-request.js';
import { encryptedContentOf, ReasoningDetails } from '../responses/reasoning-carrier.js';
import { parseOpenAiUsage, type TokenUsage } from '../token-usage.js';

type JsonObject = Record<string, unknown>;

export interface GeminiAnswerContext {
  /** The generation id, which is the responseId the client sees. */
  id: string;
  model: string;
  providerId: string;
}

/** Chat's finish reason in Gemini's words. */
function finishReasonOf(reason: string | null): string {
  switch (reason) {
    case 'length':
      return 'MAX_TOKENS';
    case 'content_filter':
      return 'SAFETY';
    case 'error':
      return 'OTHER';
    default:
      return 'STOP';
  }
}

/** Gemini's usage semantics match OpenAI's but for thoughts, which are counted apart from candidates. */
export function usageMetadataOf(usage: TokenUsage | undefined, cost: number | null): JsonObject {
  const u = usage ?? { promptTokens: 0, completionTokens: 0, cachedTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 };
  const meta: JsonObject = {
    promptTokenCount: u.promptTokens,
    candidatesTokenCount: Math.max(0, u.completionTokens - u.reasoningTokens),
    totalTokenCount: u.promptTokens + u.completionTokens,
    cost,
  };
  if (u.reasoningTokens > 0) meta.thoughtsTokenCount = u.reasoningTokens;
  if (u.cachedTokens > 0) meta.cachedContentTokenCount = u.cachedTokens;
  return meta;
}

function args(text: string | null | undefined, name: string, providerId: string): unknown {
  if (!text?.trim()) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw invalidUpstream(providerId, `arguments for tool "${name}" that are not JSON`);
  }
}

function thoughtParts(summary: string, details: readonly ReasoningDetailInput[]): JsonObject[] {
  const signed = details.some((d) => d.signature || d.data);
  if (summary === '' && !signed) return [];
  const part: JsonObject = { text: summary, thought: true };
  if (signed) part.thoughtSignature = encryptedContentOf(details);
  return [part];
}

function chunkOf(ctx: GeminiAnswerContext, parts: JsonObject[], finish?: { reason: string | null; usage: JsonObject }): JsonObject {
  const candidate: JsonObject = { content: { role: 'model', parts }, index: 0 };
  if (finish) candidate.finishReason = finishReasonOf(finish.reason);
  const out: JsonObject = { candidates: [candidate], modelVersion: ctx.model, responseId: ctx.id };
  if (finish) out.usageMetadata = finish.usage;
  return out;
}

export function geminiResponseOf(
  json: unknown,
  ctx: GeminiAnswerContext & { usage: TokenUsage | undefined; cost: number | null; finishReason: string | null },
): JsonObject {
  const parsed = chatCompletionSchema.safeParse(json);
  const choice = parsed.success ? parsed.data.choices[0] : undefined;
  if (!choice) throw invalidUpstream(ctx.providerId, 'an answer that is not a chat completion');
  const { message } = choice;
  const details = message.reasoning_details ?? [];
  const summary = details.length > 0 ? details.map((d) => d.text ?? d.summary ?? '').join('') : (message.reasoning ?? message.reasoning_content ?? '');
  const parts = thoughtParts(summary, details);
  const text = typeof message.content === 'string' ? message.content : (message.content ?? []).map((p) => p.text ?? '').join('');
  if (text || message.refusal) parts.push({ text: text || message.refusal });
  for (const call of message.tool_calls ?? []) {
    const { name } = call.function;
    const functionCall: JsonObject = { name, args: args(call.function.arguments, name, ctx.providerId) };
    if (call.id) functionCall.id = call.id;
    parts.push({ functionCall });
  }
  return chunkOf(ctx, parts, { reason: ctx.finishReason, usage: usageMetadataOf(ctx.usage, ctx.cost) });
}

interface PendingCall {
  id: string | undefined;
  name: string;
  args: string;
}

/** chat.completion.chunk JSON texts -> GenerateContentResponse chunks. */
export class GeminiStreamTranslator {
  usage: TokenUsage | undefined;
  finishReason: string | null = null;
  failure: GatewayError | undefined;
  private readonly calls = new Map<number, PendingCall>();
  private readonly reasoning = new ReasoningDetails();

  constructor(private readonly ctx: GeminiAnswerContext) {}

  push(data: string): JsonObject[] {
    const { chunk, failure } = readChatChunk(data, this.ctx.providerId);
    if (failure) {
      this.failure = failure;
      return [];
    }
    this.usage = parseOpenAiUsage(chunk.usage) ?? this.usage;
    const choice = chunk.choices?.[0];
    if (choice?.finish_reason) this.finishReason = choice.finish_reason;
    const parts = choice?.delta ? this.parts(choice.delta) : [];
    return parts.length > 0 ? [chunkOf(this.ctx, parts)] : [];
  }

  /** The last chunk: calls still gathering, signed reasoning, the finish reason and the usage. */
  finish(cost: number | null): JsonObject[] {
    const parts = thoughtParts('', this.reasoning.details);
    for (const call of this.calls.values()) parts.push(this.callPart(call));
    this.calls.clear();
    return [chunkOf(this.ctx, parts, { reason: this.finishReason, usage: usageMetadataOf(this.usage, cost) })];
  }

  private parts(delta: ChatChunkDelta): JsonObject[] {
    const parts: JsonObject[] = [];
    if (delta.reasoning_details?.length) {
      for (const detail of delta.reasoning_details) {
        this.reasoning.add(detail);
        const text = detail.type === 'reasoning.summary' ? detail.summary : detail.type === 'reasoning.text' ? detail.text : undefined;
        if (text) parts.push({ text, thought: true });
      }
    } else {
      const reasoning = delta.reasoning || delta.reasoning_content;
      if (reasoning) parts.push({ text: reasoning, thought: true });
    }
    const text = (delta.content ?? '') + (delta.refusal ?? '');
    if (text) parts.push({ text });
    for (const call of delta.tool_calls ?? []) {
      const pending = this.calls.get(call.index);
      if (pending) {
        pending.args += call.function?.arguments ?? '';
        continue;
      }
      // A new call means the earlier ones are complete.
      for (const [index, done] of this.calls) {
        parts.push(this.callPart(done));
        this.calls.delete(index);
      }
      this.calls.set(call.index, { id: call.id ?? undefined, name: call.function?.name ?? '', args: call.function?.arguments ?? '' });
    }
    return parts;
  }

  private callPart(call: PendingCall): JsonObject {
    const functionCall: JsonObject = { name: call.name, args: args(call.args, call.name, this.ctx.providerId) };
    if (call.id) functionCall.id = call.id;
    return { functionCall };
  }
}
