/**
 * The OpenAI chat/completions request (with OpenRouter's extras) as the translations to other
 * APIs (Anthropic, Gemini) read it, parsed at the edge. Loose: fields no translation reads pass
 * unread. A field of the wrong shape is a 400 naming where it is; content a target API cannot
 * take (audio for Anthropic, file ids for Gemini, …) is that translation's own 400.
 */
import { z } from 'zod';
import { GatewayError } from '../../../shared/errors.js';
import { cacheControlSchema } from './anthropic-wire.js';

/** OpenRouter lets Anthropic's `cache_control` ride on content parts and tools. */
const cacheControl = cacheControlSchema.optional();

const textPart = z.looseObject({ type: z.literal('text'), text: z.string(), cache_control: cacheControl });
const imagePart = z.looseObject({
  type: z.literal('image_url'),
  image_url: z.union([z.string(), z.looseObject({ url: z.string(), detail: z.string().optional() })]),
  cache_control: cacheControl,
});
const filePart = z.looseObject({
  type: z.literal('file'),
  file: z.looseObject({ file_data: z.string().optional(), file_id: z.string().optional(), filename: z.string().optional() }),
  cache_control: cacheControl,
});
const audioPart = z.looseObject({
  type: z.literal('input_audio'),
  input_audio: z.looseObject({ data: z.string(), format: z.string() }),
});
const refusalPart = z.looseObject({ type: z.literal('refusal'), refusal: z.string() });

export const chatContentPartSchema = z.discriminatedUnion('type', [textPart, imagePart, filePart, audioPart, refusalPart]);
export type ChatContentPart = z.infer<typeof chatContentPartSchema>;

const content = z.union([z.string(), z.array(chatContentPartSchema)]);
export type ChatContent = z.infer<typeof content>;

/** OpenRouter's `reasoning_details` items, as a client sends them back on the next turn. */
export const reasoningDetailInputSchema = z.looseObject({
  type: z.string(),
  text: z.string().nullish(),
  summary: z.string().nullish(),
  data: z.string().nullish(),
  signature: z.string().nullish(),
  /** Whose reasoning it is (`anthropic-claude-v1`, `google-gemini-v1`, …): only the issuer accepts it back. */
  format: z.string().nullish(),
  /** Gemini: the tool call a signature rode on. */
  id: z.string().nullish(),
  /** Streamed pieces of one reasoning block share an index. */
  index: z.number().int().nullish(),
});
export type ReasoningDetailInput = z.infer<typeof reasoningDetailInputSchema>;

export const chatToolCallSchema = z.looseObject({
  id: z.string(),
  type: z.literal('function').optional(),
  function: z.looseObject({ name: z.string(), arguments: z.string() }),
  /** Gemini's own OpenAI-compatible API returns thought signatures here. */
  extra_content: z.looseObject({ google: z.looseObject({ thought_signature: z.string().optional() }).optional() }).optional(),
});
export type ChatToolCall = z.infer<typeof chatToolCallSchema>;

const systemMessage = z.looseObject({ role: z.enum(['system', 'developer']), content });
const userMessage = z.looseObject({ role: z.literal('user'), content });
const assistantMessage = z.looseObject({
  role: z.literal('assistant'),
  content: content.nullish(),
  tool_calls: z.array(chatToolCallSchema).nullish(),
  reasoning_details: z.array(reasoningDetailInputSchema).nullish(),
});
const toolMessage = z.looseObject({ role: z.literal('tool'), tool_call_id: z.string(), content });

export const chatMessageSchema = z.discriminatedUnion('role', [systemMessage, userMessage, assistantMessage, toolMessage]);
export type ChatMessage = z.infer<typeof chatMessageSchema>;

export const chatToolSchema = z.looseObject({
  type: z.literal('function'),
  function: z.looseObject({
    name: z.string().min(1),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullish(),
  }),
  cache_control: cacheControl,
});
export type ChatTool = z.infer<typeof chatToolSchema>;

export const chatToolChoiceSchema = z.union([
  z.enum(['auto', 'none', 'required']),
  z.looseObject({ type: z.literal('function'), function: z.looseObject({ name: z.string() }) }),
]);
export type ChatToolChoice = z.infer<typeof chatToolChoiceSchema>;

export const reasoningEffortSchema = z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']);
export type ReasoningEffort = z.infer<typeof reasoningEffortSchema>;

/** OpenRouter's unified reasoning control. */
const reasoningSchema = z.looseObject({
  effort: reasoningEffortSchema.optional(),
  /** 0 is a real budget on Gemini (thinking off). */
  max_tokens: z.number().int().nonnegative().optional(),
  enabled: z.boolean().optional(),
  /** Reason (and bill for it) but leave the reasoning out of the answer. */
  exclude: z.boolean().optional(),
});

const responseFormatSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('text') }),
  z.looseObject({ type: z.literal('json_object') }),
  z.looseObject({
    type: z.literal('json_schema'),
    json_schema: z.looseObject({
      name: z.string().optional(),
      description: z.string().optional(),
      schema: z.record(z.string(), z.unknown()).optional(),
      strict: z.boolean().nullish(),
    }),
  }),
]);

const positiveInt = z.number().int().positive();

export const chatRequestSchema = z.looseObject({
  messages: z.array(chatMessageSchema).min(1),
  max_tokens: positiveInt.nullish(),
  max_completion_tokens: positiveInt.nullish(),
  temperature: z.number().nullish(),
  top_p: z.number().nullish(),
  /** OpenRouter extra; 0, its default, means no top-k. */
  top_k: z.number().int().nonnegative().nullish(),
  frequency_penalty: z.number().nullish(),
  presence_penalty: z.number().nullish(),
  stop: z.union([z.string(), z.array(z.string())]).nullish(),
  seed: z.number().int().nullish(),
  n: positiveInt.nullish(),
  user: z.string().nullish(),
  logprobs: z.boolean().nullish(),
  tools: z.array(chatToolSchema).nullish(),
  tool_choice: chatToolChoiceSchema.nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  response_format: responseFormatSchema.nullish(),
  reasoning: reasoningSchema.nullish(),
  /** OpenAI's own spelling of the effort. */
  reasoning_effort: reasoningEffortSchema.nullish(),
  /** Top-level automatic prompt caching (OpenRouter passes Anthropic's field through). */
  cache_control: cacheControl,
});
export type ChatRequest = z.infer<typeof chatRequestSchema>;

type Issue = z.core.$ZodIssue;

/** The most specific reason: a union's failure is explained by its branch that got furthest. */
function deepestIssue(issue: Issue): { path: PropertyKey[]; message: string } {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return { path: issue.path, message: issue.message };
  const branches = issue.errors.flat().map(deepestIssue);
  const best = branches.reduce((a, b) => (b.path.length > a.path.length ? b : a));
  return { path: [...issue.path, ...best.path], message: best.message };
}

function pathText(path: PropertyKey[]): string {
  return path.reduce<string>(
    (text, key) => (typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key)),
    '',
  );
}

/** Parses the request or answers 400 naming the offending field (also as `metadata.param`). */
export function parseChatRequest(body: unknown): ChatRequest {
  const parsed = chatRequestSchema.safeParse(body);
  if (parsed.success) return parsed.data;
  const first = parsed.error.issues[0];
  const issue = first ? deepestIssue(first) : { path: [], message: 'malformed' };
  const where = pathText(issue.path);
  throw new GatewayError(400, 'invalid_request', `Invalid chat request${where ? ` at ${where}` : ''}: ${issue.message}`, {
    ...(where ? { param: where } : {}),
  });
}

/** What the client asked of the answer's shape. */
export interface AnswerOptions {
  /**
   * OpenRouter's `reasoning.exclude`: the model still reasons (billed as output), the answer
   * leaves readable reasoning out. Opaque reasoning (Gemini's thought signatures, Anthropic's
   * redacted thinking) stays, so that it can go back on the next turn.
   */
  excludeReasoning: boolean;
}

export const DEFAULT_ANSWER_OPTIONS: AnswerOptions = { excludeReasoning: false };

/** Read without parsing the whole request: answers are mapped with it, after the request was sent. */
export function answerOptionsOf(request: Record<string, unknown>): AnswerOptions {
  // Most requests have no `reasoning`: a refused parse builds its whole error, on every answer.
  if (request.reasoning === undefined) return { excludeReasoning: false };
  return { excludeReasoning: reasoningSchema.safeParse(request.reasoning).data?.exclude === true };
}

/**
 * OpenRouter's web plugin, the long form of the `:online` variant. Of its options, those a native
 * search honours are read: `max_uses` (searches per request) and the domain filters.
 */
const webPluginSchema = z.looseObject({
  id: z.literal('web'),
  enabled: z.boolean().optional(),
  max_uses: positiveInt.optional(),
  include_domains: z.array(z.string()).optional(),
  exclude_domains: z.array(z.string()).optional(),
});
export type WebPlugin = z.infer<typeof webPluginSchema>;

/** The request's web plugin, unless it is switched off (`enabled: false`); a malformed one is a 400. */
export function webPluginOf(plugins: unknown): WebPlugin | undefined {
  if (!Array.isArray(plugins)) return undefined;
  const index = plugins.findIndex((p) => typeof p === 'object' && p !== null && (p as { id?: unknown }).id === 'web');
  if (index < 0) return undefined;
  const parsed = webPluginSchema.safeParse(plugins[index]);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const param = pathText(['plugins', index, ...(issue?.path ?? [])]);
    throw new GatewayError(400, 'invalid_request', `Invalid web plugin at ${param}: ${issue?.message ?? 'malformed'}`, { param });
  }
  return parsed.data.enabled === false ? undefined : parsed.data;
}

/** A native web search as the request asks for it. */
export interface WebSearchRequest {
  maxUses?: number;
  includeDomains?: string[];
  excludeDomains?: string[];
}

/**
 * Whether (and how) to search the web natively: the web plugin (or the `:online` variant, which
 * routing turns into OpenAI's `web_search_options`), or `web_search_options` sent by the client.
 */
export function webSearchOf(request: Record<string, unknown>): WebSearchRequest | undefined {
  const plugin = webPluginOf(request.plugins);
  if (plugin) {
    const search: WebSearchRequest = {};
    if (plugin.max_uses !== undefined) search.maxUses = plugin.max_uses;
    if (plugin.include_domains?.length) search.includeDomains = plugin.include_domains;
    if (plugin.exclude_domains?.length) search.excludeDomains = plugin.exclude_domains;
    return search;
  }
  const options = request.web_search_options;
  return typeof options === 'object' && options !== null && !Array.isArray(options) ? {} : undefined;
}
