import { z } from 'zod/mini';

export const MODEL_VARIANTS = ['floor', 'nitro', 'free', 'online'] as const;

/** One model the gateway serves, as the picker shows it (the gateway's own figures). */
export const modelViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** Provider ids that serve it; routing chooses among them. */
  providers: z.array(z.string()),
  contextLength: z.nullable(z.number()),
  /** USD per token as decimal strings, like OpenRouter; null when unknown. */
  promptPrice: z.nullable(z.string()),
  completionPrice: z.nullable(z.string()),
  /** Suffixes that mean something for this model (`:floor`, `:nitro`, `:free`, `:online`). */
  variants: z.array(z.enum(MODEL_VARIANTS)),
  /** Whether it reads images, as its providers' listings say; null when none says (most don't). */
  imageInput: z.nullable(z.boolean()),
});
export type ModelView = z.infer<typeof modelViewSchema>;

export const modelListSchema = z.object({ models: z.array(modelViewSchema) });

/** `POST /_app/api/chat/completions`: an OpenAI chat request, sent through the gateway under the UI's app key. */
export const chatRequestSchema = z.looseObject({
  model: z.string().check(z.minLength(1)),
  messages: z.array(z.looseObject({ role: z.string() })).check(z.minLength(1)),
});
