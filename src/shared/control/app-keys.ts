import { z } from 'zod/mini';

export const LIMIT_PERIODS = ['daily', 'weekly', 'monthly', 'total'] as const;
const limitPeriod = z.enum(LIMIT_PERIODS);
/** The same rule as the CLI's (secrets/app-keys.ts), so the form can say it before the server does. */
const keyName = z.string().check(z.regex(/^[\w.@:-]{1,64}$/, '1-64 letters, digits, "_", "-", ".", "@" or ":"'));
const limitUsd = z.number().check(z.gte(0), z.lte(1_000_000));

export const appKeyViewSchema = z.object({
  id: z.number(),
  name: z.string(),
  /** The last characters of the key; the key itself is shown once, when it is created. */
  hint: z.string(),
  createdAt: z.number(),
  limitUsd: z.nullable(z.number()),
  limitPeriod: z.nullable(limitPeriod),
  disabled: z.boolean(),
  manage: z.boolean(),
  /** The UI's own key: limitable, not revocable. */
  builtIn: z.boolean(),
  /** Charged against the limit (USD) in the limit's current period, or this month without a limit. */
  periodSpentUsd: z.number(),
  /** Held by requests still in flight, in the same period. */
  heldUsd: z.number(),
  /** When the limit's period starts over (ms); null for `total` and for keys without a limit. */
  resetsAt: z.nullable(z.number()),
  lastUsedAt: z.nullable(z.number()),
});
export type AppKeyView = z.infer<typeof appKeyViewSchema>;

export const appKeyListSchema = z.object({ keys: z.array(appKeyViewSchema) });

export const createAppKeySchema = z.object({
  name: keyName,
  limitUsd: z.optional(limitUsd),
  limitPeriod: z.optional(limitPeriod),
});
export type CreateAppKey = z.infer<typeof createAppKeySchema>;

/** The new key's secret, in this answer only. */
export const createdAppKeySchema = z.object({ key: z.string(), appKey: appKeyViewSchema });

/** Absent fields stay; `limitUsd: null` removes the limit. */
export const updateAppKeySchema = z.object({
  limitUsd: z.optional(z.nullable(limitUsd)),
  limitPeriod: z.optional(limitPeriod),
  disabled: z.optional(z.boolean()),
});
export type UpdateAppKey = z.infer<typeof updateAppKeySchema>;
