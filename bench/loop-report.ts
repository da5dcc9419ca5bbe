/** What bench/loop-monitor.ts reports for one window of a measured process. */
export interface LoopReport {
  windowMs: number;
  delay: { p50Ms: number; p99Ms: number; maxMs: number; over5Ms: number };
  gc: Record<string, { count: number; totalMs: number; maxMs: number }>;
  heapUsedMiB: number;
}
