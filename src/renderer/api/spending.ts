import { spendingSchema } from '../../shared/control/spending.js';
import { callApi, CONTROL_BASE } from './client.js';

/** A range as the spending routes take it: the last `days`, or `from`..`to` (UTC days). */
export type SpendingRange = { days: number } | { from: string; to: string };

function rangeQuery(range: SpendingRange): string {
  const params = 'days' in range ? { days: String(range.days) } : range;
  return new URLSearchParams(params).toString();
}

/** The spending routes of the control API (src/main/core/control/spending-routes.ts). */
export const spendingApi = {
  get: (range: SpendingRange) => callApi('GET', `/spending?${rangeQuery(range)}`, spendingSchema),
  exportUrl: (range: SpendingRange) => `${CONTROL_BASE}/spending/export?${rangeQuery(range)}`,
};
