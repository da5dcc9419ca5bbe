import { Notification } from 'electron';
import type { LimitReached, SpendWatch } from '../core/policy/spend-watch.js';

/** A system notification the first time in a period that an app key hits its spend limit. */
export function notifyWhenLimitsReached(watch: Pick<SpendWatch, 'onLimitReached'>): () => void {
  return watch.onLimitReached((event) => {
    if (!Notification.isSupported()) return;
    new Notification(limitNotice(event)).show();
  });
}

export function limitNotice(event: LimitReached): { title: string; body: string } {
  return {
    title: `App key "${event.keyName}" hit its spend limit`,
    body:
      `It has spent ${usd(event.spentUsd)} of its ${event.period} limit of ${usd(event.limitUsd)}; ` +
      'its requests are refused (402) until the limit resets or is raised.',
  };
}

export function usd(amount: number): string {
  // Cents hide what a day of small requests costs; below a dollar, show four decimals.
  return `$${amount.toFixed(Math.abs(amount) < 1 && amount !== 0 ? 4 : 2)}`;
}
