/**
 * An OpenAI Responses API request (POST /v1/responses) read at the edge, and its translation to
 * the chat/completions body every provider adapter takes: the gateway's one internal request
 * model. OpenAI providers get the Responses body itself (native pass-through); every other
 * target gets this chat body.
 *
 * The gateway keeps no state, so `previous_response_id` and `conversation` are refused: the
 * client sends the whole conversation as input items (Codex does, with `store: false`).
 * Dropped on purpose, having no chat form or no effect without server state: `store`, `include`
 * (encrypted reasoning always comes back), `prompt_cache_key`, `metadata`, `user`,
 * `safety_identifier`, `service_tier`, `truncation`, `reasoning.summary` (summaries always come
 * back when the target reasons visibly), `text.verbosity`.
 */
import { z } from 'zod';
import { GatewayError } from '../../../../shared/errors.js';
import type { ReasoningDetailInput } from '../openai-chat-request.js';
import { detailsOfEncryptedContent } from './reasoning-carrier.js';

type JsonObject = Record<string, unknown>;

const inputTextSchema = z.looseObject({ type: z.enum(['input_text', 'output_text', 'text']), text: z.string() });
const inputImageSchema = z.looseObject({
  type: z.literal('input_image'),
  image_url: z.string().nullish(),
  file_id: z.string().nullish(),
  detail: z.string().nullish(),
});
const inputFileSchema = z.looseObject({
  type: z.literal('input_file'),
  file_data: z.string().nullish(),
  file_url: z.string().nullish(),
  file_id: z.string().nullish(),
  filename: z.string().nullish(),
});
const refusalSchema = z.looseObject({ type: z.literal('refusal'), refusal: z.string() });
const contentPartSchema = z.discriminatedUnion('type', [inputTextSchema, inputImageSchema, inputFileSchema, refusalSchema]);
type ContentPart = z.infer<typeof contentPartSchema>;

const messageItemSchema = z.looseObject({
  type: z.literal('message').optional(),
  role: z.enum(['user', 'assistant', 'system', 'developer']),
  content: z.union([z.string(), z.array(contentPartSchema)]),
});
const functionCallItemSchema = z.looseObject({
  type: z.literal('function_call'),
  call_id: z.string(),
  name: z.string(),
  arguments: z.string(),
  /** Codex groups MCP tools in namespaces; the call names its namespace apart. */
  namespace: z.string().nullish(),
});
const functionCallOutputItemSchema = z.looseObject({
  type: z.literal('function_call_output'),
  call_id: z.string(),
  output: z.union([z.string(), z.array(contentPartSchema)]),
});
const reasoningItemSchema = z.looseObject({
  type: z.literal('reasoning'),
  summary: z.array(z.looseObject({ text: z.string() })).nullish(),
  content: z.array(z.looseObject({ text: z.string() })).nullish(),
  encrypted_content: z.string().nullish(),
});
/** A hosted search's record: the search ran on the provider's side, its findings are in the answer text. */
const webSearchCallItemSchema = z.looseObject({ type: z.literal('web_search_call') });

/** Items of OpenAI's hosted tools (custom_tool_call, local_shell_call, …): an OpenAI provider takes them as sent. */
const otherItemSchema = z.looseObject({ type: z.string() });
const inputItemSchema = z.union([
  z.discriminatedUnion('type', [functionCallItemSchema, functionCallOutputItemSchema, reasoningItemSchema, webSearchCallItemSchema]),
  messageItemSchema,
  otherItemSchema,
]);
type InputItem = z.infer<typeof inputItemSchema>;

const functionToolSchema = z.looseObject({
  type: z.literal('function'),
  name: z.string().min(1),
  description: z.string().nullish(),
  parameters: z.record(z.string(), z.unknown()).nullish(),
  strict: z.boolean().nullish(),
});
type FunctionTool = z.infer<typeof functionToolSchema>;
const namespaceToolSchema = z.looseObject({
  type: z.literal('namespace'),
  name: z.string().min(1),
  description: z.string().nullish(),
  tools: z.array(functionToolSchema),
});
const webSearchToolSchema = z.looseObject({ type: z.enum(['web_search', 'web_search_preview', 'web_search_2025_08_26']) });
/** OpenAI's other hosted and custom tools go to OpenAI providers as sent; no other target can take them. */
const toolSchema = z.union([z.discriminatedUnion('type', [functionToolSchema, namespaceToolSchema, webSearchToolSchema]), z.looseObject({ type: z.string() })]);
const WEB_SEARCH_TOOLS: ReadonlySet<string> = new Set(webSearchToolSchema.shape.type.options);

const toolChoiceSchema = z.union([
  z.enum(['auto', 'none', 'required']),
  z.looseObject({ type: z.literal('function'), name: z.string() }),
  z.looseObject({ type: z.enum(['web_search', 'web_search_preview']) }),
]);

const textFormatSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('text') }),
  z.looseObject({ type: z.literal('json_object') }),
  z.looseObject({
    type: z.literal('json_schema'),
    name: z.string(),
    schema: z.record(z.string(), z.unknown()),
    description: z.string().nullish(),
    strict: z.boolean().nullish(),
  }),
]);

export const responsesRequestSchema = z.looseObject({
  model: z.string(),
  input: z.union([z.string(), z.array(inputItemSchema)]),
  instructions: z.string().nullish(),
  tools: z.array(toolSchema).nullish(),
  tool_choice: toolChoiceSchema.nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  text: z.looseObject({ format: textFormatSchema.nullish() }).nullish(),
  reasoning: z.looseObject({ effort: z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']).nullish() }).nullish(),
  max_output_tokens: z.number().int().positive().nullish(),
  temperature: z.number().nullish(),
  top_p: z.number().nullish(),
  stream: z.boolean().nullish(),
  previous_response_id: z.string().nullish(),
  conversation: z.unknown().optional(),
});
export type ResponsesRequest = z.infer<typeof responsesRequestSchema>;

/** Request fields of OpenRouter's that the gateway's router reads, carried into the chat body as they are. */
const ROUTING_FIELDS = ['models', 'provider', 'plugins', 'usage', 'route', 'transforms', 'preset'] as const;

function invalid(message: string, param?: string): GatewayError {
  return new GatewayError(400, 'invalid_request', message, param ? { param } : undefined);
}

/** Reads a Responses body; what does not fit is a 400 naming the field. */
export function parseResponsesRequest(body: unknown): ResponsesRequest {
  const parsed = responsesRequestSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.map(String).join('.') ?? '';
    throw invalid(`Invalid Responses request at "${path}": ${issue?.message ?? 'invalid input'}`, path);
  }
  const request = parsed.data;
  if (request.previous_response_id || request.conversation !== undefined) {
    const param = request.previous_response_id ? 'previous_response_id' : 'conversation';
    throw invalid(
      `"${param}" is not supported: the gateway stores no responses (store: false). Send the whole conversation as input items, ` +
        'with the output items of earlier responses (reasoning items included) passed back.',
      param,
    );
  }
  return request;
}

/** Namespaced tools are functions named `namespace__tool` on the way to a model that knows no namespaces. */
export const NAMESPACE_SEPARATOR = '__';

function textOf(parts: string | ContentPart[]): string {
  if (typeof parts === 'string') return parts;
  return parts.map((part) => (part.type === 'refusal' ? part.refusal : 'text' in part ? part.text : '')).join('');
}

function chatPart(part: ContentPart): JsonObject {
  switch (part.type) {
    case 'input_image': {
      if (!part.image_url) throw invalid('input_image needs an image_url (a URL or a data: URL); file ids need OpenAI\'s file store', 'input');
      const image: JsonObject = { url: part.image_url };
      if (part.detail) image.detail = part.detail;
      return { type: 'image_url', image_url: image };
    }
    case 'input_file': {
      if (!part.file_data) throw invalid('input_file needs file_data (a data: URL); file ids and URLs need OpenAI\'s file store', 'input');
      return { type: 'file', file: { filename: part.filename ?? 'document.pdf', file_data: part.file_data } };
    }
    case 'refusal':
      return { type: 'text', text: part.refusal };
    default:
      return { type: 'text', text: part.text };
  }
}

function userContent(content: string | ContentPart[]): string | JsonObject[] {
  if (typeof content === 'string') return content;
  if (content.every((part) => part.type !== 'input_image' && part.type !== 'input_file')) return textOf(content);
  return content.map(chatPart);
}

/** Collects consecutive assistant output (text, calls, reasoning) into one chat assistant message, as chat wants it. */
class AssistantTurn {
  text = '';
  calls: JsonObject[] = [];
  reasoning: ReasoningDetailInput[] = [];

  message(): JsonObject {
    const message: JsonObject = { role: 'assistant', content: this.calls.length > 0 && this.text === '' ? null : this.text };
    if (this.calls.length > 0) message.tool_calls = this.calls;
    if (this.reasoning.length > 0) message.reasoning_details = this.reasoning;
    return message;
  }
}

/** One input item read by its own schema: the request's union lets any typed item through, for OpenAI's API to judge. */
function itemOf<T>(schema: z.ZodType<T>, item: InputItem): T {
  const parsed = schema.safeParse(item);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw invalid(`Invalid "${String(item.type)}" input item at "${issue?.path.join('.') ?? ''}": ${issue?.message ?? 'invalid input'}`, 'input');
}

function inputMessages(items: InputItem[], untranslatable: Set<string>): JsonObject[] {
  const messages: JsonObject[] = [];
  let turn = new AssistantTurn();
  const flush = () => {
    // Reasoning with nothing after it (an aborted turn) has no assistant message to ride on.
    if (turn.text !== '' || turn.calls.length > 0) messages.push(turn.message());
    turn = new AssistantTurn();
  };
  for (const item of items) {
    if (!('type' in item) || item.type === undefined || item.type === 'message') {
      const message = item as z.infer<typeof messageItemSchema>;
      // One response's output items (reasoning, text, calls) are one chat assistant message.
      if (message.role === 'assistant') {
        turn.text += textOf(message.content);
        continue;
      }
      flush();
      // Compatible servers know no developer role; every adapter reads system messages in place.
      const role = message.role === 'developer' ? 'system' : message.role;
      messages.push({ role, content: role === 'user' ? userContent(message.content) : textOf(message.content) });
      continue;
    }
    switch (item.type) {
      case 'function_call': {
        const call = itemOf(functionCallItemSchema, item);
        const name = call.namespace ? `${call.namespace}${NAMESPACE_SEPARATOR}${call.name}` : call.name;
        turn.calls.push({ id: call.call_id, type: 'function', function: { name, arguments: call.arguments } });
        break;
      }
      case 'function_call_output': {
        const output = itemOf(functionCallOutputItemSchema, item);
        flush();
        messages.push({ role: 'tool', tool_call_id: output.call_id, content: textOf(output.output) });
        break;
      }
      case 'reasoning':
        turn.reasoning.push(...detailsOfEncryptedContent(itemOf(reasoningItemSchema, item).encrypted_content));
        break;
      case 'web_search_call':
        break;
      default:
        untranslatable.add(`input items of type "${item.type}"`);
    }
  }
  flush();
  return messages;
}

function functionOf(tool: FunctionTool, name = tool.name): JsonObject {
  const fn: JsonObject = { name, parameters: tool.parameters ?? { type: 'object', properties: {} } };
  if (tool.description) fn.description = tool.description;
  if (tool.strict !== null && tool.strict !== undefined) fn.strict = tool.strict;
  return { type: 'function', function: fn };
}

function chatTools(tools: NonNullable<ResponsesRequest['tools']>): JsonObject[] {
  return tools.flatMap((tool) => {
    if (tool.type === 'function') return [functionOf(tool as FunctionTool)];
    if (tool.type === 'namespace') {
      const ns = tool as z.infer<typeof namespaceToolSchema>;
      return ns.tools.map((inner) => functionOf(inner, `${ns.name}${NAMESPACE_SEPARATOR}${inner.name}`));
    }
    return [];
  });
}

/** The hosted web search is among the tools the model may use. */
export function offersHostedSearch(request: ResponsesRequest): boolean {
  return (request.tools ?? []).some((tool) => WEB_SEARCH_TOOLS.has(tool.type));
}

/** The client insists on the hosted search (`tool_choice`): a target without one cannot answer. */
function requiresHostedSearch(request: ResponsesRequest): boolean {
  const choice = request.tool_choice;
  return typeof choice === 'object' && choice !== null && WEB_SEARCH_TOOLS.has(choice.type);
}

export interface ChatTranslation {
  body: JsonObject;
  /** What only OpenAI's own API takes (hosted tools, their items): a target that is not OpenAI's must refuse the request. */
  untranslatable: string[];
}

/** The chat/completions body that carries the same request to any provider adapter. */
export function toChatBody(request: ResponsesRequest, client: JsonObject): ChatTranslation {
  const untranslatable = new Set<string>();
  for (const tool of request.tools ?? []) {
    if (tool.type !== 'function' && tool.type !== 'namespace' && !WEB_SEARCH_TOOLS.has(tool.type)) untranslatable.add(`the "${tool.type}" tool`);
  }
  const messages: JsonObject[] = [];
  if (request.instructions) messages.push({ role: 'system', content: request.instructions });
  if (typeof request.input === 'string') messages.push({ role: 'user', content: request.input });
  else messages.push(...inputMessages(request.input, untranslatable));

  const body: JsonObject = { model: request.model, messages };
  for (const field of ROUTING_FIELDS) if (client[field] !== undefined) body[field] = client[field];
  if (request.stream) body.stream = true;
  if (request.max_output_tokens) body.max_tokens = request.max_output_tokens;
  if (request.temperature !== null && request.temperature !== undefined) body.temperature = request.temperature;
  if (request.top_p !== null && request.top_p !== undefined) body.top_p = request.top_p;
  if (request.reasoning?.effort) body.reasoning_effort = request.reasoning.effort;
  const tools = chatTools(request.tools ?? []);
  if (tools.length > 0) {
    body.tools = tools;
    const choice = request.tool_choice;
    if (typeof choice === 'string') body.tool_choice = choice;
    else if (choice?.type === 'function' && 'name' in choice) body.tool_choice = { type: 'function', function: { name: choice.name } };
    if (request.parallel_tool_calls === false) body.parallel_tool_calls = false;
  }
  // Required, the hosted search is the router's `:online`: targets without a native search are skipped,
  // with the reason. Only offered (Codex offers it on every request), it is each target's own search
  // where there is one (responses-adapters.ts), and left out where there is none.
  if (requiresHostedSearch(request) && !Array.isArray(body.plugins)) body.plugins = [{ id: 'web' }];
  const format = request.text?.format;
  if (format?.type === 'json_object') body.response_format = { type: 'json_object' };
  if (format?.type === 'json_schema') {
    const schema = format as Extract<typeof format, { type: 'json_schema' }>;
    const jsonSchema: JsonObject = { name: schema.name, schema: schema.schema };
    if (schema.strict !== null && schema.strict !== undefined) jsonSchema.strict = schema.strict;
    body.response_format = { type: 'json_schema', json_schema: jsonSchema };
  }
  return { body, untranslatable: [...untranslatable] };
}

/** A called function's name as the client knows it: a namespaced tool's name comes back split. */
export function clientToolName(request: ResponsesRequest, called: string): { name: string; namespace?: string } {
  for (const tool of request.tools ?? []) {
    if (tool.type !== 'namespace') continue;
    const ns = tool as z.infer<typeof namespaceToolSchema>;
    const prefix = `${ns.name}${NAMESPACE_SEPARATOR}`;
    if (called.startsWith(prefix) && ns.tools.some((inner) => inner.name === called.slice(prefix.length))) {
      return { name: called.slice(prefix.length), namespace: ns.name };
    }
  }
  return { name: called };
}
