import { once } from 'node:events';
import type { Writable } from 'node:stream';

/**
 * What a request's work listens to for its cancellation: the part of AbortSignal the gateway,
 * undici and `events.once` use. An AbortSignal is one (shutdown, timeouts); a request's own is a
 * RequestCancel.
 */
export interface CancelSignal {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/**
 * One request's cancellation (client gone, shutdown), in place of an AbortController.
 *
 * Why not an AbortController: on Node 20 every AbortSignal goes to dictionary mode as it is
 * built (its symbol fields are added after its prototype is swapped), which allocates in the old
 * generation. Until the next mark-compact that dead old-space signal keeps alive everything it
 * points to in the young generation (its listener map, undici's abort listener, the request
 * handler, the response body…), so each request's objects were promoted instead of dying young:
 * at 200 JSON req/s ~360 KB per scavenge, against ~5 KB with this class, and scavenge pauses
 * halved (bench/NOTES.md §6). This is a plain object: it dies young with its request.
 *
 * undici takes it as a signal (it has `addEventListener`), and so does `events.once`.
 */
export class RequestCancel implements CancelSignal {
  aborted = false;
  reason: unknown = undefined;
  private listeners: { listener: () => void; once: boolean }[] | undefined;

  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void {
    if (type !== 'abort' || this.aborted) return;
    (this.listeners ??= []).push({ listener, once: options?.once === true });
  }

  removeEventListener(type: 'abort', listener: () => void): void {
    if (type !== 'abort' || !this.listeners) return;
    const index = this.listeners.findIndex((entry) => entry.listener === listener);
    if (index >= 0) this.listeners.splice(index, 1);
  }

  /** Aborts once; listeners run in the order they were added, as an AbortSignal's do. */
  abort(reason: unknown = new DOMException('This operation was aborted', 'AbortError')): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const listeners = this.listeners ?? [];
    this.listeners = undefined;
    for (const { listener } of listeners) {
      try {
        listener();
      } catch (err) {
        // As EventTarget does: a throwing listener is reported, the others still run.
        process.nextTick(() => {
          throw err;
        });
      }
    }
  }
}

/** Waits for `stream` to drain; rejects (AbortError) when `signal` aborts first. */
export async function drained(stream: Writable, signal: CancelSignal): Promise<void> {
  // events.once takes any object with `aborted` and add/removeEventListener as its signal.
  await once(stream, 'drain', { signal: signal as AbortSignal });
}
