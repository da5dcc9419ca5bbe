import type { UsageRecord } from '../usage/usage-record.js';
import { isEndpointFault } from './retry-policy.js';

/** What routing reads per endpoint: a precomputed summary, so a lookup is one map read. */
export interface HealthSummary {
  /** Answers and endpoint faults in the window (rate limits and client errors are neither). */
  requests: number;
  errors: number;
  rateLimited: number;
  errorRate: number | null;
  /** Time to first token, ms. */
  latencyP50: number | null;
  /** Completion tokens per second. */
  throughputP50: number | null;
}

export interface PercentileStats {
  p50: number;
  p75: number;
  p90: number;
  p99: number;
}

/** The OpenRouter endpoint fields, computed for a window (GET /v1/models/{id}/endpoints). */
export interface WindowStats {
  uptime: number | null;
  latency: PercentileStats | null;
  throughput: PercentileStats | null;
}

type Kind = 'ok' | 'fault' | 'rate_limited';

interface Sample {
  at: number;
  kind: Kind;
  latencyMs: number | null;
  tokensPerSecond: number | null;
}

class SampleRing {
  readonly items: Sample[] = [];
  private next = 0;

  constructor(private readonly capacity: number) {}

  push(sample: Sample): void {
    if (this.items.length < this.capacity) this.items.push(sample);
    else this.items[this.next] = sample;
    this.next = (this.next + 1) % this.capacity;
  }

  since(at: number): Sample[] {
    return this.items.filter((s) => s.at >= at);
  }
}

function percentile(sorted: readonly number[], q: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index] as number;
}

function roundStat(n: number): number {
  return Math.round(n * 100) / 100;
}

function stats(values: number[], descending = false): PercentileStats | null {
  if (values.length === 0) return null;
  // For throughput "p90" means 90% of answers were at least this fast, as OpenRouter reports it.
  values.sort((a, b) => (descending ? b - a : a - b));
  return {
    p50: roundStat(percentile(values, 0.5)),
    p75: roundStat(percentile(values, 0.75)),
    p90: roundStat(percentile(values, 0.9)),
    p99: roundStat(percentile(values, 0.99)),
  };
}

function windowStats(samples: readonly Sample[]): WindowStats {
  let ok = 0;
  let faults = 0;
  const latencies: number[] = [];
  const throughputs: number[] = [];
  for (const s of samples) {
    if (s.kind === 'ok') ok += 1;
    else if (s.kind === 'fault') faults += 1;
    if (s.latencyMs !== null) latencies.push(s.latencyMs);
    if (s.tokensPerSecond !== null) throughputs.push(s.tokensPerSecond);
  }
  return {
    uptime: ok + faults === 0 ? null : Math.round((ok / (ok + faults)) * 10_000) / 100,
    latency: stats(latencies),
    throughput: stats(throughputs, true),
  };
}

/**
 * Endpoint health from the usage log: every committed row adds a sample per attempt (an
 * answer with its time to first token and tokens/s, an endpoint fault, or a rate limit).
 * Summaries over the window are recomputed when rows commit, off the request path.
 */
export class EndpointHealth {
  private readonly rings = new Map<string, SampleRing>();
  private readonly summaries = new Map<string, HealthSummary>();
  private readonly scratch: Float64Array;

  constructor(
    readonly windowMs = 60 * 60_000,
    private readonly capacity = 512,
    private readonly now: () => number = Date.now,
  ) {
    this.scratch = new Float64Array(capacity);
  }

  summary(key: string): HealthSummary | undefined {
    return this.summaries.get(key);
  }

  /** OpenRouter-style percentiles and uptime over the last `windowMs` (not for the request path). */
  window(key: string, windowMs: number): WindowStats {
    const ring = this.rings.get(key);
    return windowStats(ring ? ring.since(this.now() - windowMs) : []);
  }

  ingest(rows: readonly UsageRecord[]): void {
    const touched = new Set<string>();
    for (const row of rows) {
      for (const attempt of row.attempts) {
        const sample = sampleOf(row, attempt);
        if (!sample) continue;
        const key = `${attempt.provider}/${attempt.model}`;
        let ring = this.rings.get(key);
        if (!ring) {
          ring = new SampleRing(this.capacity);
          this.rings.set(key, ring);
        }
        ring.push(sample);
        touched.add(key);
      }
    }
    for (const key of touched) this.summarize(key);
  }

  /** Lets samples age out of the window even when no traffic arrives. */
  prune(): void {
    for (const key of this.rings.keys()) this.summarize(key);
  }

  /**
   * Runs for each endpoint a committed batch touched, many times a second under load: it counts
   * and takes the medians in place (one reused buffer, no per-batch arrays of samples), with the
   * same figures `window` gives for the whole window.
   */
  private summarize(key: string): void {
    const items = this.rings.get(key)?.items ?? [];
    const since = this.now() - this.windowMs;
    let samples = 0;
    let requests = 0;
    let errors = 0;
    let rateLimited = 0;
    for (const s of items) {
      if (s.at < since) continue;
      samples += 1;
      if (s.kind === 'rate_limited') rateLimited += 1;
      else requests += 1;
      if (s.kind === 'fault') errors += 1;
    }
    if (samples === 0) {
      this.rings.delete(key);
      this.summaries.delete(key);
      return;
    }
    this.summaries.set(key, {
      requests,
      errors,
      rateLimited,
      errorRate: requests === 0 ? null : errors / requests,
      latencyP50: this.median(items, since, 'latencyMs', false),
      throughputP50: this.median(items, since, 'tokensPerSecond', true),
    });
  }

  /** `stats(values, descending).p50` of one field over the window, sorted in the reused buffer. */
  private median(items: readonly Sample[], since: number, field: 'latencyMs' | 'tokensPerSecond', descending: boolean): number | null {
    let n = 0;
    for (const s of items) {
      const value = s[field];
      if (s.at >= since && value !== null) this.scratch[n++] = value;
    }
    if (n === 0) return null;
    const ascending = this.scratch.subarray(0, n).sort();
    const index = Math.min(n - 1, Math.max(0, Math.ceil(0.5 * n) - 1));
    return roundStat((descending ? ascending[n - 1 - index] : ascending[index]) as number);
  }
}

function sampleOf(row: UsageRecord, attempt: UsageRecord['attempts'][number]): Sample | undefined {
  const at = row.createdAt;
  if (attempt.outcome === 'skipped') return undefined;
  if (attempt.outcome === 'failed') {
    if (attempt.reason === 'upstream_rate_limited') return { at, kind: 'rate_limited', latencyMs: null, tokensPerSecond: null };
    return isEndpointFault(attempt.reason, attempt.status)
      ? { at, kind: 'fault', latencyMs: null, tokensPerSecond: null }
      : undefined;
  }
  // The answering attempt: the row's outcome is its outcome (a stream can still break after the headers).
  if (isEndpointFault(row.errorCode ?? undefined, row.status)) return { at, kind: 'fault', latencyMs: null, tokensPerSecond: null };
  if (row.status !== 200) return undefined;
  const start = attempt.start_ms ?? 0;
  const firstByte = row.ttftMs ?? row.latencyMs;
  const latencyMs = Math.max(0, firstByte - start);
  const generatingMs = row.streamed ? row.latencyMs - firstByte : row.latencyMs - start;
  // Below the timer's useful resolution an answer counts as taking 1 ms: the fastest endpoint must not rank last.
  const tokensPerSecond = row.completionTokens > 0 ? row.completionTokens / (Math.max(generatingMs, 1) / 1000) : null;
  return { at, kind: 'ok', latencyMs, tokensPerSecond };
}
