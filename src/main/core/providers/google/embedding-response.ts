import { GatewayError } from '../../../../shared/errors.js';
import type { JsonObject, MappedResponse } from '../provider-adapter.js';
import { batchEmbedContentsResponseSchema } from './gemini-wire.js';

/** OpenAI's base64 form: the vector as little-endian float32 bytes. */
function float32Base64(values: readonly number[]): string {
  const bytes = Buffer.allocUnsafe(values.length * 4);
  values.forEach((value, i) => bytes.writeFloatLE(value, i * 4));
  return bytes.toString('base64');
}

/**
 * A `batchEmbedContents` answer as an OpenAI embeddings list, in the encoding the client asked
 * for. Gemini reports no token counts for embeddings, so there is no usage to give: the answer
 * carries none and the request's cost stays unknown (null) rather than a made-up zero.
 */
export function toEmbeddingsList(json: unknown, upstreamModel: string, encoding: 'float' | 'base64'): MappedResponse {
  const parsed = batchEmbedContentsResponseSchema.safeParse(json);
  if (!parsed.success) {
    throw new GatewayError(502, 'upstream_invalid_response', 'Gemini sent an answer that is not a BatchEmbedContentsResponse');
  }
  const data: JsonObject[] = parsed.data.embeddings.map(({ values }, index) => ({
    object: 'embedding',
    index,
    embedding: encoding === 'base64' ? float32Base64(values) : values,
  }));
  return { body: { object: 'list', data, model: upstreamModel }, usage: undefined, finishReason: null };
}
