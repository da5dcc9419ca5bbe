import { GatewayError } from '../../../../shared/errors.js';
import {
  streamEventSchema,
  type AnthropicContentDelta,
  type AnthropicResponseContentBlock,
  type AnthropicUsage,
  type AnthropicUsageDelta,
} from '../../protocol/anthropic-wire.js';
import { DEFAULT_ANSWER_OPTIONS, type AnswerOptions } from '../../protocol/openai-chat-request.js';
import type { SseEvent } from '../../protocol/sse.js';
import { EMPTY_USAGE, openAiUsageJson, type TokenUsage } from '../../protocol/token-usage.js';
import type { StreamMapper } from '../provider-adapter.js';
import { streamErrorOf } from './error-parsing.js';
import { ANTHROPIC_REASONING_FORMAT, reasoningDetailOf } from './reasoning-details.js';
import { finishReasonOf, tokenUsageOf } from './usage-mapping.js';
import { annotationsOf, citationsDeltaEventSchema, webCitationsOf, type WebCitation } from './web-search.js';

/** What an open content block (by Anthropic's `index`) turned into on the OpenAI side. */
type OpenBlock =
  /** `start`: where its text begins in the message content, which its web citations point into. */
  | { kind: 'text'; start: number; citations: WebCitation[] }
  /** Thinking the client asked to leave out (`reasoning.exclude`). */
  | { kind: 'hidden' }
  | { kind: 'reasoning'; detailIndex: number }
  | { kind: 'tool'; toolIndex: number; argumentsSent: boolean; startInput: Record<string, unknown> };

/**
 * Anthropic's event stream -> OpenAI chat.completion.chunk JSON texts: a first chunk with
 * `role`, then text / reasoning / tool-call deltas (tool calls numbered by their own OpenAI
 * `index`, whatever block index Anthropic gave them), a chunk with `finish_reason`, and a
 * usage chunk with `choices: []`. An `error` event, or an end without `message_stop`, throws
 * a GatewayError, which the relay turns into the stream's error chunk.
 */
export class AnthropicStreamMapper implements StreamMapper {
  private id = '';
  private model: string;
  private readonly created = Math.floor(Date.now() / 1000);
  /** From `message_start`, updated by each `message_delta`; undefined until the message starts. */
  private usage: AnthropicUsage | undefined;
  private stopReason: string | null = null;
  private readonly blocks = new Map<number, OpenBlock>();
  private toolCount = 0;
  private reasoningCount = 0;
  /** Length of the message content sent so far. */
  private contentLength = 0;
  private stopped = false;

  constructor(
    private readonly providerId: string,
    upstreamModel: string,
    private readonly options: AnswerOptions = DEFAULT_ANSWER_OPTIONS,
  ) {
    this.model = upstreamModel;
  }

  onEvent(event: SseEvent): string[] {
    if (this.stopped) return [];
    let json: unknown;
    try {
      json = JSON.parse(event.data);
    } catch {
      throw new GatewayError(502, 'upstream_invalid_response', `Provider "${this.providerId}" sent a stream event that is not JSON`, {
        provider: this.providerId,
      });
    }
    const delta = plainContentDelta(json);
    if (delta) return this.delta(delta.index, delta.delta);
    const stop = plainBlockStop(json);
    if (stop !== undefined) return this.stopBlock(stop);
    // Unknown event, block or delta types (new API features) are skipped, as Anthropic asks of clients.
    const parsed = streamEventSchema.safeParse(json);
    if (!parsed.success) {
      const citation = citationsDeltaEventSchema.safeParse(json);
      if (citation.success) this.cite(citation.data.index, citation.data.delta.citation);
      return [];
    }
    const ev = parsed.data;
    switch (ev.type) {
      case 'message_start':
        this.id = ev.message.id;
        this.model = ev.message.model;
        this.textPrefix = undefined;
        this.usage = ev.message.usage;
        return [this.chunk({ role: 'assistant', content: '' })];
      case 'content_block_start':
        return this.startBlock(ev.index, ev.content_block);
      case 'content_block_delta':
        return this.delta(ev.index, ev.delta);
      case 'content_block_stop':
        return this.stopBlock(ev.index);
      case 'message_delta':
        this.stopReason = ev.delta.stop_reason ?? this.stopReason;
        if (ev.usage) this.updateUsage(ev.usage);
        return [];
      case 'message_stop':
        this.stopped = true;
        return [this.chunk({}, finishReasonOf(this.stopReason) ?? 'stop'), this.usageChunk()];
      case 'ping':
        return [];
      case 'error':
        throw streamErrorOf(this.providerId, ev.error);
    }
  }

  onEnd(): string[] {
    if (this.stopped) return [];
    throw new GatewayError(502, 'upstream_stream_cut', `Provider "${this.providerId}" ended the stream unexpectedly`, {
      provider: this.providerId,
    });
  }

  private startBlock(index: number, block: AnthropicResponseContentBlock): string[] {
    switch (block.type) {
      case 'text':
        this.blocks.set(index, { kind: 'text', start: this.contentLength, citations: webCitationsOf(block.citations) });
        return block.text ? [this.text(block.text)] : [];
      case 'thinking': {
        if (this.options.excludeReasoning) {
          this.blocks.set(index, { kind: 'hidden' });
          return [];
        }
        const detailIndex = this.reasoningCount++;
        this.blocks.set(index, { kind: 'reasoning', detailIndex });
        return block.thinking || block.signature ? [this.chunk(reasoningDelta(reasoningDetailOf(block, detailIndex)))] : [];
      }
      case 'redacted_thinking': {
        const detailIndex = this.reasoningCount++;
        this.blocks.set(index, { kind: 'reasoning', detailIndex });
        return [this.chunk({ reasoning_details: [reasoningDetailOf(block, detailIndex)] })];
      }
      case 'tool_use': {
        const toolIndex = this.toolCount++;
        this.blocks.set(index, { kind: 'tool', toolIndex, argumentsSent: false, startInput: block.input });
        const call = { index: toolIndex, id: block.id, type: 'function', function: { name: block.name, arguments: '' } };
        return [this.chunk({ tool_calls: [call] })];
      }
    }
  }

  private delta(index: number, delta: AnthropicContentDelta): string[] {
    const block = this.blocks.get(index);
    if (!block) return [];
    if (delta.type === 'text_delta' && block.kind === 'text') {
      return delta.text ? [this.text(delta.text)] : [];
    }
    if (delta.type === 'thinking_delta' && block.kind === 'reasoning') {
      if (!delta.thinking) return [];
      const detail = { type: 'reasoning.text', text: delta.thinking, format: ANTHROPIC_REASONING_FORMAT, index: block.detailIndex };
      return [this.chunk({ reasoning: delta.thinking, reasoning_details: [detail] })];
    }
    if (delta.type === 'signature_delta' && block.kind === 'reasoning') {
      const detail = { type: 'reasoning.text', signature: delta.signature, format: ANTHROPIC_REASONING_FORMAT, index: block.detailIndex };
      return [this.chunk({ reasoning_details: [detail] })];
    }
    if (delta.type === 'input_json_delta' && block.kind === 'tool') {
      if (!delta.partial_json) return [];
      block.argumentsSent = true;
      return [this.toolArguments(block.toolIndex, delta.partial_json)];
    }
    return [];
  }

  /** The text chunk's JSON up to its content, which is the same for every token of the message. */
  private textPrefix: string | undefined;

  /** `chunk({ content })`, spelled out: one of these goes out per token, and only the content varies. */
  private text(content: string): string {
    this.contentLength += content.length;
    this.textPrefix ??= `${this.chunk({}).slice(0, -CHUNK_DELTA_TAIL.length)}{"content":`;
    return `${this.textPrefix}${JSON.stringify(content)}}${TEXT_CHUNK_TAIL}`;
  }

  private cite(index: number, citation: unknown): void {
    const block = this.blocks.get(index);
    if (block?.kind === 'text') block.citations.push(...webCitationsOf([citation]));
  }

  /**
   * A text block's web citations go out as annotations once its text is complete. A tool called
   * without arguments streams no JSON at all; OpenAI clients expect "{}".
   */
  private stopBlock(index: number): string[] {
    const block = this.blocks.get(index);
    this.blocks.delete(index);
    if (block?.kind === 'text' && block.citations.length > 0) {
      return [this.chunk({ annotations: annotationsOf(block.citations, block.start, this.contentLength) })];
    }
    if (block?.kind !== 'tool' || block.argumentsSent) return [];
    return [this.toolArguments(block.toolIndex, JSON.stringify(block.startInput))];
  }

  /** Input tokens from `message_start`, output tokens from the last `message_delta` (or the start). */
  usageSoFar(): TokenUsage | undefined {
    return this.usage && tokenUsageOf(this.usage);
  }

  /** `message_delta` usage is cumulative: a present count replaces the one from `message_start`. */
  private updateUsage(delta: AnthropicUsageDelta): void {
    const u = this.usage;
    if (!u) return;
    this.usage = {
      ...u,
      input_tokens: delta.input_tokens ?? u.input_tokens,
      output_tokens: delta.output_tokens ?? u.output_tokens,
      cache_creation_input_tokens: delta.cache_creation_input_tokens ?? u.cache_creation_input_tokens,
      cache_read_input_tokens: delta.cache_read_input_tokens ?? u.cache_read_input_tokens,
      output_tokens_details: delta.output_tokens_details ?? u.output_tokens_details,
      server_tool_use: delta.server_tool_use ?? u.server_tool_use,
    };
  }

  private toolArguments(toolIndex: number, args: string): string {
    return this.chunk({ tool_calls: [{ index: toolIndex, function: { arguments: args } }] });
  }

  private chunk(delta: Record<string, unknown>, finishReason: string | null = null): string {
    // `id` first: the relay rewrites it on a string fast path.
    return JSON.stringify({
      id: this.id,
      object: 'chat.completion.chunk',
      created: this.created,
      model: this.model,
      choices: [{ index: 0, delta, finish_reason: finishReason }],
    });
  }

  private usageChunk(): string {
    return JSON.stringify({
      id: this.id,
      object: 'chat.completion.chunk',
      created: this.created,
      model: this.model,
      choices: [],
      usage: openAiUsageJson(this.usageSoFar() ?? EMPTY_USAGE),
    });
  }
}

/** How `chunk({})` ends: its empty delta, then the end of the choice and of the chunk. */
const CHUNK_DELTA_TAIL = '{},"finish_reason":null}]}';
const TEXT_CHUNK_TAIL = ',"finish_reason":null}]}';

/** The field carrying each content delta's text, as contentDeltaSchema requires it. */
const DELTA_TEXT_FIELDS: Readonly<Record<string, string>> = {
  text_delta: 'text',
  input_json_delta: 'partial_json',
  thinking_delta: 'thinking',
  signature_delta: 'signature',
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A `content_block_delta` event (one per token) that streamEventSchema would accept as it is,
 * checked by hand: the schema's discriminated-union parse is most of the mapper's cost per
 * token. Anything else, or anything unusual, goes through the schema.
 */
function plainContentDelta(json: unknown): { index: number; delta: AnthropicContentDelta } | undefined {
  if (!isRecord(json) || json.type !== 'content_block_delta') return undefined;
  const { index, delta } = json;
  if (!Number.isSafeInteger(index) || (index as number) < 0 || !isRecord(delta)) return undefined;
  const field = typeof delta.type === 'string' && Object.hasOwn(DELTA_TEXT_FIELDS, delta.type) ? DELTA_TEXT_FIELDS[delta.type] : undefined;
  if (field === undefined || typeof delta[field] !== 'string') return undefined;
  return { index: index as number, delta: delta as AnthropicContentDelta };
}

/** A `content_block_stop` event's index, when the schema would accept the event as it is (one per block). */
function plainBlockStop(json: unknown): number | undefined {
  if (!isRecord(json) || json.type !== 'content_block_stop') return undefined;
  const { index } = json;
  return Number.isSafeInteger(index) && (index as number) >= 0 ? (index as number) : undefined;
}

function reasoningDelta(detail: ReturnType<typeof reasoningDetailOf>): Record<string, unknown> {
  if (detail.type === 'reasoning.text' && detail.text) return { reasoning: detail.text, reasoning_details: [detail] };
  return { reasoning_details: [detail] };
}
