import { useEffect, useState } from 'react';
import { SPENDING_RANGES, type SpendingGroup } from '../../../shared/control/spending.js';
import { spendingApi } from '../../api/spending.js';
import { LimitBar } from '../../components/limit-bar.js';
import { Panel } from '../../components/panel.js';
import { formatCount, formatUsd, plural } from '../../format.js';
import { syncAppKeys, useAppKeys } from '../../stores/app-keys-store.js';
import { syncSpending, useSpending } from '../../stores/spending-store.js';
import { SpendChart, TokensChart } from './spending-charts.js';

function GroupTable({ title, rows, empty }: { title: string; rows: SpendingGroup[]; empty: string }) {
  return (
    <Panel title={title}>
      {/* Focusable: a narrow window scrolls the table sideways, and a keyboard must reach that too. */}
      <div className="table-scroll" tabIndex={0} role="region" aria-label={`${title}, table`}>
        <table className="table spend-table" data-testid={`spend-${title.toLowerCase().replaceAll(' ', '-')}`}>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col" className="numeric">Requests</th>
              <th scope="col" className="numeric">Tokens</th>
              <th scope="col" className="numeric">Spend</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.name}>
                <th scope="row" className="mono-cell" title={r.name}>{r.name || empty}</th>
                <td className="numeric">{formatCount(r.requests)}</td>
                <td className="numeric">{formatCount(r.promptTokens + r.completionTokens)}</td>
                <td className="numeric">
                  {r.unpricedRequests === r.requests ? 'unknown' : formatUsd(r.costUsd)}
                  {r.unpricedRequests > 0 && r.unpricedRequests < r.requests && (
                    <span className="hint unpriced-note" title={`${plural(r.unpricedRequests, 'request', 'requests')} of unknown cost`}>+{formatCount(r.unpricedRequests)} unpriced</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {rows.length === 0 && <p className="hint">No requests in this range.</p>}
    </Panel>
  );
}

function RangePicker() {
  const range = useSpending((s) => s.range);
  const setRange = useSpending((s) => s.setRange);
  const shownFrom = useSpending((s) => s.data?.from ?? '');
  const shownTo = useSpending((s) => s.data?.to ?? '');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  // The date fields show the range on screen; typing a custom one is not undone by live updates.
  useEffect(() => {
    setFrom(shownFrom);
    setTo(shownTo);
  }, [shownFrom, shownTo]);
  return (
    <div className="range-picker" role="group" aria-label="Range">
      {SPENDING_RANGES.map((days) => (
        <button key={days} type="button" className="button" aria-pressed={'days' in range && range.days === days} onClick={() => setRange({ days })}>
          {days} days
        </button>
      ))}
      <label htmlFor="range-from" className="visually-hidden">From</label>
      <input id="range-from" type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
      <span aria-hidden="true">–</span>
      <label htmlFor="range-to" className="visually-hidden">To</label>
      <input id="range-to" type="date" value={to} onChange={(e) => setTo(e.target.value)} />
      <button type="button" className="button" disabled={!from || !to} onClick={() => setRange({ from, to })}>Show</button>
      <a className="button" href={spendingApi.exportUrl(range)} download>Export CSV</a>
    </div>
  );
}

/** Totals, spend and tokens per day, and per model, provider and key: all summed by the server from the daily rollup. */
export function SpendingScreen() {
  const { data, error } = useSpending();
  const keys = useAppKeys((s) => s.data);
  useEffect(syncSpending, []);
  useEffect(syncAppKeys, []);
  const limited = keys?.filter((k) => k.limitUsd !== null) ?? [];
  return (
    <div className="screen spending-screen">
      <header className="screen-head">
        <h1>Spending</h1>
        <RangePicker />
      </header>
      {error && <p className="notice notice-error" role="alert">{error}</p>}
      {data === null && !error && <p className="hint">Loading…</p>}
      {data && (
        <>
          <dl className="totals" data-testid="spend-totals">
            <div><dt>Today</dt><dd data-testid="spend-today">{formatUsd(data.totals.today)}</dd></div>
            <div><dt>This week</dt><dd>{formatUsd(data.totals.week)}</dd></div>
            <div><dt>This month</dt><dd>{formatUsd(data.totals.month)}</dd></div>
          </dl>
          <p className="hint">UTC days {data.from} to {data.to}. Weeks start on Monday.</p>
          <div className="chart-grid">
            <Panel title="Spend by day"><SpendChart days={data.byDay} /></Panel>
            <Panel title="Tokens by day"><TokensChart days={data.byDay} /></Panel>
          </div>
          {limited.length > 0 && (
            <Panel title="Key limits">
              <ul className="limit-list">
                {limited.map((k) => (
                  <li key={k.id}><span className="key-name">{k.name}</span><LimitBar appKey={k} /></li>
                ))}
              </ul>
            </Panel>
          )}
          <div className="chart-grid">
            <GroupTable title="By model" rows={data.byModel} empty="(none)" />
            <GroupTable title="By provider" rows={data.byProvider} empty="(not routed)" />
            <GroupTable title="By app key" rows={data.byAppKey} empty="(no key)" />
          </div>
        </>
      )}
    </div>
  );
}
