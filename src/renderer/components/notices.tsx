import { useEffect } from 'react';
import { useNotices } from '../stores/notices-store.js';
import { useCircuitNotices } from './circuit-notices.js';
import { useLimitNotices } from './limit-notices.js';

const NOTICE_MS = 15_000;
const TONE_CLASS = { ok: 'notice-ok', warn: 'notice-warn', error: 'notice-error' } as const;

/** Tells the person, on any screen, when a key nears or reaches its limit and when a provider's circuit opens or closes. */
export function Notices() {
  useLimitNotices();
  useCircuitNotices();
  const notices = useNotices((s) => s.notices);
  const dismiss = useNotices((s) => s.dismiss);

  useEffect(() => {
    const oldest = notices[0];
    if (!oldest) return;
    const timer = setTimeout(() => dismiss(oldest.id), NOTICE_MS);
    return () => clearTimeout(timer);
  }, [notices, dismiss]);

  return (
    <div className="limit-notices" role="status" aria-live="polite">
      {notices.map((n) => (
        <div key={n.id} className={`notice ${TONE_CLASS[n.tone]} limit-notice`} data-testid={`${n.kind}-notice`}>
          <span>{n.text}</span>
          <button type="button" className="button" aria-label="Dismiss" onClick={() => dismiss(n.id)}>
            Dismiss
          </button>
        </div>
      ))}
    </div>
  );
}
