/**
 * Anthropic Messages API wire shapes (https://docs.anthropic.com/en/api/messages), shared by the
 * anthropic provider adapter (OpenAI chat -> Anthropic) and the Anthropic-compatible /v1/messages
 * endpoint. Objects are loose: fields this codebase does not read pass through untouched.
 */
import { z } from 'zod';

/** The API version every request pins (`anthropic-version` header). */
export const ANTHROPIC_VERSION = '2023-06-01';

const tokenCount = z.number().int().nonnegative();

export const cacheControlSchema = z.looseObject({
  type: z.literal('ephemeral'),
  ttl: z.enum(['5m', '1h']).optional(),
});
export type AnthropicCacheControl = z.infer<typeof cacheControlSchema>;

// ---------------------------------------------------------------------------------------------
// Content blocks

export const textBlockSchema = z.looseObject({
  type: z.literal('text'),
  text: z.string(),
  cache_control: cacheControlSchema.optional(),
});
export type AnthropicTextBlock = z.infer<typeof textBlockSchema>;

export const imageSourceSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('base64'), media_type: z.string(), data: z.string() }),
  z.looseObject({ type: z.literal('url'), url: z.string() }),
]);
export type AnthropicImageSource = z.infer<typeof imageSourceSchema>;

export const imageBlockSchema = z.looseObject({
  type: z.literal('image'),
  source: imageSourceSchema,
  cache_control: cacheControlSchema.optional(),
});
export type AnthropicImageBlock = z.infer<typeof imageBlockSchema>;

export const documentBlockSchema = z.looseObject({
  type: z.literal('document'),
  source: z.looseObject({ type: z.string() }),
  title: z.string().optional(),
  cache_control: cacheControlSchema.optional(),
});
export type AnthropicDocumentBlock = z.infer<typeof documentBlockSchema>;

export const toolUseBlockSchema = z.looseObject({
  type: z.literal('tool_use'),
  id: z.string(),
  name: z.string(),
  input: z.record(z.string(), z.unknown()),
  cache_control: cacheControlSchema.optional(),
});
export type AnthropicToolUseBlock = z.infer<typeof toolUseBlockSchema>;

export const toolResultContentSchema = z.union([
  z.string(),
  z.array(z.discriminatedUnion('type', [textBlockSchema, imageBlockSchema, documentBlockSchema])),
]);

export const toolResultBlockSchema = z.looseObject({
  type: z.literal('tool_result'),
  tool_use_id: z.string(),
  content: toolResultContentSchema.optional(),
  is_error: z.boolean().optional(),
  cache_control: cacheControlSchema.optional(),
});
export type AnthropicToolResultBlock = z.infer<typeof toolResultBlockSchema>;

/** Extended thinking; the signature must come back unchanged on the next turn. */
export const thinkingBlockSchema = z.looseObject({
  type: z.literal('thinking'),
  thinking: z.string(),
  signature: z.string(),
});
export type AnthropicThinkingBlock = z.infer<typeof thinkingBlockSchema>;

/** Thinking the safety systems encrypted; `data` is opaque and goes back as received. */
export const redactedThinkingBlockSchema = z.looseObject({
  type: z.literal('redacted_thinking'),
  data: z.string(),
});
export type AnthropicRedactedThinkingBlock = z.infer<typeof redactedThinkingBlockSchema>;

export const requestContentBlockSchema = z.discriminatedUnion('type', [
  textBlockSchema,
  imageBlockSchema,
  documentBlockSchema,
  toolUseBlockSchema,
  toolResultBlockSchema,
  thinkingBlockSchema,
  redactedThinkingBlockSchema,
]);
export type AnthropicRequestContentBlock = z.infer<typeof requestContentBlockSchema>;

/** The blocks of an answer this codebase understands; others (server tools, citations) are skipped. */
export const responseContentBlockSchema = z.discriminatedUnion('type', [
  textBlockSchema,
  thinkingBlockSchema,
  redactedThinkingBlockSchema,
  toolUseBlockSchema,
]);
export type AnthropicResponseContentBlock = z.infer<typeof responseContentBlockSchema>;

// ---------------------------------------------------------------------------------------------
// Request

export const messageParamSchema = z.looseObject({
  role: z.enum(['user', 'assistant']),
  content: z.union([z.string(), z.array(requestContentBlockSchema)]),
});
export type AnthropicMessageParam = z.infer<typeof messageParamSchema>;

export const customToolSchema = z.looseObject({
  name: z.string(),
  description: z.string().optional(),
  input_schema: z.record(z.string(), z.unknown()),
  strict: z.boolean().optional(),
  cache_control: cacheControlSchema.optional(),
});
export type AnthropicTool = z.infer<typeof customToolSchema>;

export const toolChoiceSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('auto'), disable_parallel_tool_use: z.boolean().optional() }),
  z.looseObject({ type: z.literal('any'), disable_parallel_tool_use: z.boolean().optional() }),
  z.looseObject({ type: z.literal('tool'), name: z.string(), disable_parallel_tool_use: z.boolean().optional() }),
  z.looseObject({ type: z.literal('none') }),
]);
export type AnthropicToolChoice = z.infer<typeof toolChoiceSchema>;

export const thinkingConfigSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('enabled'), budget_tokens: z.number().int().positive() }),
  z.looseObject({ type: z.literal('disabled') }),
  z.looseObject({ type: z.literal('adaptive') }),
]);
export type AnthropicThinkingConfig = z.infer<typeof thinkingConfigSchema>;

/** Structured outputs (GA): `output_config.format` constrains the answer text to a JSON schema. */
export const outputConfigSchema = z.looseObject({
  format: z.looseObject({ type: z.literal('json_schema'), schema: z.record(z.string(), z.unknown()) }).optional(),
  effort: z.string().optional(),
});
export type AnthropicOutputConfig = z.infer<typeof outputConfigSchema>;

export const messagesRequestSchema = z.looseObject({
  model: z.string(),
  messages: z.array(messageParamSchema),
  max_tokens: z.number().int().positive(),
  system: z.union([z.string(), z.array(textBlockSchema)]).optional(),
  stop_sequences: z.array(z.string()).optional(),
  temperature: z.number().optional(),
  top_p: z.number().optional(),
  top_k: z.number().int().optional(),
  stream: z.boolean().optional(),
  tools: z.array(customToolSchema).optional(),
  tool_choice: toolChoiceSchema.optional(),
  thinking: thinkingConfigSchema.optional(),
  metadata: z.looseObject({ user_id: z.string().optional() }).optional(),
  output_config: outputConfigSchema.optional(),
  /** Automatic prompt caching: one breakpoint the API moves to the last cacheable block. */
  cache_control: cacheControlSchema.optional(),
});
export type AnthropicMessagesRequest = z.infer<typeof messagesRequestSchema>;

// ---------------------------------------------------------------------------------------------
// Response

/**
 * Token counts. `input_tokens` excludes cache reads and writes, which are reported apart
 * (unlike OpenAI's `prompt_tokens`, which includes them).
 */
export const usageSchema = z.looseObject({
  input_tokens: tokenCount,
  output_tokens: tokenCount,
  cache_creation_input_tokens: tokenCount.nullish(),
  cache_read_input_tokens: tokenCount.nullish(),
  cache_creation: z
    .looseObject({ ephemeral_5m_input_tokens: tokenCount.optional(), ephemeral_1h_input_tokens: tokenCount.optional() })
    .nullish(),
  output_tokens_details: z.looseObject({ thinking_tokens: tokenCount.optional() }).nullish(),
});
export type AnthropicUsage = z.infer<typeof usageSchema>;

/** `message_delta` usage: cumulative counts, any of which may be absent. */
export const usageDeltaSchema = usageSchema.partial();
export type AnthropicUsageDelta = z.infer<typeof usageDeltaSchema>;

export const messageSchema = z.looseObject({
  id: z.string(),
  type: z.literal('message'),
  role: z.literal('assistant'),
  model: z.string(),
  /** Parsed block by block with `responseContentBlockSchema`, so an unknown block type is skipped, not fatal. */
  content: z.array(z.looseObject({ type: z.string() })),
  /** end_turn, max_tokens, stop_sequence, tool_use, pause_turn, refusal, … (new values may appear). */
  stop_reason: z.string().nullable(),
  stop_sequence: z.string().nullish(),
  usage: usageSchema,
});
export type AnthropicMessage = z.infer<typeof messageSchema>;

// ---------------------------------------------------------------------------------------------
// Streaming events (`event: <type>` + `data: {"type": <type>, …}`)

export const textDeltaSchema = z.looseObject({ type: z.literal('text_delta'), text: z.string() });
export const inputJsonDeltaSchema = z.looseObject({ type: z.literal('input_json_delta'), partial_json: z.string() });
export const thinkingDeltaSchema = z.looseObject({ type: z.literal('thinking_delta'), thinking: z.string() });
export const signatureDeltaSchema = z.looseObject({ type: z.literal('signature_delta'), signature: z.string() });

export const contentDeltaSchema = z.discriminatedUnion('type', [
  textDeltaSchema,
  inputJsonDeltaSchema,
  thinkingDeltaSchema,
  signatureDeltaSchema,
]);
export type AnthropicContentDelta = z.infer<typeof contentDeltaSchema>;

export const errorObjectSchema = z.looseObject({ type: z.string(), message: z.string() });
export type AnthropicErrorObject = z.infer<typeof errorObjectSchema>;

export const messageStartEventSchema = z.looseObject({ type: z.literal('message_start'), message: messageSchema });
export const contentBlockStartEventSchema = z.looseObject({
  type: z.literal('content_block_start'),
  index: z.number().int().nonnegative(),
  content_block: responseContentBlockSchema,
});
export const contentBlockDeltaEventSchema = z.looseObject({
  type: z.literal('content_block_delta'),
  index: z.number().int().nonnegative(),
  delta: contentDeltaSchema,
});
export const contentBlockStopEventSchema = z.looseObject({
  type: z.literal('content_block_stop'),
  index: z.number().int().nonnegative(),
});
export const messageDeltaEventSchema = z.looseObject({
  type: z.literal('message_delta'),
  delta: z.looseObject({ stop_reason: z.string().nullish(), stop_sequence: z.string().nullish() }),
  usage: usageDeltaSchema.nullish(),
});
export const messageStopEventSchema = z.looseObject({ type: z.literal('message_stop') });
export const pingEventSchema = z.looseObject({ type: z.literal('ping') });
export const errorEventSchema = z.looseObject({ type: z.literal('error'), error: errorObjectSchema });

export const streamEventSchema = z.discriminatedUnion('type', [
  messageStartEventSchema,
  contentBlockStartEventSchema,
  contentBlockDeltaEventSchema,
  contentBlockStopEventSchema,
  messageDeltaEventSchema,
  messageStopEventSchema,
  pingEventSchema,
  errorEventSchema,
]);
export type AnthropicStreamEvent = z.infer<typeof streamEventSchema>;

// ---------------------------------------------------------------------------------------------
// Errors and model listing

/** `{"type":"error","error":{"type":"not_found_error","message":"…"},"request_id":"req_…"}` */
export const errorBodySchema = z.looseObject({
  type: z.literal('error'),
  error: errorObjectSchema,
  request_id: z.string().optional(),
});
export type AnthropicErrorBody = z.infer<typeof errorBodySchema>;

export const modelListSchema = z.looseObject({
  data: z.array(z.looseObject({ id: z.string() })),
});
