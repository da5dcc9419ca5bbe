import { z } from 'zod/mini';

/** An endpoint the router took out of rotation after failing in a row (open), or that is due for its probe (half-open). */
export const openCircuitSchema = z.object({
  /** `<provider>/<model>` as the routing trace names it. */
  endpoint: z.string(),
  provider: z.string(),
  state: z.enum(['open', 'half-open']),
  consecutiveFailures: z.number(),
  openedAt: z.number(),
  /** When the next request may probe it (ms). */
  retryAt: z.number(),
});
export type OpenCircuitView = z.infer<typeof openCircuitSchema>;

export const circuitListSchema = z.object({ circuits: z.array(openCircuitSchema) });
