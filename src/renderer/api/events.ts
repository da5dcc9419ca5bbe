import { CONTROL_EVENT_NAMES, type ControlEventName } from '../../shared/control/events.js';
import { CONTROL_BASE } from './client.js';

type Listener = () => void;
const listeners = new Map<ControlEventName, Set<Listener>>();
let source: EventSource | undefined;

/**
 * The page's one subscription to `/_app/api/events` (the session cookie goes along); screens
 * register what to refetch when the server says a resource changed. EventSource reconnects by
 * itself, and on reconnect every resource is refetched, since events may have been missed.
 */
export function onServerEvent(name: ControlEventName, listener: Listener): () => void {
  if (!source) connect();
  let set = listeners.get(name);
  if (!set) listeners.set(name, (set = new Set()));
  set.add(listener);
  return () => set.delete(listener);
}

function connect(): void {
  source = new EventSource(`${CONTROL_BASE}/events`);
  let opened = false;
  source.addEventListener('open', () => {
    if (opened) for (const set of listeners.values()) for (const listener of set) listener();
    opened = true;
  });
  for (const name of CONTROL_EVENT_NAMES) {
    source.addEventListener(name, () => {
      for (const listener of listeners.get(name) ?? []) listener();
    });
  }
}
