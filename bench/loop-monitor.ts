/**
 * Preloaded into a measured process by `npm run bench -- --loop-monitor`
 * (`node --import .bench-tmp/loop-monitor.mjs …`): watches its event loop
 * (perf_hooks.monitorEventLoopDelay) and its garbage collections. Each SIGUSR2 appends what was
 * seen since the last one as a JSON line to $BENCH_LOOP_REPORT and starts over, so the bench
 * can bracket one phase.
 */
import { appendFileSync } from 'node:fs';
import { monitorEventLoopDelay, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import type { LoopReport } from './loop-report.js';

const reportPath = process.env.BENCH_LOOP_REPORT;
if (!reportPath) throw new Error('BENCH_LOOP_REPORT must name the file to append reports to');

const delay = monitorEventLoopDelay({ resolution: 1 });
delay.enable();

const GC_KINDS: Record<number, string> = { 1: 'minor', 2: 'major', 4: 'incremental', 8: 'weakcb' };
let gc: Record<string, { count: number; totalMs: number; maxMs: number }> = {};
new PerformanceObserver((list) => {
  for (const entry of list.getEntries() as (PerformanceEntry & { detail?: { kind?: number } })[]) {
    const kind = GC_KINDS[entry.detail?.kind ?? 0] ?? 'other';
    const seen = (gc[kind] ??= { count: 0, totalMs: 0, maxMs: 0 });
    seen.count += 1;
    seen.totalMs += entry.duration;
    seen.maxMs = Math.max(seen.maxMs, entry.duration);
  }
}).observe({ entryTypes: ['gc'] });

let since = performance.now();
process.on('SIGUSR2', () => {
  const ms = (ns: number) => ns / 1e6;
  const report: LoopReport = {
    windowMs: performance.now() - since,
    delay: { p50Ms: ms(delay.percentile(50)), p99Ms: ms(delay.percentile(99)), maxMs: ms(delay.max), over5Ms: 0 },
    gc,
    heapUsedMiB: process.memoryUsage().heapUsed / 1024 / 1024,
  };
  // Stalls: how many samples waited over 5 ms (from the first percentile past 5 ms), so a handful of long pauses is not lost in p99.
  for (const [percent, valueNs] of delay.percentiles) {
    if (valueNs > 5e6) {
      report.delay.over5Ms = Math.round(delay.count * (1 - percent / 100));
      break;
    }
  }
  appendFileSync(reportPath, `${JSON.stringify(report)}\n`);
  delay.reset();
  gc = {};
  since = performance.now();
});
