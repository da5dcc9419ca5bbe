import type { LimitPeriod } from '../secrets/app-keys.js';

export const DAY_MS = 86_400_000;

/** Whole UTC days since the epoch: the bucket of the per-key spend rollup. */
export function utcDayNumber(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

/**
 * Start of the spend period containing `nowMs`, as OpenRouter resets key limits: daily at
 * UTC midnight, weekly on Monday 00:00 UTC, monthly on the 1st 00:00 UTC; `total` never resets.
 */
export function periodStart(period: LimitPeriod, nowMs: number): number {
  const today = utcDayNumber(nowMs) * DAY_MS;
  switch (period) {
    case 'daily':
      return today;
    case 'weekly': {
      const daysSinceMonday = (new Date(today).getUTCDay() + 6) % 7;
      return today - daysSinceMonday * DAY_MS;
    }
    case 'monthly': {
      const d = new Date(nowMs);
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    }
    case 'total':
      return 0;
  }
}

/** When the period containing `nowMs` ends; null for `total`. */
export function periodEnd(period: LimitPeriod, nowMs: number): number | null {
  const start = periodStart(period, nowMs);
  switch (period) {
    case 'daily':
      return start + DAY_MS;
    case 'weekly':
      return start + 7 * DAY_MS;
    case 'monthly': {
      const d = new Date(start);
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
    }
    case 'total':
      return null;
  }
}
