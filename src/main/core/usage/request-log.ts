import { randomBytes } from 'node:crypto';
import { compressBodies, type CapturedBodies } from '../policy/body-log.js';
import type { TokenUsage } from '../protocol/token-usage.js';
import type { AttemptRecord, EgressRecord, UsageRecord } from './usage-record.js';
import type { UsageWriter } from './usage-writer.js';

const ID_BYTES = 15;
const POOL_IDS = 256;
let pool = Buffer.alloc(0);
let poolOffset = 0;

/**
 * OpenRouter-style generation id: seconds since the epoch keep ids roughly ordered; 120 random
 * bits make them unique. Random bytes are drawn in batches: one syscall per 256 ids on the hot path.
 */
export function newGenerationId(now = Date.now()): string {
  if (poolOffset + ID_BYTES > pool.length) {
    pool = randomBytes(ID_BYTES * POOL_IDS);
    poolOffset = 0;
  }
  const random = pool.toString('base64url', poolOffset, poolOffset + ID_BYTES);
  poolOffset += ID_BYTES;
  return `gen-${Math.floor(now / 1000)}-${random}`;
}

/**
 * The usage row of one request, filled in as the request goes, written exactly once by `finish`
 * whatever path the request ends on (success, error, client abort, shutdown).
 */
export class RequestLog {
  readonly id: string;
  readonly startedAt = performance.now();
  provider: string | null = null;
  upstreamModel: string | null = null;
  usage: TokenUsage | undefined;
  cost: number | null = null;
  ttftMs: number | null = null;
  finishReason: string | null = null;
  streamed = false;
  /** Set when `usage` was counted by the gateway, not reported by the upstream. */
  usageEstimated = false;
  readonly attempts: AttemptRecord[] = [];
  /** What left this machine and under which policy (counts, never values): the egress audit. */
  readonly egress: EgressRecord = {};
  /** Set when the app key opted in to prompt/completion logging (policy/body-log.ts). */
  bodies: CapturedBodies | undefined;
  /** Runs once the row is recorded: a spend-limit reservation settles to the real charge here. */
  onFinish: ((row: UsageRecord) => void) | undefined;
  private finished = false;

  constructor(
    private readonly writer: UsageWriter,
    readonly appKeyId: number | null,
    readonly appKey: string | null,
    public model: string,
    /** From the gateway's clock, the one spend-limit periods are counted on. */
    readonly createdAt = Date.now(),
  ) {
    this.id = newGenerationId(createdAt);
  }

  markFirstByte(): void {
    this.ttftMs ??= performance.now() - this.startedAt;
  }

  get isFinished(): boolean {
    return this.finished;
  }

  finish(status: number, errorCode: string | null = null): UsageRecord | undefined {
    if (this.finished) return undefined;
    this.finished = true;
    const usage = this.usage;
    const row: UsageRecord = {
      id: this.id,
      createdAt: this.createdAt,
      appKeyId: this.appKeyId,
      appKey: this.appKey,
      model: this.model,
      provider: this.provider,
      upstreamModel: this.upstreamModel,
      status,
      promptTokens: usage?.promptTokens ?? 0,
      completionTokens: usage?.completionTokens ?? 0,
      cachedTokens: usage?.cachedTokens ?? 0,
      cacheWriteTokens: usage?.cacheWriteTokens ?? 0,
      reasoningTokens: usage?.reasoningTokens ?? 0,
      cost: usage ? this.cost : status < 400 ? null : 0,
      latencyMs: performance.now() - this.startedAt,
      ttftMs: this.ttftMs,
      streamed: this.streamed,
      finishReason: this.finishReason,
      errorCode,
      attempts: this.attempts,
      usageEstimated: this.usageEstimated,
      egress: this.egress.policy || this.egress.redacted ? this.egress : null,
      bodies: this.bodies && compressBodies(this.bodies, this.createdAt),
    };
    this.writer.record(row);
    this.onFinish?.(row);
    return row;
  }
}
