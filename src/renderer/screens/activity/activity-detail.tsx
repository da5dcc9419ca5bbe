import type { ActivityDetail } from '../../../shared/control/activity.js';
import { formatCost, formatCount, formatLatency, formatTimestamp } from '../../format.js';
import { useActivity } from '../../stores/activity-store.js';
import { ReplayPanel } from './replay-panel.js';

const OUTCOME_BADGE = { ok: 'badge-ok', failed: 'badge-error', skipped: 'badge-muted' } as const;

function RequestLink({ id }: { id: string }) {
  return (
    <button type="button" className="link-button mono-cell" onClick={() => void useActivity.getState().select(id)}>
      {id}
    </button>
  );
}

/** One request: how it was routed (every endpoint skipped, tried or retried, and why), its tokens by kind, cost and timing. */
export function ActivityDetailPanel({ detail, onClose }: { detail: ActivityDetail; onClose(): void }) {
  const facts: [string, string][] = [
    ['Time', formatTimestamp(new Date(detail.createdAt).toISOString())],
    ['App key', detail.appKey ?? 'none'],
    ['Model', detail.model],
    ['Served by', detail.provider ? `${detail.provider} · ${detail.upstreamModel ?? ''}` : 'not routed'],
    ['Status', `${detail.status}${detail.errorCode ? ` (${detail.errorCode})` : ''}${detail.finishReason ? ` · finish: ${detail.finishReason}` : ''}`],
    ['Cost', formatCost(detail.cost)],
    ['Latency', formatLatency(detail.latencyMs)],
    ['Time to first token', detail.ttftMs === null ? '—' : formatLatency(detail.ttftMs)],
    ['Prompt tokens', formatCount(detail.promptTokens)],
    ['  of which cache reads', formatCount(detail.cachedTokens)],
    ['  of which cache writes', formatCount(detail.cacheWriteTokens)],
    ['Completion tokens', formatCount(detail.completionTokens)],
    ['  of which reasoning', formatCount(detail.reasoningTokens)],
  ];
  return (
    <aside className="panel activity-detail" aria-label="Request detail" data-testid="activity-detail">
      <header className="panel-header">
        <h2 className="mono-cell">{detail.id}</h2>
        <button type="button" className="button" onClick={onClose}>Close</button>
      </header>
      <div className="panel-body">
        <dl className="facts">
          {facts.map(([term, value]) => (
            <div key={term}>
              <dt>{term}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
        {detail.usageEstimated && <p className="hint">The provider did not report the tokens; the gateway counted them.</p>}
        {(detail.replayOf !== null || detail.replays.length > 0) && (
          <ul className="replay-links" data-testid="replay-links">
            {detail.replayOf !== null && <li>Replay of <RequestLink id={detail.replayOf} /></li>}
            {detail.replays.map((id) => <li key={id}>Replayed as <RequestLink id={id} /></li>)}
          </ul>
        )}
        <h3>Routing trace</h3>
        {detail.attempts.length === 0 ? (
          <p className="hint">No endpoint was tried.</p>
        ) : (
          <ol className="trace" data-testid="trace">
            {detail.attempts.map((a, i) => (
              <li key={i}>
                <span className={`badge ${OUTCOME_BADGE[a.outcome]}`}>{a.outcome}</span>{' '}
                <code>{a.provider}/{a.model}</code>
                {a.try !== undefined && a.try > 1 && <span className="hint"> · try {a.try}</span>}
                {a.status !== undefined && <span> · HTTP {a.status}</span>}
                {a.duration_ms !== undefined && <span className="hint"> · {formatLatency(a.duration_ms)}</span>}
                {a.wait_ms !== undefined && a.wait_ms > 0 && <span className="hint"> · waited {formatLatency(a.wait_ms)}</span>}
                {(a.detail ?? a.reason) && <div className="hint">{a.detail ?? a.reason}</div>}
              </li>
            ))}
          </ol>
        )}
        <ReplayPanel detail={detail} />
      </div>
    </aside>
  );
}
