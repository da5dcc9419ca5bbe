import { useEffect, useRef } from 'react';
import type { AppKeyView } from '../../shared/control/app-keys.js';
import { formatUsd } from '../format.js';
import { syncAppKeys, useAppKeys } from '../stores/app-keys-store.js';
import { useNotices } from '../stores/notices-store.js';

type Level = 0 | 80 | 100;

/** How far the key is into its limit, by what the server counted (charged plus held in flight). */
function levelOf(key: AppKeyView): Level {
  if (key.limitUsd === null) return 0;
  const used = key.periodSpentUsd + key.heldUsd;
  if (used >= key.limitUsd) return 100;
  return used >= key.limitUsd * 0.8 ? 80 : 0;
}

/** A notice when a key crosses 80 % or 100 % of its limit. */
export function useLimitNotices(): void {
  const keys = useAppKeys((s) => s.data);
  const seen = useRef<Map<number, Level> | null>(null);
  useEffect(syncAppKeys, []);

  useEffect(() => {
    if (!keys) return;
    const previous = seen.current;
    const next = new Map(keys.map((k) => [k.id, levelOf(k)] as const));
    seen.current = next;
    // The first list is the starting point, not news.
    if (!previous) return;
    useNotices.getState().push(
      keys.flatMap((k) => {
        const level = next.get(k.id) ?? 0;
        if (level <= (previous.get(k.id) ?? 0)) return [];
        const limit = `${formatUsd(k.limitUsd ?? 0)} ${k.limitPeriod ?? ''} limit`;
        const text = level === 100 ? `App key “${k.name}” reached its ${limit}: its requests get HTTP 402 until it resets or the limit is raised.` : `App key “${k.name}” used 80 % of its ${limit}.`;
        return [{ kind: 'limit' as const, tone: level === 100 ? ('error' as const) : ('warn' as const), text }];
      }),
    );
  }, [keys]);
}
