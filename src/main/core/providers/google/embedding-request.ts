import { z } from 'zod';
import { GatewayError } from '../../../../shared/errors.js';

/** The OpenAI embeddings request fields Gemini can honour; `user` and others pass unread. */
const embeddingsRequestSchema = z.looseObject({
  input: z.union([z.string(), z.array(z.string()).min(1)], {
    error: 'must be a string or a non-empty array of strings (Gemini embeds text, not token ids)',
  }),
  /** The openai SDK asks for base64 unless told otherwise, and decodes it itself. */
  encoding_format: z.enum(['float', 'base64']).optional(),
  dimensions: z.number().int().positive().optional(),
});
export type EmbeddingsRequest = z.infer<typeof embeddingsRequestSchema>;

export function parseEmbeddingsRequest(body: unknown): EmbeddingsRequest {
  const parsed = embeddingsRequestSchema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.map(String).join('.') ?? '';
  throw new GatewayError(400, 'invalid_request', `Invalid embeddings request${where ? ` at ${where}` : ''}: ${issue?.message ?? 'malformed'}`, {
    ...(where ? { param: where } : {}),
  });
}

interface EmbedContentRequest {
  model: string;
  content: { parts: { text: string }[] };
  outputDimensionality?: number;
}

/**
 * An OpenAI embeddings body as a `batchEmbedContents` body: one request per input, each naming
 * the model (Gemini wants it on every item); `dimensions` becomes `outputDimensionality`.
 */
export function toBatchEmbedRequest(body: unknown, model: string): { requests: EmbedContentRequest[] } {
  const request = parseEmbeddingsRequest(body);
  const inputs = typeof request.input === 'string' ? [request.input] : request.input;
  return {
    requests: inputs.map((text) => {
      const item: EmbedContentRequest = { model: `models/${model}`, content: { parts: [{ text }] } };
      if (request.dimensions !== undefined) item.outputDimensionality = request.dimensions;
      return item;
    }),
  };
}
