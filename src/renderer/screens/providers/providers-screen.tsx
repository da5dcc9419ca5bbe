import { useState } from 'react';
import type { ProviderView, TestResult } from '../../../shared/control/providers.js';
import { control } from '../../api/control.js';
import { useProviders } from '../../stores/data-stores.js';
import { AddProviderForm } from './add-provider-form.js';
import { ProviderCatalog, type ProviderChoice } from './provider-catalog.js';
import { VaultNotice } from './vault-notice.js';

const KEY_STATE: Record<ProviderView['keySource'], string> = {
  keychain: 'key in vault',
  env: 'key from environment',
  none: 'no key',
  'not-required': 'no key needed',
};

function ProviderRow({ provider }: { provider: ProviderView }) {
  const [editing, setEditing] = useState(false);
  const [apiKey, setApiKey] = useState('');
  const [baseUrl, setBaseUrl] = useState(provider.baseUrl);
  const [test, setTest] = useState<TestResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const fieldId = `provider-${provider.id}`;

  const attempt = async (work: () => Promise<void>) => {
    setError(null);
    try {
      await work();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  const save = () =>
    attempt(async () => {
      const { providers } = await control.updateProvider(provider.id, {
        ...(apiKey ? { apiKey } : {}),
        ...(baseUrl !== provider.baseUrl ? { baseUrl } : {}),
      });
      setApiKey('');
      setEditing(false);
      useProviders.setState({ data: providers });
    });
  const remove = () =>
    attempt(async () => {
      if (!window.confirm(`Remove provider "${provider.id}" and its stored key?`)) return;
      useProviders.setState({ data: (await control.removeProvider(provider.id)).providers });
    });
  const runTest = () => attempt(async () => setTest(await control.testProvider({ id: provider.id, type: provider.type, baseUrl: provider.baseUrl })));

  return (
    <li className="provider-card" data-testid="provider-card">
      <div className="provider-card-head">
        <h2>{provider.id}</h2>
        <span className="badge badge-muted">{provider.type}</span>
        {provider.local && <span className="badge badge-ok">local</span>}
        <span className={`badge ${provider.keySource === 'none' ? 'badge-warn' : 'badge-muted'}`}>
          {KEY_STATE[provider.keySource]}
          {provider.keyHint && <code className="key-hint"> {provider.keyHint}</code>}
        </span>
      </div>
      <p className="hint">
        <code>{provider.baseUrl}</code> · {provider.models.length} model{provider.models.length === 1 ? '' : 's'}
        {provider.modelsListed ? ' (listed in the config)' : ' (found by asking the provider)'}
      </p>
      {editing && (
        <form className="provider-edit" onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}>
          <div className="field">
            <label htmlFor={`${fieldId}-url`}>Base URL</label>
            <input id={`${fieldId}-url`} type="url" value={baseUrl} onChange={(e) => setBaseUrl(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor={`${fieldId}-key`}>New API key (leave empty to keep the current one)</label>
            <input id={`${fieldId}-key`} type="password" autoComplete="off" value={apiKey} onChange={(e) => setApiKey(e.target.value)} />
          </div>
          <div className="form-actions">
            <button type="button" className="button" onClick={() => setEditing(false)}>Cancel</button>
            <button type="submit" className="button button-primary">Save</button>
          </div>
        </form>
      )}
      {test && <p className={`notice ${test.ok ? 'notice-ok' : 'notice-error'}`} role="status">{test.message}</p>}
      {error && <p className="notice notice-error" role="alert">{error}</p>}
      {!editing && (
        <div className="form-actions">
          <button type="button" className="button" onClick={() => void runTest()}>Test</button>
          <button type="button" className="button" onClick={() => setEditing(true)}>Edit</button>
          <button type="button" className="button button-danger" onClick={() => void remove()}>Remove</button>
        </div>
      )}
    </li>
  );
}

export function ProvidersScreen() {
  const { data, error } = useProviders();
  const [adding, setAdding] = useState<ProviderChoice | 'catalog' | null>(null);
  return (
    <div className="screen providers-screen">
      <header className="screen-head">
        <h1>Providers</h1>
        {adding === null && <button type="button" className="button button-primary" onClick={() => setAdding('catalog')}>Add provider</button>}
      </header>
      <VaultNotice />
      {error && <p className="notice notice-error" role="alert">{error}</p>}
      {adding === 'catalog' && <ProviderCatalog onChoose={setAdding} />}
      {adding !== null && adding !== 'catalog' && <AddProviderForm {...adding} onDone={() => setAdding(null)} onCancel={() => setAdding(null)} />}
      {data === null && !error && <p className="hint">Loading…</p>}
      {data?.length === 0 && adding === null && <p className="hint">No providers yet. Add one to start chatting.</p>}
      <ul className="provider-list">
        {data?.map((p) => <ProviderRow key={p.id} provider={p} />)}
      </ul>
    </div>
  );
}
