import { GatewayError } from '../../../../shared/errors.js';
import { DEFAULT_ANSWER_OPTIONS, type AnswerOptions } from '../../protocol/openai-chat-request.js';
import type { SseEvent } from '../../protocol/sse.js';
import { openAiUsageJson, type TokenUsage } from '../../protocol/token-usage.js';
import type { JsonObject, StreamMapper } from '../provider-adapter.js';
import { CandidateReader, type OutputEvent } from './candidate-reader.js';
import { finishReasonName, openAiFinishReason } from './finish-reason.js';
import { streamError } from './gemini-errors.js';
import type { GeminiGroundingMetadata, GeminiUsageMetadata } from './gemini-wire.js';
import { groundingAnnotations, searchQueryCount } from './grounding.js';
import { ReasoningDetailsCounter } from './reasoning-details.js';
import { parseGenerateContentResponse, promptBlock } from './response-mapping.js';
import { geminiUsage } from './usage.js';

interface ChoiceState {
  reader: CandidateReader;
  details: ReasoningDetailsCounter;
  finished: boolean;
  /** The answer text so far: grounding offsets point into it. */
  answer: string;
  /** The latest grounding Gemini sent for this candidate, until its annotations are out. */
  grounding: GeminiGroundingMetadata | undefined;
  searches: number;
}

function deltaOf(event: OutputEvent, details: ReasoningDetailsCounter): JsonObject {
  switch (event.kind) {
    case 'reasoning':
      return { reasoning: event.text, reasoning_details: [details.text(event.text)] };
    case 'signature':
      return { reasoning_details: [details.signature(event.signature, event.toolCallId)] };
    case 'text':
      details.closeText();
      return { content: event.text };
    case 'tool_call':
      details.closeText();
      return {
        tool_calls: [
          { index: event.index, id: event.id, type: 'function', function: { name: event.name, arguments: event.arguments } },
        ],
      };
    case 'image':
      details.closeText();
      return { images: [{ type: 'image_url', image_url: { url: event.url } }] };
  }
}

function parseEventJson(data: string): unknown {
  try {
    return JSON.parse(data) as unknown;
  } catch {
    throw new GatewayError(502, 'upstream_invalid_response', 'Gemini sent a stream event that is not JSON');
  }
}

/**
 * `streamGenerateContent?alt=sse` as OpenAI chunks. Each SSE event is a whole
 * GenerateContentResponse: a role chunk opens each choice, parts become deltas (a function
 * call arrives whole, so its arguments are one delta), a finish reason closes the choice, and
 * the last usageMetadata seen (Gemini repeats it, growing) becomes the usage chunk at the end.
 */
export class GeminiStreamMapper implements StreamMapper {
  private readonly choices = new Map<number, ChoiceState>();
  private readonly created = Math.floor(Date.now() / 1000);
  private model: string;
  private responseId: string;
  private usageMetadata: GeminiUsageMetadata | undefined;

  constructor(
    upstreamModel: string,
    fallbackResponseId: string,
    private readonly options: AnswerOptions = DEFAULT_ANSWER_OPTIONS,
  ) {
    this.model = upstreamModel;
    this.responseId = fallbackResponseId;
  }

  private chunk(choices: JsonObject[], extra: JsonObject = {}): string {
    return JSON.stringify({
      id: this.responseId,
      object: 'chat.completion.chunk',
      created: this.created,
      model: this.model,
      choices,
      ...extra,
    });
  }

  private choice(index: number, out: string[]): ChoiceState {
    let state = this.choices.get(index);
    if (!state) {
      state = { reader: new CandidateReader(index), details: new ReasoningDetailsCounter(), finished: false, answer: '', grounding: undefined, searches: 0 };
      this.choices.set(index, state);
      out.push(this.chunk([{ index, delta: { role: 'assistant', content: '' }, finish_reason: null }]));
    }
    return state;
  }

  onEvent(event: SseEvent): string[] {
    const json = parseEventJson(event.data);
    const failure = streamError(json);
    if (failure) throw failure;
    const response = parseGenerateContentResponse(json);
    if (response.responseId) this.responseId = response.responseId;
    if (response.modelVersion) this.model = response.modelVersion;
    if (response.usageMetadata) this.usageMetadata = response.usageMetadata;
    const out: string[] = [];
    const candidates = response.candidates ?? [];
    candidates.forEach((candidate, position) => {
      const index = candidate.index ?? position;
      const state = this.choice(index, out);
      for (const output of state.reader.read(candidate.content?.parts ?? [], this.responseId)) {
        if (output.kind === 'reasoning' && this.options.excludeReasoning) continue;
        if (output.kind === 'text') state.answer += output.text;
        out.push(this.chunk([{ index, delta: deltaOf(output, state.details), finish_reason: null }]));
      }
      if (candidate.groundingMetadata) {
        state.grounding = candidate.groundingMetadata;
        state.searches = searchQueryCount(candidate.groundingMetadata);
      }
      const native = finishReasonName(candidate.finishReason);
      if (native !== undefined && !state.finished) {
        state.finished = true;
        out.push(...this.annotations(index, state));
        const reason = openAiFinishReason(native, state.reader.hasToolCalls);
        out.push(this.chunk([{ index, delta: {}, finish_reason: reason, native_finish_reason: native }]));
      }
    });
    const block = promptBlock(response);
    if (block && candidates.length === 0 && !this.choices.has(0)) {
      this.choice(0, out).finished = true;
      out.push(
        this.chunk([{ index: 0, delta: { refusal: block.refusal }, finish_reason: 'content_filter', native_finish_reason: block.native }]),
      );
    }
    return out;
  }

  /** Grounding usually comes with the finish reason; sent once, before it. */
  private annotations(index: number, state: ChoiceState): string[] {
    const annotations = groundingAnnotations(state.grounding, state.answer);
    state.grounding = undefined;
    return annotations.length > 0 ? [this.chunk([{ index, delta: { annotations }, finish_reason: null }])] : [];
  }

  usageSoFar(): TokenUsage | undefined {
    if (!this.usageMetadata) return undefined;
    let searches = 0;
    for (const state of this.choices.values()) searches += state.searches;
    return geminiUsage(this.usageMetadata, searches);
  }

  /** Grounding that came after a candidate's finish reason still goes out, then the usage. */
  onEnd(): string[] {
    const out = [...this.choices].flatMap(([index, state]) => this.annotations(index, state));
    const usage = this.usageSoFar();
    if (usage) out.push(this.chunk([], { usage: openAiUsageJson(usage) }));
    return out;
  }
}
