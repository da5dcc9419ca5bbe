import type { AppKeyStore, LimitPeriod } from '../secrets/app-keys.js';
import type { UsageQueries } from '../usage/usage-queries.js';
import type { UsageWriter } from '../usage/usage-writer.js';
import { periodStart } from './limit-period.js';
import type { SpendLedger } from './spend-ledger.js';

/** Same tolerance as the ledger: a key that spent exactly its limit has reached it. */
const USD_EPSILON = 1e-9;
/** The error code of a request the spend gate refused (spend-gate.ts). */
const SPEND_LIMIT_REFUSAL = 'spend_limit_exceeded';

export interface LimitReached {
  keyName: string;
  limitUsd: number;
  period: LimitPeriod;
  spentUsd: number;
}

export interface SpendToday {
  /** UTC day, as the spend limits and the rollup count days. */
  day: string;
  /** Sum of known costs; requests of unknown price add nothing. */
  costUsd: number;
  requests: number;
}

/**
 * What a desktop shell shows about spending without asking the HTTP API: today's total, and
 * one event per key and period when a limited key reaches its limit. It follows committed
 * usage batches, so it costs nothing between requests.
 */
export class SpendWatch {
  private readonly listeners = new Set<(event: LimitReached) => void>();
  private readonly changeListeners = new Set<() => void>();
  /** `keyId:periodStart` of limits already announced, so each is told once per period. */
  private readonly announced = new Set<string>();
  private readonly unsubscribe: () => void;

  constructor(
    writer: UsageWriter,
    private readonly queries: UsageQueries,
    private readonly appKeys: AppKeyStore,
    private readonly ledger: SpendLedger,
  ) {
    this.unsubscribe = writer.onCommit((rows) => {
      const refused = new Set<number>();
      const charged = new Set<number>();
      for (const row of rows) {
        if (row.appKeyId === null) continue;
        (row.errorCode === SPEND_LIMIT_REFUSAL ? refused : charged).add(row.appKeyId);
      }
      for (const id of new Set([...refused, ...charged])) this.checkLimit(id, refused.has(id));
      for (const listener of this.changeListeners) listener();
    });
  }

  today(): SpendToday {
    const day = new Date(periodStart('daily', this.ledger.now())).toISOString().slice(0, 10);
    let costUsd = 0;
    let requests = 0;
    for (const row of this.queries.spendPerDayPerModel(day)) {
      costUsd += row.cost ?? 0;
      requests += row.requests;
    }
    return { day, costUsd, requests };
  }

  /** Called once for each key and period in which the key reaches its spend limit. */
  onLimitReached(listener: (event: LimitReached) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called after every committed batch of usage rows (today's total may have moved). */
  onChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  close(): void {
    this.unsubscribe();
    this.listeners.clear();
    this.changeListeners.clear();
  }

  /**
   * A key has hit its limit when it spent all of it, or when a request was refused because its
   * cost ceiling no longer fits what is left (the key cannot serve that request any more).
   */
  private checkLimit(keyId: number, refused: boolean): void {
    const key = this.appKeys.getById(keyId);
    if (!key || key.limitUsd === null || key.limitPeriod === null) return;
    const spentUsd = this.ledger.spend(keyId)[key.limitPeriod];
    if (!refused && spentUsd + USD_EPSILON < key.limitUsd) return;
    const mark = `${keyId}:${periodStart(key.limitPeriod, this.ledger.now())}`;
    if (this.announced.has(mark)) return;
    this.announced.add(mark);
    const event: LimitReached = { keyName: key.name, limitUsd: key.limitUsd, period: key.limitPeriod, spentUsd };
    for (const listener of this.listeners) listener(event);
  }
}
