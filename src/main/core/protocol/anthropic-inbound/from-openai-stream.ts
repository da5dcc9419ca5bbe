/**
 * OpenAI chat.completion.chunk JSON texts -> the Anthropic Messages stream events
 * (message_start, ping, content_block_start/delta/stop, message_delta, message_stop).
 * One block is open at a time, numbered in order: thinking, text and each tool call get
 * their own block, as Anthropic's own streams do; parallel calls come one after another however
 * their deltas interleaved.
 */
import { GatewayError } from '../../../../shared/errors.js';
import { HeldCalls } from '../held-calls.js';
import type { ReasoningDetailInput } from '../openai-chat-request.js';
import { parseOpenAiUsage, type TokenUsage } from '../token-usage.js';
import { anthropicUsageOf, matchedStopSequence, newToolUseId, stopReasonOf } from './message-parts.js';
import { readChatChunk, type ChatChunkDelta } from './openai-output.js';
import { signatureOf, thinkingBlockOf, type ThinkingBlockOut } from './reasoning-blocks.js';

/** One event; its `type` is also the SSE event name. */
export interface AnthropicEvent {
  type: string;
  [field: string]: unknown;
}

export interface StreamContext {
  /** The generation id, which is the message id the client sees. */
  id: string;
  model: string;
  providerId: string;
  stopSequences: readonly string[];
}

type BlockKind = 'text' | 'thinking' | 'tool_use';
type ToolCallDelta = NonNullable<ChatChunkDelta['tool_calls']>[number];

interface OpenBlock {
  index: number;
  kind: BlockKind;
  /** The `reasoning_details` index a thinking block was opened for: a new one starts a new block. */
  reasoningIndex?: number | null;
  /** The OpenAI tool-call index a tool_use block streams. */
  callIndex?: number;
}

/** A parallel call held while another streams (held-calls.ts). */
interface WaitingCall {
  id: string;
  name: string;
  /** Redacted thinking that arrived after this call began, which goes after its block as it would have. */
  redacted: ThinkingBlockOut[];
}

const EMPTY_BLOCKS = {
  text: { type: 'text', text: '' },
  thinking: { type: 'thinking', thinking: '', signature: '' },
} as const;

function inputJson(index: number, partialJson: string, out: AnthropicEvent[]): void {
  out.push({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: partialJson } });
}

export class AnthropicStreamTranslator {
  /** The last usage the upstream reported (OpenAI sends it in the final chunk). */
  usage: TokenUsage | undefined;
  finishReason: string | null = null;
  /** Set when the upstream reported a failure inside the stream; no further chunk is expected. */
  failure: GatewayError | undefined;
  private started = false;
  private nextIndex = 0;
  private open: OpenBlock | undefined;
  /** Calls whose deltas came while another call's block was open: sent whole when it closes. */
  private readonly waitingCalls = new HeldCalls<WaitingCall>();
  private stopSequence: string | null = null;
  private refused = false;
  /** Redacted thinking that arrived while another block was open. */
  private pendingRedacted: ThinkingBlockOut[] = [];

  constructor(private readonly ctx: StreamContext) {}

  /** The events owed for one upstream chunk; the first call also opens the message. */
  push(data: string): AnthropicEvent[] {
    const { chunk, failure } = readChatChunk(data, this.ctx.providerId);
    const out: AnthropicEvent[] = [];
    this.begin(out);
    if (failure) {
      this.failure = failure;
      return out;
    }
    this.usage = parseOpenAiUsage(chunk.usage) ?? this.usage;
    const choice = chunk.choices?.[0];
    if (!choice) return out;
    if (choice.delta) this.delta(choice.delta, out);
    if (choice.finish_reason) this.finishReason = choice.finish_reason;
    this.stopSequence = matchedStopSequence(choice.stop_reason, this.ctx.stopSequences) ?? this.stopSequence;
    return out;
  }

  /** The closing events of a stream that ended cleanly: the last block's stop, message_delta with usage, message_stop. */
  finish(cost: number | null): AnthropicEvent[] {
    const out: AnthropicEvent[] = [];
    this.begin(out);
    this.close(out);
    const stopReason = this.refused ? 'refusal' : stopReasonOf(this.finishReason, this.stopSequence);
    out.push({
      type: 'message_delta',
      delta: { stop_reason: stopReason, stop_sequence: stopReason === 'stop_sequence' ? this.stopSequence : null },
      usage: { ...anthropicUsageOf(this.usage), cost },
    });
    out.push({ type: 'message_stop' });
    return out;
  }

  /** Usage is unknown until the end, so message_start carries zeros and message_delta the real counts. */
  private begin(out: AnthropicEvent[]): void {
    if (this.started) return;
    this.started = true;
    out.push({
      type: 'message_start',
      message: {
        id: this.ctx.id,
        type: 'message',
        role: 'assistant',
        model: this.ctx.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: anthropicUsageOf(undefined),
      },
    });
    out.push({ type: 'ping' });
  }

  private delta(delta: ChatChunkDelta, out: AnthropicEvent[]): void {
    // OpenRouter sends reasoning both as text and as details; the details carry the signatures.
    if (delta.reasoning_details?.length) {
      for (const detail of delta.reasoning_details) this.reasoningDetail(detail, out);
    } else {
      const reasoning = delta.reasoning || delta.reasoning_content;
      if (reasoning) this.write('thinking', { type: 'thinking_delta', thinking: reasoning }, out);
    }
    if (delta.content) this.write('text', { type: 'text_delta', text: delta.content }, out);
    if (delta.refusal) {
      this.refused = true;
      this.write('text', { type: 'text_delta', text: delta.refusal }, out);
    }
    for (const call of delta.tool_calls ?? []) this.toolCall(call, out);
  }

  private reasoningDetail(detail: ReasoningDetailInput, out: AnthropicEvent[]): void {
    if (detail.type === 'reasoning.encrypted') {
      const block = thinkingBlockOf(detail);
      // Gemini signs text and calls mid-stream: the signature waits so that it splits no block,
      // and goes after the call it came after, which may still be waiting.
      const waiting = this.waitingCalls.latest();
      if (block && waiting) waiting.redacted.push(block);
      else if (block && this.open) this.pendingRedacted.push(block);
      else if (block) this.redacted(block, out);
      return;
    }
    const text = detail.type === 'reasoning.summary' ? detail.summary : detail.text;
    if (text) this.write('thinking', { type: 'thinking_delta', thinking: text }, out, detail.index);
    const { signature } = detail;
    if (signature) this.write('thinking', { type: 'signature_delta', signature: signatureOf({ ...detail, signature }) }, out, detail.index);
  }

  private toolCall(call: ToolCallDelta, out: AnthropicEvent[]): void {
    const args = call.function?.arguments;
    const open = this.open;
    if (open?.kind === 'tool_use' && open.callIndex !== call.index) {
      this.waitingCalls.hold(call.index, args, () => ({ id: call.id || newToolUseId(), name: call.function?.name ?? '', redacted: [] }));
      return;
    }
    let index: number;
    if (open?.kind === 'tool_use') index = open.index;
    else {
      this.close(out);
      index = this.startToolUse(call.index, call.id || newToolUseId(), call.function?.name ?? '', out);
    }
    if (args) inputJson(index, args, out);
  }

  private startToolUse(callIndex: number, id: string, name: string, out: AnthropicEvent[]): number {
    const index = this.nextIndex++;
    this.open = { index, kind: 'tool_use', callIndex };
    out.push({ type: 'content_block_start', index, content_block: { type: 'tool_use', id, name, input: {} } });
    return index;
  }

  /** A delta into the open block of `kind`, opening one (and closing any other) first. */
  private write(kind: 'text' | 'thinking', delta: AnthropicEvent, out: AnthropicEvent[], reasoningIndex?: number | null): void {
    const open = this.open;
    const sameBlock =
      open?.kind === kind && (reasoningIndex == null || open.reasoningIndex == null || open.reasoningIndex === reasoningIndex);
    let index: number;
    if (open && sameBlock) {
      index = open.index;
      open.reasoningIndex ??= reasoningIndex;
    } else {
      this.close(out);
      index = this.nextIndex++;
      this.open = { index, kind, reasoningIndex };
      out.push({ type: 'content_block_start', index, content_block: EMPTY_BLOCKS[kind] });
    }
    out.push({ type: 'content_block_delta', index, delta });
  }

  private redacted(block: ThinkingBlockOut, out: AnthropicEvent[]): void {
    const index = this.nextIndex++;
    out.push({ type: 'content_block_start', index, content_block: block });
    out.push({ type: 'content_block_stop', index });
  }

  /** Closes the open block, then sends each waiting call whole, in the order the calls began. */
  private close(out: AnthropicEvent[]): void {
    this.closeOpen(out);
    for (const { index: callIndex, call, pieces } of this.waitingCalls.release()) {
      const index = this.startToolUse(callIndex, call.id, call.name, out);
      for (const piece of pieces) inputJson(index, piece, out);
      this.pendingRedacted = call.redacted;
      this.closeOpen(out);
    }
  }

  private closeOpen(out: AnthropicEvent[]): void {
    if (!this.open) return;
    out.push({ type: 'content_block_stop', index: this.open.index });
    this.open = undefined;
    for (const block of this.pendingRedacted) this.redacted(block, out);
    this.pendingRedacted = [];
  }
}
