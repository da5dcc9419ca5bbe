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
});
export type AnswerMeta = z.infer<typeof answerMetaSchema>;

export const chatMessageSchema = z.object({
  id: z.string().check(z.minLength(1), z.maxLength(64)),
  role: z.enum(['user', 'assistant']),
  content: z.string().check(z.maxLength(MAX_CONTENT)),
  reasoning: z.optional(z.string().check(z.maxLength(MAX_CONTENT))),
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
