import type { AttemptRecord } from '../usage/usage-record.js';

/**
 * One attempt as routing records it: the usage row's attempt plus what makes the decision
 * explainable (GET /v1/generation lists these in order). Stored as the row's attempts JSON.
 */
export interface RouteAttempt extends AttemptRecord {
  /** The model id this endpoint serves: the requested one or a `models` fallback. */
  model_id: string;
  /** Try number on this endpoint (retries and key switches count up). */
  try?: number;
  /** Backoff or Retry-After waited before this try. */
  wait_ms?: number;
  /** When the try started, ms after the request arrived. */
  start_ms?: number;
  /** How long the try took until the answer's headers or the failure. */
  duration_ms?: number;
  /** Why it was skipped or how it failed, in words. */
  detail?: string;
}

/** `start_ms` of an attempt read back from a row (rows written before it existed have none). */
export function attemptStartMs(attempt: AttemptRecord): number {
  return 'start_ms' in attempt && typeof attempt.start_ms === 'number' ? attempt.start_ms : 0;
}
