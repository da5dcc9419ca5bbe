import { useId, useState } from 'react';
import type { TestResult } from '../../../shared/control/providers.js';
import { providerLabel } from '../../../shared/control/known-providers.js';
import { control } from '../../api/control.js';
import { useProviders } from '../../stores/data-stores.js';

interface AddProviderFormProps {
  type: string;
  /** Preset for local servers found by the probe. */
  baseUrl?: string;
  keyless?: boolean;
  onDone(): void;
  onCancel(): void;
}

/**
 * Paste a key, test it (the provider lists its models), save. The key goes to the gateway's
 * vault and is never shown again: the field is a password field and is cleared on save.
 */
export function AddProviderForm({ type, baseUrl: presetUrl, keyless, onDone, onCancel }: AddProviderFormProps) {
  const taken = new Set((useProviders((s) => s.data) ?? []).map((p) => p.id));
  const suggested = taken.has(type) ? `${type}-2` : type;
  const [id, setId] = useState(suggested);
  const [baseUrl, setBaseUrl] = useState(presetUrl ?? '');
  const [apiKey, setApiKey] = useState('');
  const [test, setTest] = useState<TestResult | null>(null);
  const [busy, setBusy] = useState<'test' | 'save' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const formId = useId();
  const needsUrl = type === 'openai-compatible';

  const input = () => ({ type, ...(baseUrl ? { baseUrl } : {}), ...(apiKey ? { apiKey } : {}) });

  async function runTest() {
    setBusy('test');
    setError(null);
    try {
      setTest(await control.testProvider(input()));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(null);
    }
  }

  async function save() {
    setBusy('save');
    setError(null);
    try {
      const { providers } = await control.addProvider({ id, ...input() });
      setApiKey('');
      useProviders.setState({ data: providers, error: null });
      onDone();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(null);
    }
  }

  return (
    <form
      className="add-provider"
      aria-label={`Add ${providerLabel(type)}`}
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <h2>Add {providerLabel(type)}</h2>
      <div className="field">
        <label htmlFor={`${formId}-id`}>Provider id</label>
        <input id={`${formId}-id`} value={id} onChange={(e) => setId(e.target.value.toLowerCase())} required pattern="[a-z0-9][a-z0-9._\-]{0,63}" aria-describedby={`${formId}-id-hint`} />
        <p id={`${formId}-id-hint`} className="hint">Models are served as <code>{id || type}/model-name</code>.</p>
      </div>
      <div className="field">
        <label htmlFor={`${formId}-url`}>Base URL{needsUrl ? '' : ' (optional)'}</label>
        <input id={`${formId}-url`} type="url" value={baseUrl} required={needsUrl} placeholder={needsUrl ? 'http://127.0.0.1:8000/v1' : 'the provider’s default'} onChange={(e) => setBaseUrl(e.target.value)} />
      </div>
      {!keyless && (
        <div className="field">
          <label htmlFor={`${formId}-key`}>API key</label>
          <input id={`${formId}-key`} type="password" autoComplete="off" spellCheck={false} value={apiKey} onChange={(e) => setApiKey(e.target.value)} aria-describedby={`${formId}-key-hint`} />
          <p id={`${formId}-key-hint`} className="hint">Stored in the gateway's key vault, never shown again.</p>
        </div>
      )}
      {test && (
        <div className={`notice ${test.ok ? 'notice-ok' : 'notice-error'}`} role="status" data-testid="test-result">
          <p>{test.message}</p>
          {test.ok && test.models.length > 0 && <p className="hint">{test.models.slice(0, 8).join(', ')}{test.models.length > 8 ? ', …' : ''}</p>}
        </div>
      )}
      {error && <p className="notice notice-error" role="alert">{error}</p>}
      <div className="form-actions">
        <button type="button" className="button" onClick={onCancel}>Cancel</button>
        <button type="button" className="button" disabled={busy !== null || (needsUrl && !baseUrl)} onClick={() => void runTest()}>
          {busy === 'test' ? 'Testing…' : 'Test connection'}
        </button>
        <button type="submit" className="button button-primary" disabled={busy !== null || !id}>
          {busy === 'save' ? 'Saving…' : 'Save'}
        </button>
      </div>
    </form>
  );
}
