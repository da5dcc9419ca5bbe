import { GatewayError } from '../../../../shared/errors.js';
import {
  parseChatRequest,
  webSearchOf,
  type ChatRequest,
  type ChatTool,
  type ChatToolChoice,
} from '../../protocol/openai-chat-request.js';
import { toGeminiConversation } from './conversation.js';
import type {
  GeminiGenerationConfig,
  GeminiToolConfig,
  GenerateContentRequest,
  JsonSchemaObject,
} from './gemini-request-types.js';
import { googleSearchTool } from './grounding.js';
import { convertSchema } from './response-schema.js';
import { thinkingConfig } from './thinking-config.js';

function unsupported(param: string, message: string): GatewayError {
  return new GatewayError(400, 'unsupported_parameter', message, { param });
}

function responseFormatConfig(request: ChatRequest): Pick<GeminiGenerationConfig, 'responseMimeType' | 'responseJsonSchema'> {
  const format = request.response_format;
  if (!format || format.type === 'text') return {};
  if (format.type === 'json_object' || format.json_schema.schema === undefined) return { responseMimeType: 'application/json' };
  return {
    responseMimeType: 'application/json',
    responseJsonSchema: convertSchema(format.json_schema.schema) as JsonSchemaObject,
  };
}

function generationConfig(request: ChatRequest): GeminiGenerationConfig {
  const config: GeminiGenerationConfig = {};
  const maxOutputTokens = request.max_completion_tokens ?? request.max_tokens ?? undefined;
  if (maxOutputTokens !== undefined) config.maxOutputTokens = maxOutputTokens;
  if (request.temperature != null) config.temperature = request.temperature;
  if (request.top_p != null) config.topP = request.top_p;
  if (request.top_k) config.topK = request.top_k;
  if (request.frequency_penalty != null) config.frequencyPenalty = request.frequency_penalty;
  if (request.presence_penalty != null) config.presencePenalty = request.presence_penalty;
  if (request.seed != null) config.seed = request.seed;
  if (request.n != null) config.candidateCount = request.n;
  if (request.stop != null) {
    const stops = typeof request.stop === 'string' ? [request.stop] : request.stop;
    if (stops.length > 0) config.stopSequences = stops;
  }
  Object.assign(config, responseFormatConfig(request));
  const thinking = thinkingConfig(request, maxOutputTokens);
  if (thinking) config.thinkingConfig = thinking;
  return config;
}

/** Without tools, "auto" and "none" mean nothing and are left out. */
function toolConfig(choice: ChatToolChoice, tools: ChatTool[]): GeminiToolConfig | undefined {
  if (tools.length === 0) {
    if (choice === 'auto' || choice === 'none') return undefined;
    throw unsupported('tool_choice', 'tool_choice asks for a tool call but "tools" is empty');
  }
  if (choice === 'auto') return { functionCallingConfig: { mode: 'AUTO' } };
  if (choice === 'none') return { functionCallingConfig: { mode: 'NONE' } };
  if (choice === 'required') return { functionCallingConfig: { mode: 'ANY' } };
  const name = choice.function.name;
  if (!tools.some((t) => t.function.name === name)) {
    throw unsupported('tool_choice', `tool_choice names "${name}", which is not one of "tools"`);
  }
  return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [name] } };
}

/**
 * An OpenAI chat-completions body as a Gemini generateContent body. Function parameters go as
 * `parametersJsonSchema`, which takes JSON Schema as is; a strict response schema is checked
 * keyword by keyword, since Gemini would ignore what it cannot enforce. A web search (`:online`,
 * the web plugin) adds the Google Search tool.
 */
export function toGenerateContentRequest(body: Record<string, unknown>): GenerateContentRequest {
  const request = parseChatRequest(body);
  if (request.logprobs) throw unsupported('logprobs', 'logprobs are not available through the Gemini adapter');
  const out: GenerateContentRequest = toGeminiConversation(request.messages);
  const config = generationConfig(request);
  if (Object.keys(config).length > 0) out.generationConfig = config;
  const tools = request.tools ?? [];
  if (tools.length > 0) {
    out.tools = [
      {
        functionDeclarations: tools.map(({ function: f }) => ({
          name: f.name,
          ...(f.description !== undefined ? { description: f.description } : {}),
          ...(f.parameters !== undefined ? { parametersJsonSchema: f.parameters } : {}),
        })),
      },
    ];
  }
  const search = webSearchOf(body);
  if (search) out.tools = [...(out.tools ?? []), googleSearchTool(search)];
  if (request.tool_choice != null) {
    const choice = toolConfig(request.tool_choice, tools);
    if (choice) out.toolConfig = choice;
  }
  return out;
}
