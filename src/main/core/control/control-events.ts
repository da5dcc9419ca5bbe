import type { ServerResponse } from 'node:http';
import type { ControlEventName } from '../../../shared/control/events.js';

/** Keeps idle proxies and browsers from dropping a quiet stream. */
const HEARTBEAT_MS = 25_000;
/** Each open UI tab holds one stream; more than this is not a person. */
const MAX_SUBSCRIBERS = 32;

/**
 * The one server-sent event stream of the UI (`/_app/api/events`): it names what changed
 * (`usage`, `providers`, `models`, `conversations`) and the page fetches that resource again,
 * instead of polling every screen.
 */
export class ControlEvents {
  private readonly subscribers = new Set<ServerResponse>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor() {
    this.heartbeat = setInterval(() => this.write(': heartbeat\n\n'), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  subscribe(res: ServerResponse): void {
    if (this.subscribers.size >= MAX_SUBSCRIBERS) {
      const oldest = this.subscribers.values().next().value as ServerResponse;
      this.subscribers.delete(oldest);
      oldest.end();
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 2000\n\n');
    this.subscribers.add(res);
    res.on('close', () => this.subscribers.delete(res));
  }

  publish(name: ControlEventName): void {
    this.write(`event: ${name}\ndata: {}\n\n`);
  }

  /** Ends every stream, so shutdown is not held up by open pages. */
  close(): void {
    clearInterval(this.heartbeat);
    for (const res of this.subscribers) res.end();
    this.subscribers.clear();
  }

  private write(text: string): void {
    for (const res of this.subscribers) res.write(text);
  }
}
