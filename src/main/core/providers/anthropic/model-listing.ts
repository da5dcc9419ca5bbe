import { ANTHROPIC_VERSION, modelListSchema } from '../../protocol/anthropic-wire.js';
import type { UpstreamRequest } from '../upstream-http.js';

/** The API's largest page, so one request lists every model. */
const PAGE_LIMIT = 1000;

export function listModelsRequest(baseUrl: string, apiKey: string | undefined): UpstreamRequest {
  const headers: Record<string, string> = { accept: 'application/json', 'anthropic-version': ANTHROPIC_VERSION };
  if (apiKey) headers['x-api-key'] = apiKey;
  return { url: `${baseUrl}/models?limit=${PAGE_LIMIT}`, method: 'GET', headers };
}

/** `GET /v1/models` -> `{"data":[{"type":"model","id":"claude-…","display_name":…}],"has_more":…}` */
export function parseModelList(json: unknown): string[] {
  const parsed = modelListSchema.safeParse(json);
  return parsed.success ? parsed.data.data.map((model) => model.id) : [];
}
