import { useCallback, useEffect, useState } from 'react';
import type { ActivityRow } from '../../shared/control/activity.js';
import { activityApi } from '../api/activity.js';
import { appKeysApi } from '../api/app-keys.js';
import { onServerEvent } from '../api/events.js';
import { formatTimestamp } from '../format.js';
import { syncAppKeys, useAppKeys } from '../stores/app-keys-store.js';
import { useConnect } from '../stores/connect-store.js';
import { useModels, useStatus } from '../stores/data-stores.js';
import { useActivity } from '../stores/activity-store.js';
import { useRouter } from '../stores/router.js';
import { CopyButton } from './copy-button.js';
import { toolSnippets } from './tool-snippets.js';

const KEY_PLACEHOLDER = '<your app key>';
const NEW_KEY = '';

type Check = { state: 'idle' } | { state: 'waiting'; keyName: string } | { state: 'arrived'; row: ActivityRow } | { state: 'failed'; message: string };

function failure(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Waits for the key's first request after `afterSeq` to be logged: the server's `usage` event
 * says rows were written, and the first of them with this key ends the wait.
 */
function useFirstRequest(check: Check, afterSeq: number, onArrived: (row: ActivityRow) => void, onFailed: (message: string) => void): void {
  const keyName = check.state === 'waiting' ? check.keyName : null;
  useEffect(() => {
    if (keyName === null) return;
    let done = false;
    const look = async () => {
      try {
        const page = await activityApi.page({ appKey: keyName, after: afterSeq, limit: 500 });
        const first = page.rows.at(-1);
        if (first && !done) {
          done = true;
          onArrived(first);
        }
      } catch (err) {
        if (!done) onFailed(failure(err));
      }
    };
    const unsubscribe = onServerEvent('usage', () => void look());
    void look();
    return () => {
      done = true;
      unsubscribe();
    };
  }, [keyName, afterSeq, onArrived, onFailed]);
}

/**
 * Ready-to-paste settings for each tool, filled in with the gateway URL, a model and the tool's
 * key (created here, or one created earlier in this page: the server keeps only a key's hash),
 * and a "check it" that waits for the tool's first request to arrive.
 */
export function ConnectTool({ heading, intro, onClose }: { heading: string; intro: string; onClose?(): void }) {
  const url = useStatus((s) => s.data?.url);
  const models = useModels((s) => s.data) ?? [];
  const keys = (useAppKeys((s) => s.data) ?? []).filter((k) => !k.builtIn);
  const secrets = useConnect((s) => s.secrets);
  const [keyName, setKeyName] = useState<string>(NEW_KEY);
  const [newName, setNewName] = useState('my-tool');
  const [model, setModel] = useState<string | null>(null);
  const [toolId, setToolId] = useState('env');
  const [error, setError] = useState<string | null>(null);
  const [check, setCheck] = useState<Check>({ state: 'idle' });
  const [afterSeq, setAfterSeq] = useState(0);
  useEffect(syncAppKeys, []);
  const arrived = useCallback((row: ActivityRow) => setCheck({ state: 'arrived', row }), []);
  const failed = useCallback((message: string) => setCheck({ state: 'failed', message }), []);
  useFirstRequest(check, afterSeq, arrived, failed);
  if (!url) return null;

  const chosenModel = model ?? models[0]?.id ?? '<provider>/<model>';
  const secret = keyName === NEW_KEY ? undefined : secrets[keyName];
  const snippets = toolSnippets({ url, key: secret ?? KEY_PLACEHOLDER, model: chosenModel });
  const tool = snippets.find((s) => s.id === toolId) ?? (snippets[0] as (typeof snippets)[number]);

  const create = async () => {
    setError(null);
    try {
      const created = await appKeysApi.create({ name: newName.trim() });
      useConnect.getState().remember(created.appKey.name, created.key);
      setKeyName(created.appKey.name);
      void useAppKeys.getState().load();
    } catch (err) {
      setError(failure(err));
    }
  };
  const startCheck = async () => {
    setError(null);
    try {
      // Only what arrives from now on counts: the key's newest logged request so far is the mark.
      const newest = await activityApi.page({ appKey: keyName, limit: 1 });
      setAfterSeq(newest.rows[0]?.seq ?? 0);
      setCheck({ state: 'waiting', keyName });
    } catch (err) {
      setCheck({ state: 'failed', message: failure(err) });
    }
  };
  const openInActivity = (row: ActivityRow) => {
    useRouter.getState().go({ screen: 'activity' });
    void useActivity.getState().select(row.id);
  };

  return (
    <section className="panel connect-tool" aria-label="Connect a tool" data-testid="connect-tool">
      <header className="connect-head">
        <h2>{heading}</h2>
        {onClose && <button type="button" className="button" onClick={onClose}>Close</button>}
      </header>
      <p className="hint">{intro}</p>
      <div className="connect-choices">
        <div className="field">
          <label htmlFor="connect-key">App key</label>
          <select id="connect-key" value={keyName} onChange={(e) => { setKeyName(e.target.value); setCheck({ state: 'idle' }); }}>
            <option value={NEW_KEY}>a new key…</option>
            {keys.map((k) => <option key={k.id} value={k.name}>{k.name}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor="connect-model">Model</label>
          <select id="connect-model" value={chosenModel} onChange={(e) => setModel(e.target.value)}>
            {models.map((m) => <option key={m.id} value={m.id}>{m.id}</option>)}
          </select>
        </div>
      </div>
      {keyName === NEW_KEY && (
        <form
          className="connect-key"
          onSubmit={(e) => {
            e.preventDefault();
            void create();
          }}
        >
          <div className="field">
            <label htmlFor="connect-key-name">Create a key for the tool</label>
            <input id="connect-key-name" value={newName} maxLength={64} onChange={(e) => setNewName(e.target.value)} />
          </div>
          <button type="submit" className="button button-primary">Create key</button>
        </form>
      )}
      {keyName !== NEW_KEY && (
        <p className="hint" data-testid="connect-key-note">
          {secret
            ? `Key “${keyName}” is filled in below. It is shown only in this page: copy it now.`
            : `Switchyard keeps only a hash of “${keyName}”: paste the key you copied when it was created, or create a new one.`}
        </p>
      )}
      {error && <p className="notice notice-error" role="alert">{error}</p>}
      <div className="tool-picker" role="group" aria-label="Tool">
        {snippets.map((s) => (
          <button key={s.id} type="button" className="button" aria-pressed={s.id === tool.id} onClick={() => setToolId(s.id)}>{s.label}</button>
        ))}
      </div>
      <p className="hint">{tool.where}</p>
      <div className="snippet-row">
        <pre className="snippet" data-testid="snippet" data-tool={tool.id}>{tool.text}</pre>
        <CopyButton text={tool.text} label={`Copy the ${tool.label} settings`} />
      </div>
      {tool.note && <p className="notice notice-warn">{tool.note}</p>}
      <div className="connect-check" aria-live="polite">
        <button type="button" className="button" disabled={keyName === NEW_KEY || check.state === 'waiting'} onClick={() => void startCheck()}>
          Check it
        </button>
        {keyName === NEW_KEY && <span className="hint">Create or choose a key first.</span>}
        {check.state === 'waiting' && <span className="hint" data-testid="connect-check">Waiting for the first request with “{check.keyName}”: send one from the tool…</span>}
        {check.state === 'arrived' && (
          <span className="connect-arrived" data-testid="connect-check">
            <span className="badge badge-ok">arrived</span> {check.row.model} · HTTP {check.row.status} · {formatTimestamp(new Date(check.row.createdAt).toISOString())}{' '}
            <button type="button" className="button" onClick={() => openInActivity(check.row)}>Open in Activity</button>
          </span>
        )}
        {check.state === 'failed' && <span className="notice notice-error" role="alert">{check.message}</span>}
      </div>
    </section>
  );
}
