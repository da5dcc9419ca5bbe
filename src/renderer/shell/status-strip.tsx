import { CopyButton } from '../components/copy-button.js';
import { formatUsd } from '../format.js';
import { useProviders, useStatus, useVault } from '../stores/data-stores.js';

const VAULT_LABELS = { keychain: 'keys in OS keychain', file: 'keys in encrypted file', unavailable: 'no key vault' } as const;

/** Bottom of every screen: the gateway is alive, where it is, what today cost, where keys are. */
export function StatusStrip() {
  const status = useStatus((s) => s.data);
  const statusError = useStatus((s) => s.error);
  const vault = useVault((s) => s.data);
  const providers = useProviders((s) => s.data);
  const apiUrl = status ? `${status.url}/v1` : null;
  const localOnly = providers !== null && providers.length > 0 && providers.every((p) => p.local);
  return (
    <footer className="status-strip" aria-label="Gateway status">
      <span className={`status-dot ${statusError ? 'status-down' : 'status-up'}`} aria-hidden="true" />
      <span>{statusError ? 'Gateway unreachable' : 'Gateway running'}</span>
      {apiUrl && (
        <span className="status-url">
          <code data-testid="strip-api-url">{apiUrl}</code>
          <CopyButton text={apiUrl} label="Copy OpenAI base URL" />
        </span>
      )}
      {status && <span data-testid="today-spend">today {formatUsd(status.todayCostUsd)}</span>}
      {localOnly && <span>local only</span>}
      {vault && <span className={vault.backend === 'unavailable' ? 'status-warn' : undefined}>{VAULT_LABELS[vault.backend]}</span>}
    </footer>
  );
}
