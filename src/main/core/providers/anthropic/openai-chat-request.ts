/**
 * The fields of an OpenAI chat/completions request (with OpenRouter's extras) that a translation
 * to another API has to read. Loose: fields not listed are ignored by the translation.
 */
import { z } from 'zod';
import { GatewayError } from '../../../../shared/errors.js';
import { cacheControlSchema } from '../../protocol/anthropic-wire.js';

/** OpenRouter lets `cache_control` ride on content parts and tools; it is Anthropic's shape. */
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
const audioPart = z.looseObject({ type: z.literal('input_audio') });
const refusalPart = z.looseObject({ type: z.literal('refusal'), refusal: z.string() });

export const chatContentPartSchema = z.discriminatedUnion('type', [textPart, imagePart, filePart, audioPart, refusalPart]);
export type ChatContentPart = z.infer<typeof chatContentPartSchema>;

const content = z.union([z.string(), z.array(chatContentPartSchema)]);

/** OpenRouter's `reasoning_details` items, as a client sends them back on the next turn. */
export const reasoningDetailInputSchema = z.looseObject({
  type: z.string(),
  text: z.string().nullish(),
  signature: z.string().nullish(),
  data: z.string().nullish(),
  format: z.string().nullish(),
  index: z.number().int().nullish(),
});
export type ReasoningDetailInput = z.infer<typeof reasoningDetailInputSchema>;

export const chatToolCallSchema = z.looseObject({
  id: z.string(),
  type: z.literal('function').optional(),
  function: z.looseObject({ name: z.string(), arguments: z.string() }),
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
    name: z.string(),
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

const positiveInt = z.number().int().positive();

export const chatRequestSchema = z.looseObject({
  messages: z.array(chatMessageSchema).min(1),
  max_tokens: positiveInt.nullish(),
  max_completion_tokens: positiveInt.nullish(),
  temperature: z.number().nullish(),
  top_p: z.number().nullish(),
  /** OpenRouter extra; Anthropic has it natively. */
  top_k: z.number().int().nullish(),
  stop: z.union([z.string(), z.array(z.string())]).nullish(),
  n: z.number().int().nullish(),
  user: z.string().nullish(),
  tools: z.array(chatToolSchema).nullish(),
  tool_choice: chatToolChoiceSchema.nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  response_format: z
    .discriminatedUnion('type', [
      z.looseObject({ type: z.literal('text') }),
      z.looseObject({ type: z.literal('json_object') }),
      z.looseObject({
        type: z.literal('json_schema'),
        json_schema: z.looseObject({ name: z.string().optional(), schema: z.record(z.string(), z.unknown()).optional() }),
      }),
    ])
    .nullish(),
  /** OpenRouter's unified reasoning control. */
  reasoning: z
    .looseObject({
      effort: reasoningEffortSchema.optional(),
      max_tokens: positiveInt.optional(),
      enabled: z.boolean().optional(),
      exclude: z.boolean().optional(),
    })
    .nullish(),
  /** OpenAI's own spelling of the effort. */
  reasoning_effort: reasoningEffortSchema.nullish(),
  /** Top-level automatic prompt caching (OpenRouter passes Anthropic's field through). */
  cache_control: cacheControl,
});
export type ChatRequest = z.infer<typeof chatRequestSchema>;

/** Parses the request or answers 400 naming the first offending field. */
export function parseChatRequest(body: unknown): ChatRequest {
  const parsed = chatRequestSchema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue ? issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') : '';
  throw new GatewayError(400, 'invalid_request', `Invalid chat request${where ? ` at ${where}` : ''}: ${issue?.message ?? 'malformed'}`);
}
