import { z } from 'zod/mini';

export const ACTIVITY_STATUSES = ['ok', 'error'] as const;
export const ACTIVITY_PAGE_MAX = 500;

/** One logged request in the Activity list; `seq` is its place in the log (the paging key). */
export const activityRowSchema = z.object({
  seq: z.number(),
  id: z.string(),
  createdAt: z.number(),
  appKey: z.nullable(z.string()),
  model: z.string(),
  provider: z.nullable(z.string()),
  status: z.number(),
  promptTokens: z.number(),
  completionTokens: z.number(),
  /** USD; null when the price is unknown. */
  cost: z.nullable(z.number()),
  latencyMs: z.number(),
  ttftMs: z.nullable(z.number()),
  streamed: z.boolean(),
});
export type ActivityRow = z.infer<typeof activityRowSchema>;

export const activityPageSchema = z.object({
  rows: z.array(activityRowSchema),
  /** Pass as `before` for the next (older) page; null at the start of the log. */
  nextBefore: z.nullable(z.number()),
});
export type ActivityPage = z.infer<typeof activityPageSchema>;

const instant = z.number().check(z.int(), z.gte(0));

/**
 * `before`: older than this seq (scrolling down); `after`: newer (the live head). Filters are exact
 * matches; `since`/`until` bound the request's start time (ms since the epoch, `until` exclusive).
 */
export const activityQuerySchema = z.object({
  before: z.optional(z.number().check(z.int(), z.gte(0))),
  after: z.optional(z.number().check(z.int(), z.gte(0))),
  limit: z.optional(z.number().check(z.int(), z.gte(1), z.lte(ACTIVITY_PAGE_MAX))),
  appKey: z.optional(z.string().check(z.maxLength(64))),
  model: z.optional(z.string().check(z.maxLength(300))),
  provider: z.optional(z.string().check(z.maxLength(64))),
  status: z.optional(z.enum(ACTIVITY_STATUSES)),
  since: z.optional(instant),
  until: z.optional(instant),
});
export type ActivityQuery = z.infer<typeof activityQuerySchema>;

export const attemptSchema = z.object({
  provider: z.string(),
  model: z.string(),
  model_id: z.optional(z.string()),
  outcome: z.enum(['ok', 'failed', 'skipped']),
  status: z.optional(z.number()),
  reason: z.optional(z.string()),
  detail: z.optional(z.string()),
  try: z.optional(z.number()),
  wait_ms: z.optional(z.number()),
  start_ms: z.optional(z.number()),
  duration_ms: z.optional(z.number()),
});

/** A request's detail: the routing trace and every token kind. */
export const activityDetailSchema = z.object({
  ...activityRowSchema.shape,
  upstreamModel: z.nullable(z.string()),
  cachedTokens: z.number(),
  cacheWriteTokens: z.number(),
  reasoningTokens: z.number(),
  usageEstimated: z.boolean(),
  finishReason: z.nullable(z.string()),
  errorCode: z.nullable(z.string()),
  attempts: z.array(attemptSchema),
  /** The request this one replayed, when it was a replay from the UI. */
  replayOf: z.nullable(z.string()),
  /** Replays of this request, oldest first. */
  replays: z.array(z.string()),
  /** Whether it can be replayed; if not, why (no logged body, not a chat request). */
  replay: z.object({ available: z.boolean(), reason: z.nullable(z.string()) }),
});
export type ActivityDetail = z.infer<typeof activityDetailSchema>;

/** Replay a logged chat request, as it was or against another model. */
export const replayRequestSchema = z.object({
  model: z.optional(z.string().check(z.minLength(1), z.maxLength(300))),
});
export type ReplayRequest = z.infer<typeof replayRequestSchema>;

/** The answer text of a logged request, read from its logged body; null when it was no chat answer (an error). */
export const loggedAnswerSchema = z.object({ id: z.string(), model: z.string(), text: z.nullable(z.string()) });
export type LoggedAnswer = z.infer<typeof loggedAnswerSchema>;

/** What the page reads of a replay's answer (an OpenAI chat completion, answered as the gateway answers it). */
export const replayAnswerSchema = z.object({
  id: z.string(),
  model: z.string(),
  choices: z.array(z.object({ message: z.object({ content: z.optional(z.nullable(z.string())) }) })),
  usage: z.optional(z.object({ cost: z.optional(z.nullable(z.number())) })),
});
export type ReplayAnswer = z.infer<typeof replayAnswerSchema>;
