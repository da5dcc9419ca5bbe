import { useState } from 'react';
import { LIMIT_PERIODS, type AppKeyView } from '../../../shared/control/app-keys.js';
import { appKeysApi } from '../../api/app-keys.js';
import { CopyButton } from '../../components/copy-button.js';
import { useAppKeys } from '../../stores/app-keys-store.js';
import { useConnect } from '../../stores/connect-store.js';

type Period = AppKeyView['limitPeriod'] & string;

/** Name, optional limit and period; the new key is shown once, with a copy button, until dismissed. */
export function CreateKeyForm({ onClose }: { onClose(): void }) {
  const [name, setName] = useState('');
  const [limit, setLimit] = useState('');
  const [period, setPeriod] = useState<Period>('monthly');
  const [created, setCreated] = useState<{ key: string; name: string } | null>(null);
  const [error, setError] = useState<string | null>(null);

  const submit = async () => {
    setError(null);
    const limitUsd = limit.trim() === '' ? undefined : Number(limit);
    if (limitUsd !== undefined && !(Number.isFinite(limitUsd) && limitUsd >= 0)) {
      setError('The limit is a number of US dollars, 0 or more.');
      return;
    }
    try {
      const answer = await appKeysApi.create({ name: name.trim(), ...(limitUsd === undefined ? {} : { limitUsd, limitPeriod: period }) });
      setCreated({ key: answer.key, name: answer.appKey.name });
      useConnect.getState().remember(answer.appKey.name, answer.key);
      void useAppKeys.getState().load();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };

  if (created) {
    return (
      <section className="panel key-created" aria-label="New app key" data-testid="created-key">
        <p className="notice-title">Key “{created.name}” created. Copy it now: it is not shown again.</p>
        <div className="url-row">
          <code className="url" data-testid="created-key-value">{created.key}</code>
          <CopyButton text={created.key} label="Copy the new key" />
        </div>
        <div className="form-actions">
          <button type="button" className="button button-primary" onClick={onClose}>Done</button>
        </div>
      </section>
    );
  }

  return (
    <form
      className="panel key-form"
      aria-label="New app key"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <div className="key-form-fields">
        <div className="field">
          <label htmlFor="key-name">Name</label>
          <input id="key-name" required maxLength={64} placeholder="e.g. claude-code" value={name} onChange={(e) => setName(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="key-limit">Spend limit in USD (optional)</label>
          <input id="key-limit" inputMode="decimal" placeholder="no limit" value={limit} onChange={(e) => setLimit(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="key-period">Limit period</label>
          <select id="key-period" value={period} onChange={(e) => setPeriod(e.target.value as Period)}>
            {LIMIT_PERIODS.map((p) => <option key={p} value={p}>{p}</option>)}
          </select>
        </div>
      </div>
      {error && <p className="notice notice-error" role="alert">{error}</p>}
      <div className="form-actions">
        <button type="button" className="button" onClick={onClose}>Cancel</button>
        <button type="submit" className="button button-primary">Create key</button>
      </div>
    </form>
  );
}
