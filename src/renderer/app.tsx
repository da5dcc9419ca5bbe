import { AppHeader } from './components/app-header.js';
import { ConnectionNotice } from './components/connection-notice.js';
import { GatewayPanel } from './components/gateway-panel.js';
import { ProvidersPanel } from './components/providers-panel.js';
import { RecentRequestsPanel } from './components/recent-requests-panel.js';
import { useStatusPolling } from './hooks/use-status-polling.js';
import { useSession } from './hooks/use-session.js';
import { SignInNotice } from './components/sign-in-notice.js';
import { useStatusStore } from './store/status-store.js';

const REFRESH_INTERVAL_MS = 3_000;

export function App() {
  const session = useSession();
  if (session.kind === 'signed-in') return <StatusPage />;
  return (
    <div className="app">
      <AppHeader />
      <main className="app-main">
        {session.kind === 'checking' && <p className="loading">Connecting to the gateway…</p>}
        {session.kind === 'signed-out' && <SignInNotice />}
        {session.kind === 'error' && <ConnectionNotice message={session.message} stale={false} />}
      </main>
    </div>
  );
}

function StatusPage() {
  useStatusPolling(REFRESH_INTERVAL_MS);
  const status = useStatusStore((state) => state.status);
  const error = useStatusStore((state) => state.error);

  return (
    <div className="app">
      <AppHeader />
      <main className="app-main">
        {error && <ConnectionNotice message={error} stale={status !== null} />}
        {status ? (
          <>
            <GatewayPanel url={status.url} dataDir={status.dataDir} />
            <ProvidersPanel providers={status.providers} dataDir={status.dataDir} />
            <RecentRequestsPanel rows={status.recent} apiUrl={`${status.url}/v1`} />
          </>
        ) : (
          !error && <p className="loading">Connecting to the gateway…</p>
        )}
      </main>
    </div>
  );
}
