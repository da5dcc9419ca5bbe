import type { AppKey } from '../secrets/app-keys.js';
import { utcDay, type UsageRecord } from '../usage/usage-record.js';

/** A SQL condition on `daily_usage` and its parameters. */
export interface DailyUsageScope {
  where: string;
  params: string[];
}

/**
 * What an app key may read of the gateway's spend (/activity, /credits): everything for a
 * management key (like OpenRouter's provisioning keys), otherwise only its own requests, so one
 * tool cannot watch what the others do. The daily rollup is keyed by key name, and the name of a
 * revoked key may be given to a new one: a key's own rows start on the day it was created.
 */
export function dailyUsageScope(appKey: AppKey): DailyUsageScope {
  if (appKey.manage) return { where: '1 = 1', params: [] };
  return { where: 'app_key = ? AND day >= ?', params: [appKey.name, utcDay(appKey.createdAt)] };
}

/** The same scope over a usage row not yet committed. */
export function inScope(appKey: AppKey, row: UsageRecord): boolean {
  return appKey.manage || row.appKeyId === appKey.id;
}
