/**
 * The OpenAI chat-completions request fields that a translation to Gemini reads, parsed at the
 * edge. Fields Gemini has no use for (user, metadata, store, …) pass unread; a field whose
 * shape is wrong, or a content part Gemini cannot take, is a 400 naming where it is.
 */
import { z } from 'zod';
import { GatewayError } from '../../../../shared/errors.js';

const textPart = z.object({ type: z.literal('text'), text: z.string() });

const imagePart = z.object({
  type: z.literal('image_url'),
  image_url: z.union([z.string(), z.object({ url: z.string(), detail: z.string().optional() })]),
});

const audioPart = z.object({
  type: z.literal('input_audio'),
  input_audio: z.object({ data: z.string(), format: z.string() }),
});

const filePart = z.object({
  type: z.literal('file'),
  file: z.object({ file_data: z.string().optional(), file_id: z.string().optional(), filename: z.string().optional() }),
});

const userPart = z.discriminatedUnion('type', [textPart, imagePart, audioPart, filePart]);
export type UserContentPart = z.infer<typeof userPart>;

const refusalPart = z.object({ type: z.literal('refusal'), refusal: z.string() });

const toolCallSchema = z.object({
  id: z.string(),
  type: z.literal('function').optional(),
  function: z.object({ name: z.string(), arguments: z.string() }),
  /** Gemini's own OpenAI-compatible API returns thought signatures here. */
  extra_content: z.object({ google: z.object({ thought_signature: z.string().optional() }).optional() }).optional(),
});
export type OpenAiToolCallIn = z.infer<typeof toolCallSchema>;

/** OpenRouter's reasoning_details entries; only the ones carrying a Gemini signature matter here. */
const reasoningDetailSchema = z
  .object({
    type: z.string(),
    data: z.string().optional(),
    signature: z.string().optional(),
    text: z.string().optional(),
    id: z.string().nullish(),
    format: z.string().optional(),
  })
  .loose();
export type ReasoningDetailIn = z.infer<typeof reasoningDetailSchema>;

const textOnlyContent = z.union([z.string(), z.array(textPart)]);

const messageSchema = z.discriminatedUnion('role', [
  z.object({ role: z.literal('system'), content: textOnlyContent }),
  z.object({ role: z.literal('developer'), content: textOnlyContent }),
  z.object({ role: z.literal('user'), content: z.union([z.string(), z.array(userPart)]) }),
  z.object({
    role: z.literal('assistant'),
    content: z.union([z.string(), z.array(z.discriminatedUnion('type', [textPart, refusalPart]))]).nullish(),
    tool_calls: z.array(toolCallSchema).nullish(),
    reasoning_details: z.array(reasoningDetailSchema).nullish(),
  }),
  z.object({ role: z.literal('tool'), tool_call_id: z.string(), content: textOnlyContent }),
]);
export type ChatMessage = z.infer<typeof messageSchema>;

const effortSchema = z.enum(['xhigh', 'high', 'medium', 'low', 'minimal', 'none']);
export type ReasoningEffort = z.infer<typeof effortSchema>;

const toolSchema = z.object({
  type: z.literal('function'),
  function: z.object({
    name: z.string().min(1),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullish(),
  }),
});
export type ChatTool = z.infer<typeof toolSchema>;

const toolChoiceSchema = z.union([
  z.enum(['none', 'auto', 'required']),
  z.object({ type: z.literal('function'), function: z.object({ name: z.string() }) }),
]);
export type ChatToolChoice = z.infer<typeof toolChoiceSchema>;

const responseFormatSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }),
  z.object({ type: z.literal('json_object') }),
  z.object({
    type: z.literal('json_schema'),
    json_schema: z.object({
      name: z.string(),
      schema: z.record(z.string(), z.unknown()).optional(),
      description: z.string().optional(),
      strict: z.boolean().nullish(),
    }),
  }),
]);

const positiveInt = z.number().int().positive();

const chatRequestSchema = z.object({
  messages: z.array(messageSchema).min(1),
  max_tokens: positiveInt.nullish(),
  max_completion_tokens: positiveInt.nullish(),
  temperature: z.number().nullish(),
  top_p: z.number().nullish(),
  top_k: positiveInt.nullish(),
  frequency_penalty: z.number().nullish(),
  presence_penalty: z.number().nullish(),
  stop: z.union([z.string(), z.array(z.string())]).nullish(),
  seed: z.number().int().nullish(),
  n: positiveInt.nullish(),
  response_format: responseFormatSchema.nullish(),
  tools: z.array(toolSchema).nullish(),
  tool_choice: toolChoiceSchema.nullish(),
  /** OpenRouter's unified reasoning control. */
  reasoning: z
    .object({
      effort: effortSchema.optional(),
      max_tokens: z.number().int().nonnegative().optional(),
      exclude: z.boolean().optional(),
      enabled: z.boolean().optional(),
    })
    .nullish(),
  reasoning_effort: effortSchema.nullish(),
  logprobs: z.boolean().nullish(),
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
