import type { ServerResponse } from 'node:http';
import type { ControlEventName } from '../../../shared/control/events.js';

/** Keeps idle proxies and browsers from dropping a quiet stream. */
const HEARTBEAT_MS = 25_000;
/** Each open UI tab holds one stream; more than this is not a person. */
const MAX_SUBSCRIBERS = 32;
/**
 * `usage` goes out at most this often. The writer commits up to 20 batches a second under load and
 * every open page refetches its screen, /status and /app-keys on each `usage`: at 100 requests/s
 * that traffic doubled the gateway's own latency (bench/dashboard-rows.ts).
 */
export const USAGE_EVENT_INTERVAL_MS = 250;

/**
 * The one server-sent event stream of the UI (`/_app/api/events`): it names what changed
 * (`usage`, `providers`, `models`, `conversations`) and the page fetches that resource again,
 * instead of polling every screen.
 */
export class ControlEvents {
  private readonly subscribers = new Set<ServerResponse>();
  private readonly heartbeat: NodeJS.Timeout;
  private usageTimer: NodeJS.Timeout | undefined;
  private usageSentAt = -Infinity;

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

  /**
   * Usage rows were committed: `usage` goes out at once after a quiet interval, otherwise once at
   * the interval's end for every commit in it (never later, and the last change is never dropped).
   */
  usageChanged(): void {
    if (this.usageTimer) return;
    const wait = this.usageSentAt + USAGE_EVENT_INTERVAL_MS - Date.now();
    if (wait <= 0) {
      this.sendUsage();
      return;
    }
    this.usageTimer = setTimeout(() => this.sendUsage(), wait);
    this.usageTimer.unref();
  }

  private sendUsage(): void {
    this.usageTimer = undefined;
    this.usageSentAt = Date.now();
    this.publish('usage');
  }

  /** Ends every stream, so shutdown is not held up by open pages. */
  close(): void {
    clearInterval(this.heartbeat);
    clearTimeout(this.usageTimer);
    for (const res of this.subscribers) res.end();
    this.subscribers.clear();
  }

  private write(text: string): void {
    for (const res of this.subscribers) res.write(text);
  }
}
