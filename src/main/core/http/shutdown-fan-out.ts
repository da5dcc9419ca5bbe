/** What a request's cancellation offers (an AbortController or a RequestCancel). */
interface Abortable {
  abort(): void;
}

const followers = new WeakMap<AbortSignal, Set<Abortable>>();

/**
 * Aborts `controller` when `shutdown` aborts, and returns the call that stops following it.
 * However many requests are in flight, the shutdown signal carries one listener that walks a
 * set: a listener per request would pass Node's limit of 10 and print
 * MaxListenersExceededWarning on the user's terminal under ordinary load.
 */
export function abortOnShutdown(shutdown: AbortSignal, controller: Abortable): () => void {
  if (shutdown.aborted) {
    controller.abort();
    return () => undefined;
  }
  let set = followers.get(shutdown);
  if (!set) {
    const created = new Set<Abortable>();
    shutdown.addEventListener('abort', () => {
      for (const follower of created) follower.abort();
      created.clear();
    }, { once: true });
    followers.set(shutdown, created);
    set = created;
  }
  const following = set;
  following.add(controller);
  return () => following.delete(controller);
}
