import { z } from 'zod/mini';

const MAX_TITLE = 200;
/** A message body bigger than this is not a chat message (the request body limit applies too). */
const MAX_CONTENT = 4_000_000;

/** What the gateway said about one answer: its own figures, never computed by the page. */
export const answerMetaSchema = z.object({
  model: z.string(),
  generationId: z.nullable(z.string()),
  promptTokens: z.nullable(z.number()),
  completionTokens: z.nullable(z.number()),
  reasoningTokens: z.nullable(z.number()),
  /** USD as the gateway priced it; null is "unknown", never 0. */
  cost: z.nullable(z.number()),
  latencyMs: z.nullable(z.number()),
  finishReason: z.nullable(z.string()),
  /** The provider reported no usage (an answer stopped midway): the gateway counted the tokens. */
  usageEstimated: z.optional(z.boolean()),
});
export type AnswerMeta = z.infer<typeof answerMetaSchema>;

/** Image types every provider family here takes inline (SVG is not one: it can carry script). */
export const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'] as const;
export type ImageType = (typeof IMAGE_TYPES)[number];
/**
 * Anthropic refuses an image whose base64 form exceeds 5 MiB; base64 grows bytes by 4/3, so
 * 3.75 MiB of image is the most that every provider accepts.
 */
export const MAX_IMAGE_BYTES = (5 * 1024 * 1024 * 3) / 4;
/** Keeps one question's images (base64) well inside the gateway's 32 MiB request limit. */
export const MAX_IMAGES_PER_MESSAGE = 4;

/** An image saved with the conversation, referred to by the SHA-256 of its bytes; the bytes are fetched apart. */
export const attachmentSchema = z.object({
  id: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
  name: z.string().check(z.maxLength(255)),
  mimeType: z.enum(IMAGE_TYPES),
  size: z.number().check(z.int(), z.gte(1), z.lte(MAX_IMAGE_BYTES)),
});
export type Attachment = z.infer<typeof attachmentSchema>;

/** `POST /attachments`: one image as a base64 data URL (control requests are JSON only). */
export const uploadAttachmentSchema = z.object({
  name: z.string().check(z.maxLength(255)),
  dataUrl: z.string().check(z.maxLength(Math.ceil(MAX_IMAGE_BYTES / 3) * 4 + 64)),
});

/** A tool call the model asked for, as the answer carried it (the chat screen runs no tools). */
export const toolCallSchema = z.object({
  id: z.string().check(z.maxLength(200)),
  name: z.string().check(z.maxLength(200)),
  arguments: z.string().check(z.maxLength(MAX_CONTENT)),
});
export type ToolCall = z.infer<typeof toolCallSchema>;

export const chatMessageSchema = z.object({
  id: z.string().check(z.minLength(1), z.maxLength(64)),
  role: z.enum(['user', 'assistant']),
  content: z.string().check(z.maxLength(MAX_CONTENT)),
  reasoning: z.optional(z.string().check(z.maxLength(MAX_CONTENT))),
  /** Images sent with a question. */
  attachments: z.optional(z.array(attachmentSchema).check(z.maxLength(MAX_IMAGES_PER_MESSAGE))),
  toolCalls: z.optional(z.array(toolCallSchema).check(z.maxLength(128))),
  /** How an answer ended when it did not finish normally. */
  state: z.optional(z.enum(['done', 'stopped', 'error'])),
  error: z.optional(z.string().check(z.maxLength(4_000))),
  meta: z.optional(answerMetaSchema),
  createdAt: z.number(),
});
export type ChatMessage = z.infer<typeof chatMessageSchema>;

export const conversationSummarySchema = z.object({
  id: z.string(),
  title: z.string(),
  model: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
  messageCount: z.number(),
});
export type ConversationSummary = z.infer<typeof conversationSummarySchema>;

export const conversationListSchema = z.object({ conversations: z.array(conversationSummarySchema) });

/** Sums of the answers' own figures, added up by the server; cost is null when any answer's cost is unknown. */
export const conversationTotalsSchema = z.object({ tokens: z.number(), cost: z.nullable(z.number()) });
export type ConversationTotals = z.infer<typeof conversationTotalsSchema>;

export const conversationSchema = z.object({
  ...conversationSummarySchema.shape,
  messages: z.array(chatMessageSchema),
  totals: conversationTotalsSchema,
});
export type Conversation = z.infer<typeof conversationSchema>;

export const createConversationSchema = z.object({
  title: z.optional(z.string().check(z.maxLength(MAX_TITLE))),
  model: z.string().check(z.minLength(1), z.maxLength(300)),
});

export const updateConversationSchema = z.object({
  title: z.optional(z.string().check(z.minLength(1), z.maxLength(MAX_TITLE))),
  model: z.optional(z.string().check(z.minLength(1), z.maxLength(300))),
});

/** `PUT /conversations/:id/messages`: the whole thread as the page holds it after a turn (regenerate and edit rewrite it). */
export const replaceMessagesSchema = z.object({ messages: z.array(chatMessageSchema).check(z.maxLength(10_000)) });

export const EXPORT_FORMATS = ['markdown', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
