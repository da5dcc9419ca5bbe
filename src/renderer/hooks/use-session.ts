import { useEffect, useState } from 'react';
import { ensureSession } from '../api/session.js';

export type SessionState = { kind: 'checking' } | { kind: 'signed-in' } | { kind: 'signed-out' } | { kind: 'error'; message: string };

/** Signs the page in once on load (see api/session.ts). */
export function useSession(): SessionState {
  const [state, setState] = useState<SessionState>({ kind: 'checking' });
  useEffect(() => {
    let live = true;
    ensureSession().then(
      (ok) => live && setState({ kind: ok ? 'signed-in' : 'signed-out' }),
      (err: unknown) => live && setState({ kind: 'error', message: err instanceof Error ? err.message : String(err) }),
    );
    return () => {
      live = false;
    };
  }, []);
  return state;
}
