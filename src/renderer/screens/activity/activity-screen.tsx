import { useEffect } from 'react';
import { ACTIVITY_STATUSES } from '../../../shared/control/activity.js';
import { syncAppKeys, useAppKeys } from '../../stores/app-keys-store.js';
import { syncActivity, useActivity } from '../../stores/activity-store.js';
import { useModels, useProviders } from '../../stores/data-stores.js';
import { ActivityDetailPanel } from './activity-detail.js';
import { ActivityList } from './activity-list.js';
import { ConnectTool } from '../../components/connect-tool.js';
import { TimeFilter } from './time-filter.js';

function FilterSelect({ id, label, value, options, onChange }: { id: string; label: string; value: string | undefined; options: readonly string[]; onChange(value: string | undefined): void }) {
  return (
    <div className="activity-filter">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value ?? ''} onChange={(e) => onChange(e.target.value || undefined)}>
        <option value="">any</option>
        {options.map((o) => <option key={o} value={o}>{o}</option>)}
      </select>
    </div>
  );
}

function Filters() {
  const filters = useActivity((s) => s.filters);
  const setFilters = useActivity((s) => s.setFilters);
  const keys = useAppKeys((s) => s.data) ?? [];
  const models = useModels((s) => s.data) ?? [];
  const providers = useProviders((s) => s.data) ?? [];
  const change = (name: 'appKey' | 'model' | 'provider' | 'status') => (value: string | undefined) => setFilters({ ...filters, [name]: value });
  return (
    <div className="activity-filters" role="group" aria-label="Filters">
      <FilterSelect id="filter-key" label="App key" value={filters.appKey} options={keys.map((k) => k.name)} onChange={change('appKey')} />
      <FilterSelect id="filter-model" label="Model" value={filters.model} options={models.map((m) => m.id)} onChange={change('model')} />
      <FilterSelect id="filter-provider" label="Provider" value={filters.provider} options={providers.map((p) => p.id)} onChange={change('provider')} />
      <FilterSelect id="filter-status" label="Status" value={filters.status} options={ACTIVITY_STATUSES} onChange={change('status')} />
      <TimeFilter />
    </div>
  );
}

/** The live request log: newest first, paged from SQLite as it scrolls, new requests pushed by the server. */
export function ActivityScreen() {
  const { rows, loaded, error, selected, filters } = useActivity();
  useEffect(syncActivity, []);
  useEffect(syncAppKeys, []);
  const filtered = Object.values(filters).some((v) => v !== undefined);
  return (
    <div className="screen activity-screen">
      <header className="screen-head">
        <h1>Activity</h1>
        <Filters />
      </header>
      {error && <p className="notice notice-error" role="alert">{error}</p>}
      {!loaded && !error && <p className="hint">Loading…</p>}
      {loaded && rows.length === 0 && (filtered ? <p className="hint">No requests match these filters.</p> : <ConnectTool heading="No requests yet: connect a tool" intro="Pick the tool, copy its settings, and send a request: it shows up here as it happens." />)}
      {rows.length > 0 && (
        <div className={`activity-body${selected ? ' with-detail' : ''}`}>
          <ActivityList />
          {selected && <ActivityDetailPanel detail={selected} onClose={() => void useActivity.getState().select(null)} />}
        </div>
      )}
    </div>
  );
}
