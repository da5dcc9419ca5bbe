import { CopyButton } from '../components/copy-button.js';
import { formatUsd } from '../format.js';
import { useStatus, useVault } from '../stores/data-stores.js';
import { useGlobalPrivacy } from '../stores/privacy-store.js';

const VAULT_LABELS = { keychain: 'keys in OS keychain', file: 'keys in encrypted file', unavailable: 'no key vault' } as const;

/** Bottom of every screen: the gateway is alive, where it is, what today cost, where keys are. */
export function StatusStrip() {
  const status = useStatus((s) => s.data);
  const statusError = useStatus((s) => s.error);
  const vault = useVault((s) => s.data);
  const privacy = useGlobalPrivacy();
  const apiUrl = status ? `${status.url}/v1` : null;
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
      {status && (
        <span data-testid="today-spend" title={status.todayUnpricedRequests > 0 ? `${status.todayUnpricedRequests} request(s) today had no known price` : undefined}>
          today {formatUsd(status.todayCostUsd)}
          {status.todayUnpricedRequests > 0 && ' + unknown'}
        </span>
      )}
      {privacy?.localOnly && <span className="status-local-only" data-testid="strip-local-only">local only: nothing leaves this machine</span>}
      {vault && <span className={vault.backend === 'unavailable' ? 'status-warn' : undefined}>{VAULT_LABELS[vault.backend]}</span>}
    </footer>
  );
}
