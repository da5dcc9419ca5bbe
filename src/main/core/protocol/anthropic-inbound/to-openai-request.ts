/**
 * An Anthropic Messages API request as an OpenAI chat/completions body, for models served by
 * OpenAI-compatible (or Gemini, through the adapter's OpenAI form) providers.
 *
 * Dropped on purpose, because OpenAI-compatible APIs have no equivalent or reject the field:
 * `top_k`, `metadata`, `thinking` (enabled, adaptive: its budget has no portable form) and
 * `output_config.effort` but where the endpoint declares reasoning (a reasoning request sent to
 * a non-reasoning model is a 400 there), `cache_control` (those providers cache on their own),
 * `context_management` (Anthropic's server-side clearing of old tool results: the client's
 * history goes as sent), `service_tier`, and the `anthropic-beta` header. Blocks and tools with no OpenAI form (server tools but web search, URL
 * documents) are a 400. The web search server tool is the target's own search, which the caller
 * asks for (`webSearchToolOf`): it has no place among the function tools.
 */
import { z } from 'zod';
import { GatewayError } from '../../../../shared/errors.js';
import {
  customToolSchema,
  messageParamSchema,
  messagesRequestSchema,
  textBlockSchema,
  type AnthropicDocumentBlock,
  type AnthropicImageBlock,
  type AnthropicMessagesRequest,
  type AnthropicRequestContentBlock,
  type AnthropicToolChoice,
  type AnthropicToolResultBlock,
} from '../anthropic-wire.js';
import { reasoningDetailOf } from './reasoning-blocks.js';
import { anthropicValidationMessage } from './validation-message.js';
import { webSearchServerToolSchema, type WebSearchServerTool } from './web-search-tool.js';

export interface OpenAiTarget {
  /** OpenAI's own API wants `max_completion_tokens` (its reasoning models refuse `max_tokens`); most compatible servers know only `max_tokens`. */
  maxTokensField: 'max_tokens' | 'max_completion_tokens';
  /**
   * Which earlier thinking goes back as OpenRouter `reasoning_details`: 'signed' for targets
   * that read signatures (they keep multi-turn tool use with reasoning working), 'all' for
   * targets that also take unsigned reasoning text back (DeepSeek wants it after tool calls),
   * 'none' for strict OpenAI-compatible APIs, which refuse unknown message fields.
   */
  replayReasoning: 'none' | 'signed' | 'all';
  /**
   * The endpoint declares reasoning among its supported parameters: `output_config.effort` goes
   * along as `reasoning_effort`. Elsewhere it is dropped, since a model that does not reason
   * refuses the field, and Claude Code sends an effort whatever the model.
   */
  reasoningEffort: boolean;
}

/** Anthropic's efforts above `high` (`xhigh`, `max`) have no counterpart every reasoning API takes. */
const EFFORTS: Record<string, 'low' | 'medium' | 'high'> = { low: 'low', medium: 'medium', high: 'high', xhigh: 'high', max: 'high' };

type JsonObject = Record<string, unknown>;
type ContentPart =
  | { type: 'text'; text: string }
  | { type: 'image_url'; image_url: { url: string } }
  | { type: 'file'; file: { filename: string; file_data: string } };

/**
 * Custom tools translate to functions, the web search server tool to the target's own search;
 * other server tools (`bash_…`, `code_execution_…`) run on Anthropic's side only.
 */
const translatableToolSchema = z.discriminatedUnion(
  'type',
  [z.looseObject({ type: z.literal('custom').optional() }).extend(customToolSchema.shape), webSearchServerToolSchema],
  { error: "only custom tools and the web search tool can be sent to this model: Anthropic's other server tools run on Anthropic models only" },
);
type TranslatableTool = z.infer<typeof translatableToolSchema>;
/**
 * Claude Code puts `{"role":"system"}` turns among the messages (Anthropic's mid-conversation
 * system messages); they stay where they are, as OpenAI system messages.
 */
const systemTurnSchema = z.looseObject({ role: z.literal('system'), content: z.union([z.string(), z.array(textBlockSchema)]) });
const translatableMessageSchema = z.discriminatedUnion('role', [
  messageParamSchema.extend({ role: z.literal('user') }),
  messageParamSchema.extend({ role: z.literal('assistant') }),
  systemTurnSchema,
]);
const translatableRequestSchema = messagesRequestSchema.extend({
  messages: z.array(translatableMessageSchema),
  tools: z.array(translatableToolSchema).optional(),
});
export type TranslatableRequest = z.infer<typeof translatableRequestSchema>;

function isWebSearchTool(tool: TranslatableTool): tool is WebSearchServerTool {
  return tool.type !== undefined && tool.type !== 'custom';
}

const documentSourceSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('base64'), media_type: z.string(), data: z.string() }),
  z.looseObject({ type: z.literal('text'), data: z.string() }),
]);

function untranslatable(model: string, what: string): GatewayError {
  return new GatewayError(400, 'untranslatable_request', `Model "${model}" is not an Anthropic model, so ${what} cannot be sent to it`, {
    model,
  });
}

/** Reads a /v1/messages body for translation; what does not fit is a 400 worded as Anthropic words it. */
export function parseTranslatableRequest(body: unknown, model: string): TranslatableRequest {
  const parsed = translatableRequestSchema.safeParse(body);
  if (parsed.success) return parsed.data;
  const { path, message } = anthropicValidationMessage(parsed.error.issues);
  throw new GatewayError(400, 'untranslatable_request', message, { model, path });
}

function systemText(system: AnthropicMessagesRequest['system'] | z.infer<typeof systemTurnSchema>['content']): string {
  if (system === undefined) return '';
  return typeof system === 'string' ? system : system.map((block) => block.text).join('\n');
}

/** A single text part as a plain string: the form every compatible server accepts. */
function contentOf(parts: ContentPart[]): string | ContentPart[] {
  const [first] = parts;
  if (parts.length === 1 && first?.type === 'text') return first.text;
  return parts;
}

function imagePart(block: AnthropicImageBlock): ContentPart {
  const { source } = block;
  const url = source.type === 'base64' ? `data:${source.media_type};base64,${source.data}` : source.url;
  return { type: 'image_url', image_url: { url } };
}

function documentPart(block: AnthropicDocumentBlock, model: string): ContentPart {
  const source = documentSourceSchema.safeParse(block.source);
  if (!source.success) throw untranslatable(model, `a document given as "${block.source.type}" (send it as base64 or text)`);
  if (source.data.type === 'text') return { type: 'text', text: source.data.data };
  const { media_type: mediaType, data } = source.data;
  return { type: 'file', file: { filename: block.title ?? 'document.pdf', file_data: `data:${mediaType};base64,${data}` } };
}

/**
 * OpenAI tool messages carry text only, so images and documents of a tool result travel in the
 * user message that follows the tool messages.
 */
function toolResult(block: AnthropicToolResultBlock, model: string): { message: JsonObject; media: ContentPart[] } {
  const content = block.content ?? '';
  if (typeof content === 'string') return { message: { role: 'tool', tool_call_id: block.tool_use_id, content }, media: [] };
  const texts: ContentPart[] = [];
  const media: ContentPart[] = [];
  for (const part of content) {
    if (part.type === 'text') texts.push({ type: 'text', text: part.text });
    else media.push(part.type === 'image' ? imagePart(part) : documentPart(part, model));
  }
  return { message: { role: 'tool', tool_call_id: block.tool_use_id, content: texts.length === 0 ? '' : contentOf(texts) }, media };
}

/** Tool results become tool messages, which OpenAI wants right after the assistant's calls: they go first. */
function userMessages(blocks: AnthropicRequestContentBlock[], model: string): JsonObject[] {
  const out: JsonObject[] = [];
  const parts: ContentPart[] = [];
  for (const block of blocks) {
    switch (block.type) {
      case 'tool_result': {
        const { message, media } = toolResult(block, model);
        out.push(message);
        parts.push(...media);
        break;
      }
      case 'text':
        parts.push({ type: 'text', text: block.text });
        break;
      case 'image':
        parts.push(imagePart(block));
        break;
      case 'document':
        parts.push(documentPart(block, model));
        break;
      default:
        throw untranslatable(model, `a "${block.type}" block in a user message`);
    }
  }
  if (parts.length > 0) out.push({ role: 'user', content: contentOf(parts) });
  return out;
}

function assistantMessage(blocks: AnthropicRequestContentBlock[], model: string, target: OpenAiTarget): JsonObject {
  const texts: ContentPart[] = [];
  const toolCalls: JsonObject[] = [];
  const reasoning: JsonObject[] = [];
  for (const block of blocks) {
    switch (block.type) {
      case 'text':
        texts.push({ type: 'text', text: block.text });
        break;
      case 'tool_use':
        toolCalls.push({ id: block.id, type: 'function', function: { name: block.name, arguments: JSON.stringify(block.input) } });
        break;
      case 'thinking':
      case 'redacted_thinking': {
        const detail = reasoningDetailOf(block, reasoning.length, target.replayReasoning === 'all');
        if (detail) reasoning.push(detail);
        break;
      }
      default:
        throw untranslatable(model, `a "${block.type}" block in an assistant message`);
    }
  }
  // OpenAI accepts a null content only beside tool calls.
  const empty = toolCalls.length > 0 ? null : '';
  const message: JsonObject = { role: 'assistant', content: texts.length === 0 ? empty : contentOf(texts) };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  if (target.replayReasoning !== 'none' && reasoning.length > 0) message.reasoning_details = reasoning;
  return message;
}

function toolChoiceOf(choice: AnthropicToolChoice): unknown {
  switch (choice.type) {
    case 'auto':
      return 'auto';
    case 'any':
      return 'required';
    case 'none':
      return 'none';
    case 'tool':
      return { type: 'function', function: { name: choice.name } };
  }
}

/**
 * The client's web search server tool, whose search the target runs natively. No such search can
 * filter domains (Gemini's grounding, OpenAI's web_search_options), so a domain filter is a 400,
 * not silently ignored. `max_uses` is a ceiling the target's own choice of searches may stay under,
 * and `user_location` a hint: both go unread.
 */
export function webSearchToolOf(request: TranslatableRequest): WebSearchServerTool | undefined {
  const tool = request.tools?.find(isWebSearchTool);
  if (!tool) return undefined;
  const filter = tool.allowed_domains?.length ? 'allowed_domains' : tool.blocked_domains?.length ? 'blocked_domains' : undefined;
  if (filter) throw untranslatable(request.model, `a web search with ${filter} (only Anthropic's web search filters domains)`);
  return tool;
}

export function toOpenAiChatBody(request: TranslatableRequest, target: OpenAiTarget): JsonObject {
  const { model } = request;
  const messages: JsonObject[] = [];
  const system = systemText(request.system);
  if (system) messages.push({ role: 'system', content: system });
  for (const message of request.messages) {
    if (message.role === 'system') messages.push({ role: 'system', content: systemText(message.content) });
    else if (typeof message.content === 'string') messages.push({ role: message.role, content: message.content });
    else if (message.role === 'user') messages.push(...userMessages(message.content, model));
    else messages.push(assistantMessage(message.content, model, target));
  }

  const body: JsonObject = { model, messages, [target.maxTokensField]: request.max_tokens };
  if (request.stream) body.stream = true;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.top_p !== undefined) body.top_p = request.top_p;
  if (request.stop_sequences?.length) body.stop = request.stop_sequences;
  const functions = (request.tools ?? []).flatMap((tool) => (isWebSearchTool(tool) ? [] : [tool]));
  if (functions.length > 0) {
    body.tools = functions.map((tool) => ({
      type: 'function',
      function: { name: tool.name, ...(tool.description === undefined ? {} : { description: tool.description }), parameters: tool.input_schema },
    }));
  }
  // OpenAI refuses a tool_choice without tools, as when the web search is the only tool.
  if (request.tool_choice && functions.length > 0) {
    body.tool_choice = toolChoiceOf(request.tool_choice);
    if ('disable_parallel_tool_use' in request.tool_choice && request.tool_choice.disable_parallel_tool_use) body.parallel_tool_calls = false;
  }
  const effort = request.thinking?.type === 'disabled' ? undefined : EFFORTS[request.output_config?.effort ?? ''];
  if (target.reasoningEffort && effort) body.reasoning_effort = effort;
  const format = request.output_config?.format;
  if (format) body.response_format = { type: 'json_schema', json_schema: { name: 'output', schema: format.schema } };
  return body;
}
