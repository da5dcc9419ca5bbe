import type { UsageRow } from '../../shared/usage.js';
import { formatCount, formatLatency, formatTimestamp, formatUsd } from '../format.js';
import { EmptyState } from './empty-state.js';
import { Panel } from './panel.js';

export function RecentRequestsPanel({ rows, apiUrl }: { rows: UsageRow[]; apiUrl: string }) {
  return (
    <Panel title="Recent requests" aside={rows.length > 0 ? `last ${rows.length}` : undefined}>
      {rows.length === 0 ? (
        <EmptyState title="No requests yet">
          <p>
            Point a tool at <code>{apiUrl}</code> with an app key; each request shows up here with its tokens,
            cost and latency.
          </p>
        </EmptyState>
      ) : (
        <div className="table-scroll">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">App key</th>
                <th scope="col">Model</th>
                <th scope="col">Provider</th>
                <th scope="col">Status</th>
                <th scope="col" className="numeric">
                  Tokens in / out
                </th>
                <th scope="col" className="numeric">
                  Cost
                </th>
                <th scope="col" className="numeric">
                  Latency
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <RequestRow key={row.id} row={row} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Panel>
  );
}

function RequestRow({ row }: { row: UsageRow }) {
  return (
    <tr data-testid="request-row">
      <td title={row.created_at}>
        {formatTimestamp(row.created_at)}
      </td>
      <td>{row.app_key ?? <span className="muted">none</span>}</td>
      <td className="mono-cell">{row.model}</td>
      <td title={row.upstream_model ?? undefined}>{row.provider ?? <span className="muted">—</span>}</td>
      <td>
        <StatusBadge status={row.status} errorCode={row.error_code} />
      </td>
      <td className="numeric">
        {formatCount(row.prompt_tokens)} / {formatCount(row.completion_tokens)}
      </td>
      <td className="numeric">
        {row.cost === null ? (
          <span className="muted" title="No price is known for this model">
            unknown
          </span>
        ) : (
          formatUsd(row.cost)
        )}
      </td>
      <td className="numeric" title={row.ttft_ms === null ? undefined : `First token after ${formatLatency(row.ttft_ms)}`}>
        {formatLatency(row.latency_ms)}
      </td>
    </tr>
  );
}

function StatusBadge({ status, errorCode }: { status: number; errorCode: string | null }) {
  const ok = status >= 200 && status < 300;
  return (
    <span className="request-status">
      <span className={`badge ${ok ? 'badge-ok' : 'badge-error'}`}>{status}</span>
      {errorCode && <span className="error-code">{errorCode}</span>}
    </span>
  );
}
