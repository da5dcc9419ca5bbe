import type { ProviderStatus } from '../../shared/usage.js';
import { plural } from '../format.js';
import { EmptyState } from './empty-state.js';
import { KeySourceBadge } from './key-source-badge.js';
import { Panel } from './panel.js';

const EXAMPLE_CONFIG = `{
  "providers": {
    "openai": { "type": "openai", "apiKeyEnv": "OPENAI_API_KEY" }
  }
}`;

export function ProvidersPanel({ providers, dataDir }: { providers: ProviderStatus[]; dataDir: string }) {
  return (
    <Panel title="Providers" aside={providers.length > 0 ? plural(providers.length, 'provider', 'providers') : undefined}>
      {providers.length === 0 ? (
        <EmptyState title="No providers configured — add one to config.json">
          <p>
            Create <code>config.json</code> in <code>{dataDir}</code>, for example:
          </p>
          <pre className="snippet">{EXAMPLE_CONFIG}</pre>
          <p>Then restart Switchyard.</p>
        </EmptyState>
      ) : (
        <div className="table-scroll">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Provider</th>
                <th scope="col">Type</th>
                <th scope="col">Base URL</th>
                <th scope="col">API key</th>
                <th scope="col" className="numeric">
                  Models
                </th>
              </tr>
            </thead>
            <tbody>
              {providers.map((provider) => (
                <tr key={provider.id} data-testid="provider-row">
                  <td className="strong">{provider.id}</td>
                  <td>{provider.type}</td>
                  <td>
                    <code className="mono-cell">{provider.baseUrl}</code>
                  </td>
                  <td>
                    <KeySourceBadge source={provider.keySource} providerId={provider.id} />
                  </td>
                  <td className="numeric">
                    <ModelCount models={provider.models} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Panel>
  );
}

function ModelCount({ models }: { models: string[] }) {
  if (models.length === 0) {
    return (
      <span className="muted" title="No models listed for this provider yet">
        none listed
      </span>
    );
  }
  return <span title={models.join('\n')}>{models.length}</span>;
}
