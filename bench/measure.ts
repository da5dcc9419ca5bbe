/**
 * The measurement phases. Targets take turns in short phases, their order rotated every round,
 * so machine noise spreads over all of them alike: the targets are ratios within one run
 * (DESIGN.md §6). Each phase loads one target at a time, so targets never compete for the
 * two cores with each other, only with the mock and the load generator, as a user's would.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { LoadClient } from './load-client.js';
import type { LoadJob, LoadTarget, RequestMode, TargetName, TargetTally } from './load-protocol.js';
import { cpuMicros, PeakRssProbe } from './proc-stats.js';
import { percentile } from './stats.js';
import type { RunningTarget } from './targets.js';

export interface MeasureOptions {
  concurrency: number;
  warmupMs: number;
  phaseMs: number;
  rounds: number;
  latencyRate: number;
  latencyMs: number;
  ttftRate: number;
  ttftMs: number;
}

/** Quiet time after a phase before CPU is read, so work the phase caused (GC, batched writes) counts. */
const settleMs = 300;

export interface AnswerCounts {
  answered: number;
  non2xx: number;
  failed: number;
  incompleteStreams: number;
}

export interface ThroughputFigures extends AnswerCounts {
  elapsedMs: number;
  requestsPerSecond: number;
  roundRequestsPerSecond: number[];
  cpuMicros: number;
  cpuMicrosPerRequest: number;
  peakRssBytes: number;
}

export interface LatencyFigures extends AnswerCounts {
  samples: number;
  p50Ms: number;
  p99Ms: number;
}

export interface TargetFigures {
  name: TargetName;
  pid: number;
  json: ThroughputFigures;
  stream: ThroughputFigures;
  latency: LatencyFigures;
  ttft: LatencyFigures;
  /** Every answer the target gave in this run, warm-up included: what its usage log must hold. */
  answeredTotal: number;
}

type Log = (line: string) => void;

function rotated<T>(items: readonly T[], by: number): T[] {
  return items.map((_, index) => items[(index + by) % items.length]).filter((item): item is T => item !== undefined);
}

function addCounts(into: AnswerCounts, tally: TargetTally): void {
  into.answered += tally.answered;
  into.non2xx += tally.non2xx;
  into.failed += tally.failed;
  into.incompleteStreams += tally.incompleteStreams;
}

const noCounts = (): AnswerCounts => ({ answered: 0, non2xx: 0, failed: 0, incompleteStreams: 0 });

function entryFor<T>(figures: Map<TargetName, T>, name: TargetName): T {
  const entry = figures.get(name);
  if (!entry) throw new Error(`no figures for ${name}`);
  return entry;
}

class Measurement {
  private readonly answeredTotal = new Map<TargetName, number>();

  constructor(
    private readonly targets: readonly RunningTarget[],
    private readonly load: LoadClient,
    private readonly options: MeasureOptions,
    private readonly log: Log,
  ) {}

  /** Every request the load generator sends goes through here, so no answer escapes the log count. */
  private async run(job: LoadJob): Promise<TargetTally> {
    const tally = await this.load.run(job);
    this.answeredTotal.set(job.target.name, (this.answeredTotal.get(job.target.name) ?? 0) + tally.answered);
    return tally;
  }

  answered(name: TargetName): number {
    return this.answeredTotal.get(name) ?? 0;
  }

  async warmUp(mode: RequestMode): Promise<void> {
    for (const target of this.targets) {
      const tally = await this.run({ kind: 'closed', target: target.load, mode, concurrency: this.options.concurrency, durationMs: this.options.warmupMs });
      this.log(`warm-up ${mode} ${target.load.name}: ${tally.answered} answered, ${tally.failed} failed`);
    }
  }

  /** Closed loop at the set concurrency: throughput, CPU per request and peak RSS of the target's process. */
  async throughput(mode: RequestMode): Promise<Map<TargetName, ThroughputFigures>> {
    const { concurrency, phaseMs, rounds } = this.options;
    const figures = new Map<TargetName, ThroughputFigures>(
      this.targets.map((target) => [
        target.load.name,
        { ...noCounts(), elapsedMs: 0, requestsPerSecond: 0, roundRequestsPerSecond: [], cpuMicros: 0, cpuMicrosPerRequest: 0, peakRssBytes: 0 },
      ]),
    );
    for (let round = 0; round < rounds; round += 1) {
      for (const target of rotated(this.targets, round)) {
        const entry = entryFor(figures, target.load.name);
        const cpuBefore = cpuMicros(target.pid);
        const rssProbe = new PeakRssProbe(target.pid);
        const tally = await this.run({ kind: 'closed', target: target.load, mode, concurrency, durationMs: phaseMs });
        await sleep(settleMs);
        entry.peakRssBytes = Math.max(entry.peakRssBytes, rssProbe.stop());
        entry.cpuMicros += cpuMicros(target.pid) - cpuBefore;
        addCounts(entry, tally);
        entry.elapsedMs += tally.elapsedMs;
        const roundRate = (tally.answered * 1000) / tally.elapsedMs;
        entry.roundRequestsPerSecond.push(roundRate);
        this.log(`${mode} c=${concurrency} round ${round + 1}/${rounds} ${target.load.name}: ${roundRate.toFixed(0)}/s`);
      }
    }
    for (const entry of figures.values()) {
      entry.requestsPerSecond = (entry.answered * 1000) / entry.elapsedMs;
      entry.cpuMicrosPerRequest = entry.answered === 0 ? Number.NaN : entry.cpuMicros / entry.answered;
    }
    return figures;
  }

  /** Open loop at a fixed rate: whole-response latency (json) or time to first token (stream). */
  async latency(mode: RequestMode, requestsPerSecond: number, totalMs: number): Promise<Map<TargetName, LatencyFigures>> {
    const { rounds } = this.options;
    const samples = new Map<TargetName, number[]>(this.targets.map((target) => [target.load.name, []]));
    const counts = new Map<TargetName, AnswerCounts>(this.targets.map((target) => [target.load.name, noCounts()]));
    for (let round = 0; round < rounds; round += 1) {
      for (const target of rotated(this.targets, round)) {
        const load: LoadTarget = target.load;
        const tally = await this.run({ kind: 'open', target: load, mode, requestsPerSecond, durationMs: totalMs / rounds });
        entryFor(samples, load.name).push(...tally.samplesMs);
        addCounts(entryFor(counts, load.name), tally);
      }
    }
    const figures = new Map<TargetName, LatencyFigures>();
    for (const target of this.targets) {
      const name = target.load.name;
      const taken = entryFor(samples, name);
      const entry = { ...entryFor(counts, name), samples: taken.length, p50Ms: percentile(taken, 0.5), p99Ms: percentile(taken, 0.99) };
      figures.set(name, entry);
      this.log(`${mode} open loop ${requestsPerSecond}/s ${name}: p50 ${entry.p50Ms.toFixed(2)} ms, p99 ${entry.p99Ms.toFixed(2)} ms (${entry.samples} samples)`);
    }
    return figures;
  }
}

export async function measure(targets: readonly RunningTarget[], load: LoadClient, options: MeasureOptions, log: Log): Promise<TargetFigures[]> {
  const measurement = new Measurement(targets, load, options, log);
  // Streams first: the peak RSS under 50 streams should not carry the heap a JSON flood left behind.
  await measurement.warmUp('stream');
  const stream = await measurement.throughput('stream');
  await measurement.warmUp('json');
  const json = await measurement.throughput('json');
  const latency = await measurement.latency('json', options.latencyRate, options.latencyMs);
  const ttft = await measurement.latency('stream', options.ttftRate, options.ttftMs);

  return targets.map((target) => {
    const name = target.load.name;
    return {
      name,
      pid: target.pid,
      json: entryFor(json, name),
      stream: entryFor(stream, name),
      latency: entryFor(latency, name),
      ttft: entryFor(ttft, name),
      answeredTotal: measurement.answered(name),
    };
  });
}
