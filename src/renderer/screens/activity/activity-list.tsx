import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import type { ActivityRow } from '../../../shared/control/activity.js';
import { formatCost, formatCount, formatLatency, formatTimestamp } from '../../format.js';
import { useActivity } from '../../stores/activity-store.js';

const ROW_HEIGHT = 36;
/** Rows from the end at which the next older page is fetched. */
const PREFETCH_ROWS = 40;

function Row({ row, selected, onOpen }: { row: ActivityRow; selected: boolean; onOpen(): void }) {
  const failed = row.status >= 400;
  return (
    <button type="button" className="activity-row" aria-pressed={selected} onClick={onOpen} data-testid="activity-row">
      <span>{formatTimestamp(new Date(row.createdAt).toISOString())}</span>
      <span className="mono-cell">{row.appKey ?? '—'}</span>
      <span className="mono-cell">{row.model}</span>
      <span>{row.provider ?? '—'}</span>
      <span><span className={`badge ${failed ? 'badge-error' : 'badge-ok'}`}>{row.status}</span></span>
      <span className="numeric">{formatCount(row.promptTokens)} / {formatCount(row.completionTokens)}</span>
      <span className="numeric">{formatCost(row.cost)}</span>
      <span className="numeric">{formatLatency(row.latencyMs)}</span>
    </button>
  );
}

/** Only the rows in view are in the DOM, so a log of a million rows scrolls like one of ten. */
export function ActivityList() {
  const rows = useActivity((s) => s.rows);
  const selectedId = useActivity((s) => s.selected?.id ?? null);
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    getItemKey: (index) => rows[index]?.seq ?? index,
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.at(-1)?.index ?? 0;
  useEffect(() => {
    if (rows.length > 0 && lastIndex >= rows.length - PREFETCH_ROWS) void useActivity.getState().loadOlder();
  }, [lastIndex, rows.length]);

  return (
    <div className="activity-table" role="region" aria-label="Requests">
      <div className="activity-row activity-head" aria-hidden="true">
        <span>Time</span><span>App key</span><span>Model</span><span>Provider</span><span>Status</span>
        <span className="numeric">In / out</span><span className="numeric">Cost</span><span className="numeric">Latency</span>
      </div>
      <div ref={scroller} className="activity-scroll" tabIndex={0} aria-label="Request log, newest first">
        <ul style={{ height: virtualizer.getTotalSize() }} className="activity-items">
          {items.map((item) => {
            const row = rows[item.index] as ActivityRow;
            return (
              <li key={item.key} style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}>
                <Row row={row} selected={row.id === selectedId} onOpen={() => void useActivity.getState().select(row.id)} />
              </li>
            );
          })}
        </ul>
      </div>
    </div>
  );
}
