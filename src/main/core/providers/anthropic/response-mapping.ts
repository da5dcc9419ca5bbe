import { GatewayError } from '../../../../shared/errors.js';
import { messageSchema, responseContentBlockSchema, type AnthropicMessage } from '../../protocol/anthropic-wire.js';
import { DEFAULT_ANSWER_OPTIONS, type AnswerOptions } from '../../protocol/openai-chat-request.js';
import { openAiUsageJson } from '../../protocol/token-usage.js';
import type { UrlCitationAnnotation } from '../../protocol/url-citation.js';
import type { MappedResponse } from '../provider-adapter.js';
import { reasoningDetailOf, type ReasoningDetail } from './reasoning-details.js';
import { finishReasonOf, tokenUsageOf } from './usage-mapping.js';
import { annotationsOf, webCitationsOf } from './web-search.js';

export interface OpenAiToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface OpenAiAssistantMessage {
  role: 'assistant';
  content: string | null;
  refusal: null;
  /** OpenRouter's fields for the model's thinking. */
  reasoning?: string;
  reasoning_details?: ReasoningDetail[];
  tool_calls?: OpenAiToolCall[];
  /** Web sources the text cites (a web search ran). */
  annotations?: UrlCitationAnnotation[];
}

function assistantMessage(message: AnthropicMessage, options: AnswerOptions): OpenAiAssistantMessage {
  const text: string[] = [];
  const thinking: string[] = [];
  const details: ReasoningDetail[] = [];
  const toolCalls: OpenAiToolCall[] = [];
  const annotations: UrlCitationAnnotation[] = [];
  let length = 0;
  for (const raw of message.content) {
    const parsed = responseContentBlockSchema.safeParse(raw);
    if (!parsed.success) continue;
    const block = parsed.data;
    switch (block.type) {
      case 'text':
        text.push(block.text);
        annotations.push(...annotationsOf(webCitationsOf(block.citations), length, length + block.text.length));
        length += block.text.length;
        break;
      case 'thinking':
        // Left out with `reasoning.exclude`; a later turn continuing a tool call then has no thinking to replay.
        if (options.excludeReasoning) break;
        thinking.push(block.thinking);
        details.push(reasoningDetailOf(block, details.length));
        break;
      case 'redacted_thinking':
        details.push(reasoningDetailOf(block, details.length));
        break;
      case 'tool_use':
        toolCalls.push({ id: block.id, type: 'function', function: { name: block.name, arguments: JSON.stringify(block.input) } });
        break;
    }
  }
  const out: OpenAiAssistantMessage = { role: 'assistant', content: text.length > 0 ? text.join('') : null, refusal: null };
  if (thinking.length > 0) out.reasoning = thinking.join('');
  if (details.length > 0) out.reasoning_details = details;
  if (toolCalls.length > 0) out.tool_calls = toolCalls;
  if (annotations.length > 0) out.annotations = annotations;
  return out;
}

/** A non-streamed Anthropic message -> an OpenAI chat.completion. */
export function toChatCompletion(json: unknown, providerId: string, options = DEFAULT_ANSWER_OPTIONS): MappedResponse {
  const parsed = messageSchema.safeParse(json);
  if (!parsed.success) {
    throw new GatewayError(502, 'upstream_invalid_response', `Provider "${providerId}" sent a response that is not an Anthropic message`, {
      provider: providerId,
    });
  }
  const message = parsed.data;
  const usage = tokenUsageOf(message.usage);
  const finishReason = finishReasonOf(message.stop_reason);
  return {
    body: {
      id: message.id,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: message.model,
      choices: [{ index: 0, message: assistantMessage(message, options), logprobs: null, finish_reason: finishReason }],
      usage: openAiUsageJson(usage),
    },
    usage,
    finishReason,
  };
}
