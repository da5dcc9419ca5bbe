import { GatewayError } from '../../../../shared/errors.js';
import type { AnthropicOutputConfig } from '../../protocol/anthropic-wire.js';
import { parseChatRequest, webSearchOf, type ChatRequest } from '../../protocol/openai-chat-request.js';
import { toAnthropicConversation } from './message-mapping.js';
import { outputBudget } from './output-budget.js';
import { toAnthropicTools } from './tool-mapping.js';
import { webSearchTool, type OutgoingMessagesRequest } from './web-search.js';

function unsupported(message: string): GatewayError {
  return new GatewayError(400, 'unsupported_parameter', message, { provider_family: 'anthropic' });
}

/**
 * `json_schema` maps to Anthropic's structured outputs (`output_config.format`), which
 * constrains the answer text to the schema. Anthropic has no schema-less JSON mode, so
 * `json_object` is refused rather than silently answered as free text.
 */
function outputConfig(format: ChatRequest['response_format']): AnthropicOutputConfig | undefined {
  if (!format || format.type === 'text') return undefined;
  if (format.type === 'json_object') {
    throw unsupported('response_format "json_object" is not supported by Anthropic models: use "json_schema" with a schema');
  }
  if (!format.json_schema.schema) throw unsupported('response_format "json_schema" needs json_schema.schema for Anthropic models');
  return { format: { type: 'json_schema', schema: format.json_schema.schema } };
}

/**
 * An OpenAI chat/completions body -> an Anthropic Messages request. Parameters Anthropic has no
 * counterpart for (seed, penalties, logprobs, …) are dropped, as OpenRouter does; ones whose
 * meaning cannot be kept (n > 1, audio, json_object) are a 400. A web search (`:online`, the web
 * plugin) adds Anthropic's web search server tool.
 */
export function toAnthropicRequest(body: Record<string, unknown>, upstreamModel: string, stream: boolean): OutgoingMessagesRequest {
  const req = parseChatRequest(body);
  if (req.n !== null && req.n !== undefined && req.n !== 1) throw unsupported('Anthropic models return one choice: "n" must be 1');

  const { system, messages } = toAnthropicConversation(req.messages);
  const budget = outputBudget(req);
  const out: OutgoingMessagesRequest = { model: upstreamModel, messages, max_tokens: budget.max_tokens };
  if (system.length > 0) out.system = system;
  if (budget.thinking) out.thinking = budget.thinking;
  if (req.temperature !== null && req.temperature !== undefined) out.temperature = req.temperature;
  if (req.top_p !== null && req.top_p !== undefined) out.top_p = req.top_p;
  if (req.top_k) out.top_k = req.top_k;
  if (req.stop) out.stop_sequences = typeof req.stop === 'string' ? [req.stop] : req.stop;
  if (req.user) out.metadata = { user_id: req.user };
  Object.assign(out, toAnthropicTools(req));
  const search = webSearchOf(body);
  if (search) out.tools = [...(out.tools ?? []), webSearchTool(search)];
  const config = outputConfig(req.response_format);
  if (config) out.output_config = config;
  if (req.cache_control) out.cache_control = req.cache_control;
  if (stream) out.stream = true;
  return out;
}
