import type { UpstreamRequest } from '../upstream-http.js';
import { modelListSchema } from './gemini-wire.js';

/** The key goes in a header: a `?key=` URL would end up in logs and error messages. */
export function geminiHeaders(apiKey: string | undefined, extra: Record<string, string> = {}): Record<string, string> {
  const headers: Record<string, string> = { ...extra };
  if (apiKey) headers['x-goog-api-key'] = apiKey;
  return headers;
}

/** One page of up to 1000 models: more than Gemini serves. */
export function listModelsRequest(baseUrl: string, apiKey: string | undefined): UpstreamRequest {
  return { url: `${baseUrl}/models?pageSize=1000`, method: 'GET', headers: geminiHeaders(apiKey, { accept: 'application/json' }) };
}

/** Chat calls generateContent; embeddings call batchEmbedContents, which every model listing embedContent serves. */
const SERVED_METHODS = ['generateContent', 'embedContent'];

/** Model names without the `models/` prefix, keeping those that can chat or embed. */
export function parseModelList(json: unknown): string[] {
  const parsed = modelListSchema.safeParse(json);
  if (!parsed.success) return [];
  return (parsed.data.models ?? []).flatMap((model) => {
    const methods = model.supportedGenerationMethods;
    if (methods && !SERVED_METHODS.some((m) => methods.includes(m))) return [];
    return [model.name.replace(/^models\//, '')];
  });
}
