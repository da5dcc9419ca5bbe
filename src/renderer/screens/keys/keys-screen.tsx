import { useEffect, useState } from 'react';
import { LIMIT_PERIODS, type AppKeyView } from '../../../shared/control/app-keys.js';
import { appKeysApi } from '../../api/app-keys.js';
import { ConnectTool } from '../../components/connect-tool.js';
import { LimitBar } from '../../components/limit-bar.js';
import { formatTimestamp } from '../../format.js';
import { syncAppKeys, useAppKeys } from '../../stores/app-keys-store.js';
import { useConnect } from '../../stores/connect-store.js';
import { CreateKeyForm } from './create-key-form.js';

type Period = AppKeyView['limitPeriod'] & string;

function LimitEditor({ appKey, onDone }: { appKey: AppKeyView; onDone(error?: string): void }) {
  const [limit, setLimit] = useState(appKey.limitUsd === null ? '' : String(appKey.limitUsd));
  const [period, setPeriod] = useState<Period>(appKey.limitPeriod ?? 'monthly');
  const id = `limit-${appKey.id}`;
  const save = async (limitUsd: number | null) => {
    try {
      await appKeysApi.update(appKey.id, limitUsd === null ? { limitUsd } : { limitUsd, limitPeriod: period });
      onDone();
    } catch (err) {
      onDone(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <form
      className="limit-editor"
      aria-label={`Limit of ${appKey.name}`}
      onSubmit={(e) => {
        e.preventDefault();
        const value = Number(limit);
        if (limit.trim() === '' || !(Number.isFinite(value) && value >= 0)) onDone('The limit is a number of US dollars, 0 or more.');
        else void save(value);
      }}
    >
      <label htmlFor={`${id}-usd`} className="visually-hidden">Limit in USD</label>
      <input id={`${id}-usd`} inputMode="decimal" size={8} value={limit} onChange={(e) => setLimit(e.target.value)} />
      <label htmlFor={`${id}-period`} className="visually-hidden">Period</label>
      <select id={`${id}-period`} value={period} onChange={(e) => setPeriod(e.target.value as Period)}>
        {LIMIT_PERIODS.map((p) => <option key={p} value={p}>{p}</option>)}
      </select>
      <button type="submit" className="button button-primary">Save</button>
      {appKey.limitUsd !== null && <button type="button" className="button" onClick={() => void save(null)}>No limit</button>}
      <button type="button" className="button" onClick={() => onDone()}>Cancel</button>
    </form>
  );
}

function KeyRow({ appKey, onError }: { appKey: AppKeyView; onError(message: string | null): void }) {
  const [editing, setEditing] = useState(false);
  const act = async (work: () => Promise<unknown>) => {
    onError(null);
    try {
      await work();
      void useAppKeys.getState().load();
    } catch (err) {
      onError(err instanceof Error ? err.message : String(err));
    }
  };
  const revoke = () =>
    act(async () => {
      if (window.confirm(`Revoke "${appKey.name}"? Tools using it stop working at once.`)) await appKeysApi.revoke(appKey.id);
    });
  return (
    <tr data-testid="app-key-row" data-key-name={appKey.name}>
      <th scope="row">
        <span className="key-name">{appKey.name}</span>
        {appKey.builtIn && <span className="badge badge-muted">built-in (this UI)</span>}
        {appKey.manage && <span className="badge badge-muted">management</span>}
        {appKey.disabled && <span className="badge badge-warn">disabled</span>}
      </th>
      <td className="mono-cell">…{appKey.hint}</td>
      <td className="key-limit">
        {editing ? (
          <LimitEditor
            appKey={appKey}
            onDone={(error) => {
              onError(error ?? null);
              if (!error) {
                setEditing(false);
                void useAppKeys.getState().load();
              }
            }}
          />
        ) : (
          <LimitBar appKey={appKey} />
        )}
      </td>
      <td>{appKey.lastUsedAt === null ? <span className="hint">never</span> : formatTimestamp(new Date(appKey.lastUsedAt).toISOString())}</td>
      <td>
        <div className="row-actions">
          {!editing && <button type="button" className="button" onClick={() => setEditing(true)} aria-label={`Set the limit of ${appKey.name}`}>Limit</button>}
          <button type="button" className="button" onClick={() => void act(() => appKeysApi.update(appKey.id, { disabled: !appKey.disabled }))} aria-label={`${appKey.disabled ? 'Enable' : 'Disable'} ${appKey.name}`}>
            {appKey.disabled ? 'Enable' : 'Disable'}
          </button>
          {!appKey.builtIn && <button type="button" className="button button-danger" onClick={() => void revoke()} aria-label={`Revoke ${appKey.name}`}>Revoke</button>}
        </div>
      </td>
    </tr>
  );
}

/** Every active app key: its limit and spend this period, last use, and what can be done with it. */
export function KeysScreen() {
  const { data, error } = useAppKeys();
  const [creating, setCreating] = useState(false);
  const connecting = useConnect((s) => s.open);
  const setConnecting = useConnect((s) => s.setOpen);
  const [actionError, setActionError] = useState<string | null>(null);
  useEffect(syncAppKeys, []);
  return (
    <div className="screen keys-screen">
      <header className="screen-head">
        <h1>App keys</h1>
        <div className="row-actions">
          {!connecting && <button type="button" className="button" onClick={() => setConnecting(true)}>Connect a tool</button>}
          {!creating && <button type="button" className="button button-primary" onClick={() => setCreating(true)}>New key</button>}
        </div>
      </header>
      <p className="hint">Each tool gets its own key, so its spending shows apart and a limit stops it (HTTP 402) before anything goes upstream.</p>
      {connecting && (
        <ConnectTool heading="Connect a tool" intro="Settings for each tool, filled in with this gateway and a key; “Check it” waits for the tool's first request." onClose={() => setConnecting(false)} />
      )}
      {creating && <CreateKeyForm onClose={() => setCreating(false)} />}
      {(error ?? actionError) && <p className="notice notice-error" role="alert">{actionError ?? error}</p>}
      {data === null && !error && <p className="hint">Loading…</p>}
      {data && (
        <div className="table-scroll">
          <table className="table keys-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Key</th>
                <th scope="col">Limit and spend this period</th>
                <th scope="col">Last use</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {data.map((k) => <KeyRow key={k.id} appKey={k} onError={setActionError} />)}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
