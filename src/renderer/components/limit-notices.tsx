import { useEffect, useRef, useState } from 'react';
import type { AppKeyView } from '../../shared/control/app-keys.js';
import { formatUsd } from '../format.js';
import { syncAppKeys, useAppKeys } from '../stores/app-keys-store.js';

const NOTICE_MS = 15_000;
type Level = 0 | 80 | 100;

/** How far the key is into its limit, by what the server counted (charged plus held in flight). */
function levelOf(key: AppKeyView): Level {
  if (key.limitUsd === null) return 0;
  const used = key.periodSpentUsd + key.heldUsd;
  if (used >= key.limitUsd) return 100;
  return used >= key.limitUsd * 0.8 ? 80 : 0;
}

interface Notice {
  id: string;
  text: string;
  level: Level;
}

/** Tells the person, on any screen, when a key crosses 80 % or 100 % of its limit. */
export function LimitNotices() {
  const keys = useAppKeys((s) => s.data);
  const seen = useRef<Map<number, Level> | null>(null);
  const [notices, setNotices] = useState<Notice[]>([]);
  useEffect(syncAppKeys, []);

  useEffect(() => {
    if (!keys) return;
    const previous = seen.current;
    const next = new Map(keys.map((k) => [k.id, levelOf(k)] as const));
    seen.current = next;
    // The first list is the starting point, not news.
    if (!previous) return;
    const fresh = keys.flatMap((k): Notice[] => {
      const level = next.get(k.id) ?? 0;
      if (level <= (previous.get(k.id) ?? 0)) return [];
      const limit = `${formatUsd(k.limitUsd ?? 0)} ${k.limitPeriod ?? ''} limit`;
      const text = level === 100 ? `App key “${k.name}” reached its ${limit}: its requests get HTTP 402 until it resets or the limit is raised.` : `App key “${k.name}” used 80 % of its ${limit}.`;
      return [{ id: `${k.id}-${level}-${Date.now()}`, text, level }];
    });
    if (fresh.length > 0) setNotices((list) => [...list, ...fresh]);
  }, [keys]);

  useEffect(() => {
    if (notices.length === 0) return;
    const timer = setTimeout(() => setNotices((list) => list.slice(1)), NOTICE_MS);
    return () => clearTimeout(timer);
  }, [notices]);

  return (
    <div className="limit-notices" role="status" aria-live="polite">
      {notices.map((n) => (
        <div key={n.id} className={`notice ${n.level === 100 ? 'notice-error' : 'notice-warn'} limit-notice`} data-testid="limit-notice">
          <span>{n.text}</span>
          <button type="button" className="button" aria-label="Dismiss" onClick={() => setNotices((list) => list.filter((x) => x.id !== n.id))}>
            Dismiss
          </button>
        </div>
      ))}
    </div>
  );
}
