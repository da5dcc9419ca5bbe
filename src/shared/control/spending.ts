import { z } from 'zod/mini';

/** A UTC day as the daily rollup keys it. */
export const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
export const SPENDING_RANGES = [7, 30, 90] as const;

const figures = {
  /** USD of the priced requests; `unpricedRequests` says how many had no known price. */
  costUsd: z.number(),
  requests: z.number(),
  unpricedRequests: z.number(),
  promptTokens: z.number(),
  completionTokens: z.number(),
};

export const spendingDaySchema = z.object({ day: z.string(), ...figures });
export const spendingGroupSchema = z.object({ name: z.string(), ...figures });
export type SpendingDay = z.infer<typeof spendingDaySchema>;
export type SpendingGroup = z.infer<typeof spendingGroupSchema>;

export const spendingSchema = z.object({
  /** First and last UTC day shown, inclusive. */
  from: z.string(),
  to: z.string(),
  totals: z.object({ today: z.number(), week: z.number(), month: z.number() }),
  /** Every day of the range, empty days included, oldest first. */
  byDay: z.array(spendingDaySchema),
  byModel: z.array(spendingGroupSchema),
  byProvider: z.array(spendingGroupSchema),
  byAppKey: z.array(spendingGroupSchema),
});
export type Spending = z.infer<typeof spendingSchema>;

/** `days` back from today, or an explicit `from`..`to`; both UTC. */
export const spendingQuerySchema = z.object({
  days: z.optional(z.number().check(z.int(), z.gte(1), z.lte(366))),
  from: z.optional(z.string().check(z.regex(DAY_PATTERN, 'a day as YYYY-MM-DD'))),
  to: z.optional(z.string().check(z.regex(DAY_PATTERN, 'a day as YYYY-MM-DD'))),
});
export type SpendingQuery = z.infer<typeof spendingQuerySchema>;
