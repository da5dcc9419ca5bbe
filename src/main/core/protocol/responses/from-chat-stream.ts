/**
 * chat.completion.chunk JSON texts (the internal stream of any non-OpenAI target) -> the
 * Responses API stream: response.created and response.in_progress, then one output item at a
 * time (reasoning with its summary, the message text, each function call with its argument
 * deltas, parallel calls one after another however their deltas interleaved), each added,
 * filled and done, then response.completed (response.incomplete when the answer was cut,
 * response.failed on an error). Every event carries its sequence number.
 */
import type { GatewayError } from '../../../../shared/errors.js';
import { readChatChunk, type ChatChunkDelta } from '../anthropic-inbound/openai-output.js';
import { HeldCalls } from '../held-calls.js';
import type { ReasoningDetailInput } from '../openai-chat-request.js';
import { parseOpenAiUsage, type TokenUsage } from '../token-usage.js';
import { newCallId, outputAnnotations } from './from-chat-response.js';
import { ReasoningDetails } from './reasoning-carrier.js';
import {
  functionCallItem,
  itemId,
  messageItem,
  reasoningItem,
  responseObject,
  responsesUsageOf,
  statusOf,
  type OutputAnnotation,
  type ResponseContext,
} from './response-object.js';
import { clientToolName } from './responses-request.js';

type JsonObject = Record<string, unknown>;

/** One event; its `type` is also the SSE event name. */
export interface ResponsesEvent {
  type: string;
  [field: string]: unknown;
}

type ToolCallDelta = NonNullable<ChatChunkDelta['tool_calls']>[number];

type CallItem = { kind: 'call'; id: string; outputIndex: number; chatIndex: number; callId: string; name: string; namespace?: string; args: string };

type OpenItem =
  | { kind: 'reasoning'; id: string; outputIndex: number; text: string; summaryOpen: boolean; details: ReasoningDetails }
  | { kind: 'message'; id: string; outputIndex: number; text: string; annotations: OutputAnnotation[] }
  | CallItem;

export class ResponsesStreamTranslator {
  usage: TokenUsage | undefined;
  finishReason: string | null = null;
  /** Set when the upstream reported a failure inside the stream; no further chunk is expected. */
  failure: GatewayError | undefined;
  private sequence = 0;
  private started = false;
  private readonly output: JsonObject[] = [];
  private open: OpenItem | undefined;
  /** Calls whose deltas came while another call's item was open: sent whole when it closes. */
  private readonly waitingCalls = new HeldCalls<CallItem>();
  /** Signatures that arrived while text or a call was open: they become a reasoning item after it. */
  private pendingSigned: ReasoningDetailInput[] = [];

  constructor(private readonly ctx: ResponseContext & { providerId: string }) {}

  push(data: string): ResponsesEvent[] {
    const { chunk, failure } = readChatChunk(data, this.ctx.providerId);
    const out: ResponsesEvent[] = [];
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
    return out;
  }

  /** The closing events of a stream that ended cleanly. */
  finish(cost: number | null): ResponsesEvent[] {
    const out: ResponsesEvent[] = [];
    this.begin(out);
    this.close(out);
    const { status, incompleteReason } = statusOf(this.finishReason);
    const response = responseObject(this.ctx, status, this.output, responsesUsageOf(this.usage, cost), { incompleteReason });
    this.emit(out, { type: status === 'incomplete' ? 'response.incomplete' : 'response.completed', response });
    return out;
  }

  /** A stream that failed after it started ends as OpenAI's do: an `error` event, then response.failed naming it. */
  fail(error: GatewayError, cost: number | null): ResponsesEvent[] {
    const out: ResponsesEvent[] = [];
    this.begin(out);
    this.close(out);
    this.emit(out, { type: 'error', error: { type: 'server_error', code: 'server_error', message: error.message, param: null } });
    const usage = this.usage ? responsesUsageOf(this.usage, cost) : null;
    const response = responseObject(this.ctx, 'failed', this.output, usage, { error: { code: 'server_error', message: error.message } });
    this.emit(out, { type: 'response.failed', response });
    return out;
  }

  private emit(out: ResponsesEvent[], event: ResponsesEvent): void {
    out.push({ ...event, sequence_number: this.sequence++ });
  }

  private begin(out: ResponsesEvent[]): void {
    if (this.started) return;
    this.started = true;
    const response = responseObject(this.ctx, 'in_progress', [], null);
    this.emit(out, { type: 'response.created', response });
    this.emit(out, { type: 'response.in_progress', response });
  }

  private delta(delta: ChatChunkDelta, out: ResponsesEvent[]): void {
    if (delta.reasoning_details?.length) {
      for (const detail of delta.reasoning_details) this.reasoningDetail(detail, out);
    } else {
      const reasoning = delta.reasoning || delta.reasoning_content;
      if (reasoning) this.reasoningText(reasoning, out);
    }
    const text = (delta.content ?? '') + (delta.refusal ?? '');
    if (text) this.text(text, out);
    const annotations = outputAnnotations((delta as JsonObject).annotations);
    if (annotations.length > 0 && this.open?.kind === 'message') this.open.annotations.push(...annotations);
    for (const call of delta.tool_calls ?? []) this.toolCall(call, out);
  }

  private reasoningDetail(detail: ReasoningDetailInput, out: ResponsesEvent[]): void {
    const text = detail.type === 'reasoning.summary' ? detail.summary : detail.type === 'reasoning.text' ? detail.text : undefined;
    if (!text && this.open && this.open.kind !== 'reasoning') {
      this.pendingSigned.push(detail);
      return;
    }
    const item = this.reasoning(out);
    item.details.add(detail);
    if (text) this.summaryDelta(item, text, out);
  }

  private reasoningText(text: string, out: ResponsesEvent[]): void {
    this.summaryDelta(this.reasoning(out), text, out);
  }

  private summaryDelta(item: Extract<OpenItem, { kind: 'reasoning' }>, text: string, out: ResponsesEvent[]): void {
    const at = { item_id: item.id, output_index: item.outputIndex, summary_index: 0 };
    if (!item.summaryOpen) {
      item.summaryOpen = true;
      this.emit(out, { type: 'response.reasoning_summary_part.added', ...at, part: { type: 'summary_text', text: '' } });
    }
    item.text += text;
    this.emit(out, { type: 'response.reasoning_summary_text.delta', ...at, delta: text });
  }

  private reasoning(out: ResponsesEvent[]): Extract<OpenItem, { kind: 'reasoning' }> {
    if (this.open?.kind === 'reasoning') return this.open;
    this.close(out);
    const item = { kind: 'reasoning' as const, id: itemId('rs'), outputIndex: this.output.length, text: '', summaryOpen: false, details: new ReasoningDetails() };
    this.open = item;
    this.emit(out, { type: 'response.output_item.added', output_index: item.outputIndex, item: { id: item.id, type: 'reasoning', summary: [] } });
    return item;
  }

  private text(text: string, out: ResponsesEvent[]): void {
    let item = this.open;
    if (item?.kind !== 'message') {
      this.close(out);
      item = { kind: 'message', id: itemId('msg'), outputIndex: this.output.length, text: '', annotations: [] };
      this.open = item;
      const empty = { ...messageItem(item.id, '', [], 'in_progress'), content: [] };
      this.emit(out, { type: 'response.output_item.added', output_index: item.outputIndex, item: empty });
      const part = { type: 'output_text', text: '', annotations: [], logprobs: [] };
      this.emit(out, { type: 'response.content_part.added', item_id: item.id, output_index: item.outputIndex, content_index: 0, part });
    }
    item.text += text;
    this.emit(out, {
      type: 'response.output_text.delta',
      item_id: item.id,
      output_index: item.outputIndex,
      content_index: 0,
      delta: text,
      logprobs: [],
    });
  }

  private toolCall(call: ToolCallDelta, out: ResponsesEvent[]): void {
    const args = call.function?.arguments;
    const open = this.open;
    if (open?.kind === 'call' && open.chatIndex !== call.index) {
      this.waitingCalls.hold(call.index, args, () => this.newCall(call));
      return;
    }
    let item = open;
    if (item?.kind !== 'call') {
      this.close(out);
      item = this.newCall(call);
      this.startCall(item, out);
    }
    if (args) this.callArguments(item, args, out);
  }

  private newCall(call: ToolCallDelta): CallItem {
    const { name, namespace } = clientToolName(this.ctx.request, call.function?.name ?? '');
    const item: CallItem = { kind: 'call', id: itemId('fc'), outputIndex: this.output.length, chatIndex: call.index, callId: call.id || newCallId(), name, args: '' };
    if (namespace) item.namespace = namespace;
    return item;
  }

  private startCall(item: CallItem, out: ResponsesEvent[]): void {
    // A waiting call's place in the output is only known once the calls before it are done.
    item.outputIndex = this.output.length;
    this.open = item;
    this.emit(out, { type: 'response.output_item.added', output_index: item.outputIndex, item: this.callItem(item, 'in_progress') });
  }

  private callArguments(item: CallItem, args: string, out: ResponsesEvent[]): void {
    item.args += args;
    this.emit(out, { type: 'response.function_call_arguments.delta', item_id: item.id, output_index: item.outputIndex, delta: args });
  }

  private callItem(item: CallItem, status: string): JsonObject {
    const json = functionCallItem(item.id, item.callId, item.name, status === 'completed' ? item.args : '', status);
    if (item.namespace) json.namespace = item.namespace;
    return json;
  }

  /** Closes the open item, then sends each waiting call whole, in the order the calls began. */
  private close(out: ResponsesEvent[]): void {
    this.closeOpen(out);
    for (const { call: item, pieces } of this.waitingCalls.release()) {
      this.startCall(item, out);
      for (const piece of pieces) this.callArguments(item, piece, out);
      this.closeOpen(out);
    }
  }

  private closeOpen(out: ResponsesEvent[]): void {
    const item = this.open;
    if (!item) return;
    this.open = undefined;
    let done: JsonObject;
    switch (item.kind) {
      case 'reasoning': {
        const at = { item_id: item.id, output_index: item.outputIndex, summary_index: 0 };
        if (item.summaryOpen) {
          this.emit(out, { type: 'response.reasoning_summary_text.done', ...at, text: item.text });
          this.emit(out, { type: 'response.reasoning_summary_part.done', ...at, part: { type: 'summary_text', text: item.text } });
        }
        done = reasoningItem(item.id, item.text, item.details.details);
        break;
      }
      case 'message': {
        const at = { item_id: item.id, output_index: item.outputIndex, content_index: 0 };
        this.emit(out, { type: 'response.output_text.done', ...at, text: item.text, logprobs: [] });
        const part = { type: 'output_text', text: item.text, annotations: item.annotations, logprobs: [] };
        this.emit(out, { type: 'response.content_part.done', ...at, part });
        done = messageItem(item.id, item.text, item.annotations);
        break;
      }
      case 'call':
        this.emit(out, {
          type: 'response.function_call_arguments.done',
          item_id: item.id,
          output_index: item.outputIndex,
          name: item.name,
          arguments: item.args,
        });
        done = this.callItem(item, 'completed');
        break;
    }
    this.output.push(done);
    this.emit(out, { type: 'response.output_item.done', output_index: item.outputIndex, item: done });
    if (this.pendingSigned.length > 0) {
      const signed = this.pendingSigned;
      this.pendingSigned = [];
      const reasoning = reasoningItem(itemId('rs'), '', signed);
      const outputIndex = this.output.length;
      this.output.push(reasoning);
      this.emit(out, { type: 'response.output_item.added', output_index: outputIndex, item: { ...reasoning, summary: [] } });
      this.emit(out, { type: 'response.output_item.done', output_index: outputIndex, item: reasoning });
    }
  }
}
