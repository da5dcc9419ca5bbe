import { CopyButton } from './copy-button.js';
import { Panel } from './panel.js';

export function GatewayPanel({ url, dataDir }: { url: string; dataDir: string }) {
  const apiUrl = `${url}/v1`;
  return (
    <Panel title="Gateway">
      <div className="field">
        <span className="field-label" id="api-url-label">
          OpenAI base URL
        </span>
        <div className="url-row">
          <code className="url" aria-labelledby="api-url-label" data-testid="api-url">
            {apiUrl}
          </code>
          <CopyButton text={apiUrl} label="Copy OpenAI base URL" />
        </div>
        <p className="hint">
          Use this as the base URL in any OpenAI-compatible tool, with an app key from{' '}
          <code>switchyard app-keys create --name &lt;tool&gt;</code>.
        </p>
      </div>
      <dl className="facts">
        <dt>Data directory</dt>
        <dd>
          <code>{dataDir}</code>
        </dd>
      </dl>
    </Panel>
  );
}
