import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * One full garbage collection when the gateway goes quiet after a burst.
 *
 * A local gateway's load comes in bursts (an agent's session, a script's batch) between idle
 * spells. Requests still in flight when a scavenge runs are promoted to the old generation, and
 * a burst after an idle spell promotes many of them: V8 shrinks the young generation at the first
 * GC after the idle spell, so the burst's first second scavenges every few requests. What was
 * promoted is dead by the time the burst ends, but V8 collects the old generation only when it
 * reaches its limit (twice the live heap, heap-growth.ts): its own memory reducer, which collects
 * on idle, starts only after a full GC that returned pages, which this pattern seldom has. So the
 * dead requests of every burst stayed until the limit, and the next burst started on top of them
 * (bench/NOTES.md §7: old space 21 → 28 → 34 MiB over three bursts of 50 streams).
 *
 * Every `everyMs` this looks at the event loop's utilization since the last look and at the old
 * generation's used bytes. After `quietTicks` quiet looks in a row (utilization under
 * `quietBelow`), if the old generation holds at least `growthBytes` more than after the last full
 * collection, it collects once. A busy process is left to V8 (which collects incrementally under
 * load); a quiet one that allocated little is not disturbed.
 */
export interface IdleCollectOptions {
  everyMs: number;
  quietTicks: number;
  quietBelow: number;
  growthBytes: number;
}

export const IDLE_COLLECT_DEFAULTS: IdleCollectOptions = {
  everyMs: 500,
  quietTicks: 2,
  // 200 JSON requests a second keep the loop ~3–6 % busy: "quiet" has to be well under that, so
  // a steady light load never gets a full-GC pause in the middle of it.
  quietBelow: 0.01,
  growthBytes: 4 * 1024 * 1024,
};

/** What the collector sees at each look. */
export interface HeapLook {
  /** Share of the time since the last look the event loop spent running code, 0..1. */
  utilization: number;
  /** Bytes used in the old generation now. */
  oldBytes: number;
}

/** The decision alone, fed with looks: kept apart from timers and V8 so it can be tested as is. */
export class IdleCollectPolicy {
  private quiet = 0;
  private baseline: number;

  constructor(
    oldBytesAtStart: number,
    private readonly opts: Pick<IdleCollectOptions, 'quietTicks' | 'quietBelow' | 'growthBytes'> = IDLE_COLLECT_DEFAULTS,
  ) {
    this.baseline = oldBytesAtStart;
  }

  /** Whether to collect now. */
  look({ utilization, oldBytes }: HeapLook): boolean {
    // V8's own full GCs lower the floor too: growth counts from the lowest point seen.
    this.baseline = Math.min(this.baseline, oldBytes);
    if (utilization >= this.opts.quietBelow) {
      this.quiet = 0;
      return false;
    }
    this.quiet += 1;
    return this.quiet >= this.opts.quietTicks && oldBytes - this.baseline >= this.opts.growthBytes;
  }

  /** After a collection: the old generation's size it left is the new floor. */
  collected(oldBytes: number): void {
    this.baseline = oldBytes;
    this.quiet = 0;
  }
}

export function oldGenerationBytes(): number {
  for (const space of getHeapSpaceStatistics()) if (space.space_name === 'old_space') return space.space_used_size;
  return 0;
}

/**
 * V8's full-GC function. Node exposes it only with --expose-gc on the command line; set at run
 * time, the flag gives `gc` to contexts created after it, so one is made to fetch it and the flag
 * is cleared again (no other context gets it). Undefined if this V8 does not hand it out.
 */
export function fullCollector(): (() => void) | undefined {
  const existing = (globalThis as { gc?: unknown }).gc;
  if (typeof existing === 'function') return () => (existing as () => void)();
  setFlagsFromString('--expose-gc');
  try {
    const gc: unknown = runInNewContext('typeof gc === "function" ? gc : undefined');
    return typeof gc === 'function' ? () => (gc as () => void)() : undefined;
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
}

export interface IdleCollector {
  /** Full collections made so far. */
  readonly collections: number;
  stop(): void;
}

/**
 * Starts looking (an unref'd timer: it never keeps the process alive). Returns undefined when V8
 * gives no way to collect.
 */
export function collectWhenIdle(options: Partial<IdleCollectOptions> = {}): IdleCollector | undefined {
  const opts = { ...IDLE_COLLECT_DEFAULTS, ...options };
  const collect = fullCollector();
  if (!collect) return undefined;
  const policy = new IdleCollectPolicy(oldGenerationBytes(), opts);
  let last: EventLoopUtilization = performance.eventLoopUtilization();
  let collections = 0;
  const timer = setInterval(() => {
    const now = performance.eventLoopUtilization();
    const utilization = performance.eventLoopUtilization(now, last).utilization;
    last = now;
    if (!policy.look({ utilization, oldBytes: oldGenerationBytes() })) return;
    collect();
    collections += 1;
    policy.collected(oldGenerationBytes());
    // The collection itself is not the process being busy.
    last = performance.eventLoopUtilization();
  }, opts.everyMs);
  timer.unref();
  return {
    get collections() {
      return collections;
    },
    stop: () => clearInterval(timer),
  };
}
