import { useStatusStore } from '../store/status-store.js';

export function AppHeader() {
  const version = useStatusStore((state) => state.status?.version);
  const updatedAt = useStatusStore((state) => state.updatedAt);
  const error = useStatusStore((state) => state.error);

  return (
    <header className="app-header">
      <div className="app-header-inner">
        <div className="brand">
          <svg className="brand-mark" viewBox="0 0 32 32" aria-hidden="true">
            <rect width="32" height="32" rx="7" />
            <path d="M9 7 16 16 23 7M16 16v10" />
          </svg>
          <h1>Switchyard</h1>
          {version && <span className="version">v{version}</span>}
        </div>
        <LiveIndicator updatedAt={updatedAt} failing={error !== null} />
      </div>
    </header>
  );
}

function LiveIndicator({ updatedAt, failing }: { updatedAt: number | null; failing: boolean }) {
  if (failing) {
    return (
      <span className="live live-down" role="status">
        Not updating
      </span>
    );
  }
  if (updatedAt === null) return null;
  const time = new Date(updatedAt).toLocaleTimeString(undefined, {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  return (
    <span className="live live-up" role="status">
      Live · updated {time}
    </span>
  );
}
