/** One request in the usage log, as `switchyard usage --json` and the control API show it (DESIGN.md §2). */
export interface UsageRow {
  id: string;
  created_at: string;
  app_key: string | null;
  model: string;
  provider: string | null;
  upstream_model: string | null;
  status: number;
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  cache_write_tokens: number;
  reasoning_tokens: number;
  /** USD; null when the price is unknown. */
  cost: number | null;
  latency_ms: number;
  ttft_ms: number | null;
  streamed: boolean;
  finish_reason: string | null;
  error_code: string | null;
  /** The upstream did not report (all of) the tokens: the gateway counted them with a tokenizer. */
  usage_estimated: boolean;
}

export type ProviderKeySource = 'keychain' | 'env' | 'none' | 'not-required';

export interface ProviderStatus {
  id: string;
  type: string;
  baseUrl: string;
  keySource: ProviderKeySource;
  models: string[];
}

/** `GET /_app/api/status` (control API, session token required). */
export interface AppStatus {
  url: string;
  version: string;
  dataDir: string;
  providers: ProviderStatus[];
  recent: UsageRow[];
  /** Spend of every app key since 00:00 UTC, as the gateway priced it (unpriced requests add nothing). */
  todayCostUsd: number;
  /** Requests since 00:00 UTC whose price is unknown: today's spend is then more than `todayCostUsd`, by an unknown amount. */
  todayUnpricedRequests: number;
}
