import { GatewayError } from '../../../../shared/errors.js';
import { DEFAULT_ANSWER_OPTIONS, type AnswerOptions } from '../../protocol/openai-chat-request.js';
import { openAiUsageJson } from '../../protocol/token-usage.js';
import type { JsonObject, MappedResponse } from '../provider-adapter.js';
import { CandidateReader, type OutputEvent } from './candidate-reader.js';
import { finishReasonName, openAiFinishReason } from './finish-reason.js';
import { generateContentResponseSchema, type GenerateContentResponse } from './gemini-wire.js';
import { groundingAnnotations, searchQueryCount } from './grounding.js';
import { ReasoningDetailsCounter, type ReasoningDetail } from './reasoning-details.js';
import { geminiUsage } from './usage.js';

export function parseGenerateContentResponse(json: unknown): GenerateContentResponse {
  const parsed = generateContentResponseSchema.safeParse(json);
  if (!parsed.success) {
    throw new GatewayError(502, 'upstream_invalid_response', 'Gemini sent an answer that is not a GenerateContentResponse');
  }
  return parsed.data;
}

/** Set when Gemini refused the prompt itself: there are no candidates then. */
export function promptBlock(response: GenerateContentResponse): { native: string; refusal: string } | undefined {
  const native = finishReasonName(response.promptFeedback?.blockReason);
  if (native === undefined) return undefined;
  const detail = response.promptFeedback?.blockReasonMessage;
  return { native, refusal: `Gemini blocked the prompt (${native})${detail ? `: ${detail}` : ''}` };
}

/** The message of one candidate: answer text, thoughts with their signatures, calls and images. */
function messageOf(events: OutputEvent[], options: AnswerOptions): JsonObject {
  const counter = new ReasoningDetailsCounter();
  let content = '';
  let reasoning = '';
  const details: ReasoningDetail[] = [];
  const toolCalls: JsonObject[] = [];
  const images: JsonObject[] = [];
  for (const event of events) {
    if (event.kind === 'reasoning') {
      if (options.excludeReasoning) continue;
      reasoning += event.text;
      const detail = counter.text(event.text);
      const last = details.at(-1);
      if (last?.type === 'reasoning.text' && last.index === detail.index) last.text += event.text;
      else details.push(detail);
      continue;
    }
    if (event.kind === 'signature') {
      details.push(counter.signature(event.signature, event.toolCallId));
      continue;
    }
    counter.closeText();
    if (event.kind === 'text') content += event.text;
    else if (event.kind === 'tool_call') {
      toolCalls.push({ id: event.id, type: 'function', function: { name: event.name, arguments: event.arguments } });
    } else images.push({ type: 'image_url', image_url: { url: event.url } });
  }
  const message: JsonObject = { role: 'assistant', content: content === '' ? null : content, refusal: null };
  if (reasoning !== '') message.reasoning = reasoning;
  if (details.length > 0) message.reasoning_details = details;
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  if (images.length > 0) message.images = images;
  return message;
}

/** A generateContent answer as an OpenAI chat.completion. */
export function toChatCompletion(
  json: unknown,
  upstreamModel: string,
  fallbackResponseId: string,
  options = DEFAULT_ANSWER_OPTIONS,
): MappedResponse {
  const response = parseGenerateContentResponse(json);
  const responseId = response.responseId ?? fallbackResponseId;
  const searches = (response.candidates ?? []).reduce((n, c) => n + searchQueryCount(c.groundingMetadata), 0);
  const usage = response.usageMetadata ? geminiUsage(response.usageMetadata, searches) : undefined;
  const block = promptBlock(response);
  const candidates = response.candidates ?? [];
  if (candidates.length === 0 && !block) {
    throw new GatewayError(502, 'upstream_invalid_response', 'Gemini answered without any candidate');
  }
  const choices: JsonObject[] = candidates.map((candidate, position) => {
    const index = candidate.index ?? position;
    const reader = new CandidateReader(index);
    const message = messageOf(reader.read(candidate.content?.parts ?? [], responseId), options);
    const annotations = groundingAnnotations(candidate.groundingMetadata, typeof message.content === 'string' ? message.content : '');
    if (annotations.length > 0) message.annotations = annotations;
    const native = finishReasonName(candidate.finishReason);
    return {
      index,
      message,
      finish_reason: openAiFinishReason(native, reader.hasToolCalls),
      native_finish_reason: native ?? null,
    };
  });
  if (block && choices.length === 0) {
    choices.push({
      index: 0,
      message: { role: 'assistant', content: null, refusal: block.refusal },
      finish_reason: 'content_filter',
      native_finish_reason: block.native,
    });
  }
  const body: JsonObject = {
    id: responseId,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: response.modelVersion ?? upstreamModel,
    choices,
  };
  if (usage) body.usage = openAiUsageJson(usage);
  const first = choices[0]?.finish_reason;
  return { body, usage, finishReason: typeof first === 'string' ? first : null };
}
