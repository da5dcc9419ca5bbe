import { z } from 'zod/mini';
import type { AppStatus, ProviderStatus, UsageRow } from '../usage.js';

// Annotated with the shared interfaces so the schema and the wire types cannot drift apart.
export const usageRowSchema: z.ZodMiniType<UsageRow> = z.object({
  id: z.string(),
  created_at: z.string(),
  app_key: z.nullable(z.string()),
  model: z.string(),
  provider: z.nullable(z.string()),
  upstream_model: z.nullable(z.string()),
  status: z.number(),
  prompt_tokens: z.number(),
  completion_tokens: z.number(),
  cached_tokens: z.number(),
  cache_write_tokens: z.number(),
  reasoning_tokens: z.number(),
  cost: z.nullable(z.number()),
  latency_ms: z.number(),
  ttft_ms: z.nullable(z.number()),
  streamed: z.boolean(),
  finish_reason: z.nullable(z.string()),
  error_code: z.nullable(z.string()),
  usage_estimated: z.boolean(),
});

const providerStatusSchema: z.ZodMiniType<ProviderStatus> = z.object({
  id: z.string(),
  type: z.string(),
  baseUrl: z.string(),
  keySource: z.enum(['keychain', 'env', 'none', 'not-required']),
  models: z.array(z.string()),
});

/** `GET /_app/api/status`. */
export const appStatusSchema: z.ZodMiniType<AppStatus> = z.object({
  url: z.string(),
  version: z.string(),
  dataDir: z.string(),
  providers: z.array(providerStatusSchema),
  recent: z.array(usageRowSchema),
  todayCostUsd: z.number(),
  todayUnpricedRequests: z.number(),
});
