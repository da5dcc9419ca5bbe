/** The bench's side of bench/loop-monitor.ts: brackets each phase with SIGUSR2 and collects the reports. */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TargetName } from './load-protocol.js';
import type { LoopReport } from './loop-report.js';
import type { PhaseWatcher } from './measure.js';

export interface MonitoredTarget {
  name: TargetName;
  pid: number;
  reportPath: string;
}

export interface PhaseLoopReport {
  phase: string;
  target: TargetName;
  report: LoopReport;
}

const reportWaitMs = 10_000;

export class LoopWatch implements PhaseWatcher {
  readonly reports: PhaseLoopReport[] = [];
  private readonly signalled = new Map<TargetName, number>();

  constructor(private readonly targets: readonly MonitoredTarget[]) {
    for (const target of targets) rmSync(target.reportPath, { force: true });
  }

  private signal(): void {
    for (const target of this.targets) {
      process.kill(target.pid, 'SIGUSR2');
      this.signalled.set(target.name, (this.signalled.get(target.name) ?? 0) + 1);
    }
  }

  start(): void {
    this.signal();
  }

  async end(phase: string): Promise<void> {
    this.signal();
    for (const target of this.targets) {
      const expected = this.signalled.get(target.name) ?? 0;
      const deadline = performance.now() + reportWaitMs;
      let lines: string[] = [];
      while (performance.now() < deadline) {
        lines = existsSync(target.reportPath) ? readFileSync(target.reportPath, 'utf8').trim().split('\n') : [];
        if (lines.length >= expected) break;
        await sleep(50);
      }
      const last = lines[expected - 1];
      if (last === undefined) throw new Error(`${target.name} wrote no event-loop report for ${phase}`);
      this.reports.push({ phase, target: target.name, report: JSON.parse(last) as LoopReport });
    }
  }
}

function gcCell(report: LoopReport, kind: string): string {
  const seen = report.gc[kind];
  return seen ? `${seen.count} / ${seen.totalMs.toFixed(0)} / ${seen.maxMs.toFixed(1)}` : '0';
}

export function renderLoopReports(reports: readonly PhaseLoopReport[]): string {
  return [
    '| Phase | Process | loop delay p50 / p99 / max (ms) | samples over 5 ms | minor GC count / total ms / max ms | major GC count / total ms / max ms | heap used (MiB) |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
    ...reports.map(({ phase, target, report }) =>
      `| ${phase} | ${target} | ${report.delay.p50Ms.toFixed(2)} / ${report.delay.p99Ms.toFixed(2)} / ${report.delay.maxMs.toFixed(1)} | ${report.delay.over5Ms} | ${gcCell(report, 'minor')} | ${gcCell(report, 'major')} | ${report.heapUsedMiB.toFixed(1)} |`,
    ),
    '',
  ].join('\n');
}
