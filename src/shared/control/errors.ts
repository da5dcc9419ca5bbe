import { z } from 'zod/mini';

/** The OpenAI error shape every control route answers failures with. */
export const errorBodySchema = z.object({
  error: z.object({ code: z.number(), message: z.string() }),
});
