import { useState } from 'react';
import { appKeysApi } from '../../api/app-keys.js';
import { CopyButton } from '../../components/copy-button.js';
import { useModels, useStatus } from '../../stores/data-stores.js';

const KEY_PLACEHOLDER = '<your app key>';

/** Empty Activity teaches: the base URL and a key, ready to paste into a tool; the first request then appears here. */
export function ConnectTool() {
  const url = useStatus((s) => s.data?.url);
  const model = useModels((s) => s.data?.[0]?.id) ?? '<provider>/<model>';
  const [name, setName] = useState('my-tool');
  const [key, setKey] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  if (!url) return null;
  const baseUrl = `${url}/v1`;
  const apiKey = key ?? KEY_PLACEHOLDER;
  const env = `export OPENAI_BASE_URL=${baseUrl}\nexport OPENAI_API_KEY=${apiKey}`;
  const curl = `curl ${baseUrl}/chat/completions \\\n  -H "Authorization: Bearer ${apiKey}" \\\n  -H "Content-Type: application/json" \\\n  -d '{"model": "${model}", "messages": [{"role": "user", "content": "Hello"}]}'`;
  const create = async () => {
    setError(null);
    try {
      setKey((await appKeysApi.create({ name: name.trim() })).key);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <section className="panel connect-tool" aria-label="Connect a tool" data-testid="connect-tool">
      <h2>No requests yet: connect a tool</h2>
      <p className="hint">Any OpenAI-compatible tool or SDK works with these two settings. Requests show up here as they happen.</p>
      {key === null ? (
        <form
          className="connect-key"
          onSubmit={(e) => {
            e.preventDefault();
            void create();
          }}
        >
          <label htmlFor="connect-key-name">Create a key for the tool</label>
          <input id="connect-key-name" value={name} maxLength={64} onChange={(e) => setName(e.target.value)} />
          <button type="submit" className="button button-primary">Create key</button>
        </form>
      ) : (
        <p className="hint">Key created; it is shown only here, copy it now.</p>
      )}
      {error && <p className="notice notice-error" role="alert">{error}</p>}
      <h3>Environment (openai SDK for Python and JS, most tools)</h3>
      <div className="snippet-row">
        <pre className="snippet" data-testid="snippet-env">{env}</pre>
        <CopyButton text={env} label="Copy the environment settings" />
      </div>
      <h3>curl</h3>
      <div className="snippet-row">
        <pre className="snippet" data-testid="snippet-curl">{curl}</pre>
        <CopyButton text={curl} label="Copy the curl command" />
      </div>
    </section>
  );
}
