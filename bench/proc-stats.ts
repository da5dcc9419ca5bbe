import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

/** Kernel clock ticks per second, the unit of utime/stime in /proc/PID/stat. */
const clockTicksPerSecond = readClockTicks();

function readClockTicks(): number {
  try {
    const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isFinite(ticks) && ticks > 0 ? ticks : 100;
  } catch {
    return 100;
  }
}

/**
 * CPU time (user + system) the whole process has used so far, in microseconds.
 * /proc/PID/stat sums every thread (GC, libuv pool), unlike /proc/PID/schedstat.
 */
export function cpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may contain spaces and parentheses; fields after the last ')' are fixed.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error(`unreadable /proc/${pid}/stat`);
  return ((utime + stime) * 1_000_000) / clockTicksPerSecond;
}

function statusKib(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match?.[1]) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(match[1]);
}

export function rssBytes(pid: number): number {
  return statusKib(pid, 'VmRSS') * 1024;
}

/** Resets the kernel's peak-RSS mark so VmHWM covers only what follows; false where the kernel refuses. */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

export function peakRssBytes(pid: number): number {
  return statusKib(pid, 'VmHWM') * 1024;
}

/**
 * Tracks a process's peak RSS over a window: the kernel's high-water mark when it can be reset,
 * plus polling, because a reset may be refused and the mark then covers the whole lifetime.
 */
export class PeakRssProbe {
  private polledPeak = 0;
  private readonly hwmReset: boolean;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly pid: number,
    intervalMs = 20,
  ) {
    this.hwmReset = resetPeakRss(pid);
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  private sample(): void {
    try {
      this.polledPeak = Math.max(this.polledPeak, rssBytes(this.pid));
    } catch {
      // The process may exit mid-window; the peak so far stands.
    }
  }

  stop(): number {
    clearInterval(this.timer);
    this.sample();
    if (!this.hwmReset) return this.polledPeak;
    try {
      return Math.max(this.polledPeak, peakRssBytes(this.pid));
    } catch {
      return this.polledPeak;
    }
  }
}
