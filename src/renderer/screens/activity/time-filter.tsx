import { useState } from 'react';
import { useActivity } from '../../stores/activity-store.js';

const HOUR_MS = 3_600_000;
const PRESETS = [
  { value: '1h', label: 'last hour', ms: HOUR_MS },
  { value: '24h', label: 'last 24 hours', ms: 24 * HOUR_MS },
  { value: '7d', label: 'last 7 days', ms: 7 * 24 * HOUR_MS },
] as const;

/** A `datetime-local` value (the browser's time zone) as ms, or undefined when empty. */
function instantOf(value: string): number | undefined {
  const ms = value ? new Date(value).getTime() : Number.NaN;
  return Number.isNaN(ms) ? undefined : ms;
}

/** When the request started: a recent window, or a custom from–to range (the server bounds the page by it). */
export function TimeFilter() {
  const filters = useActivity((s) => s.filters);
  const setFilters = useActivity((s) => s.setFilters);
  const [preset, setPreset] = useState<string>('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');

  const choose = (value: string) => {
    setPreset(value);
    if (value === 'custom') return;
    const window = PRESETS.find((p) => p.value === value);
    setFilters({ ...filters, since: window ? Date.now() - window.ms : undefined, until: undefined });
  };
  const since = instantOf(from);
  const until = instantOf(to);
  const invalid = since !== undefined && until !== undefined && since >= until;

  return (
    <>
      <div className="activity-filter">
        <label htmlFor="filter-time">Time</label>
        <select id="filter-time" value={preset} onChange={(e) => choose(e.target.value)}>
          <option value="">any</option>
          {PRESETS.map((p) => <option key={p.value} value={p.value}>{p.label}</option>)}
          <option value="custom">custom…</option>
        </select>
      </div>
      {preset === 'custom' && (
        <form
          className="activity-time-range"
          aria-label="Custom time range"
          onSubmit={(e) => {
            e.preventDefault();
            if (!invalid) setFilters({ ...filters, since, until });
          }}
        >
          <div className="activity-filter">
            <label htmlFor="filter-from">From</label>
            <input id="filter-from" type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} />
          </div>
          <div className="activity-filter">
            <label htmlFor="filter-to">To</label>
            <input id="filter-to" type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} />
          </div>
          <button type="submit" className="button" disabled={invalid || (since === undefined && until === undefined)}>Apply</button>
          {invalid && <span className="hint" role="alert">From must be before To.</span>}
        </form>
      )}
    </>
  );
}
