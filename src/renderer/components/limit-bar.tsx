import type { AppKeyView } from '../../shared/control/app-keys.js';
import { formatUsd } from '../format.js';

const PERIOD_WORD: Record<NonNullable<AppKeyView['limitPeriod']>, string> = {
  daily: 'today',
  weekly: 'this week',
  monthly: 'this month',
  total: 'in total',
};

function resetText(resetsAt: number | null): string {
  if (resetsAt === null) return 'never resets';
  const at = new Date(resetsAt);
  return `resets ${at.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })} ${at.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })}`;
}

/** A key's spend against its limit, as the server counted it (charged, held in flight, when it resets). */
export function LimitBar({ appKey }: { appKey: AppKeyView }) {
  if (appKey.limitUsd === null || appKey.limitPeriod === null) {
    return <span className="hint">no limit · {formatUsd(appKey.periodSpentUsd)} this month</span>;
  }
  const limit = appKey.limitUsd;
  const used = appKey.periodSpentUsd + appKey.heldUsd;
  const share = limit === 0 ? 1 : Math.min(1, used / limit);
  const level = share >= 1 ? 'full' : share >= 0.8 ? 'high' : 'ok';
  return (
    <div className="limit" data-testid="limit-bar">
      <div
        className={`limit-track limit-${level}`}
        role="progressbar"
        aria-label={`${appKey.name} spend against its limit`}
        aria-valuemin={0}
        aria-valuemax={limit}
        aria-valuenow={Math.min(used, limit)}
        aria-valuetext={`${formatUsd(used)} of ${formatUsd(limit)}`}
      >
        <div className="limit-fill" style={{ width: `${(share * 100).toFixed(1)}%` }} />
      </div>
      <span className="limit-text" data-testid="limit-text">
        {formatUsd(appKey.periodSpentUsd)} of {formatUsd(limit)} {PERIOD_WORD[appKey.limitPeriod]}
        {appKey.heldUsd > 0 && ` · ${formatUsd(appKey.heldUsd)} held in flight`} · {resetText(appKey.resetsAt)}
      </span>
    </div>
  );
}
