import { ConnectionNotice } from '../../components/connection-notice.js';
import { GatewayPanel } from '../../components/gateway-panel.js';
import { RecentRequestsPanel } from '../../components/recent-requests-panel.js';
import { useStatus } from '../../stores/data-stores.js';

/** The gateway's address for tools, and its latest requests (live over the event stream). */
export function GatewayScreen() {
  const { data: status, error } = useStatus();
  return (
    <div className="screen gateway-screen">
      <header className="screen-head">
        <h1>Gateway</h1>
        {status && <span className="hint">v{status.version}</span>}
      </header>
      {error && <ConnectionNotice message={error} stale={status !== null} />}
      {status ? (
        <>
          <GatewayPanel url={status.url} dataDir={status.dataDir} />
          <RecentRequestsPanel rows={status.recent} apiUrl={`${status.url}/v1`} />
        </>
      ) : (
        !error && <p className="hint">Connecting to the gateway…</p>
      )}
    </div>
  );
}
