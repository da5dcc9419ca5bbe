/**
 * The measurement phases, arranged so the machine's noise lands on all targets alike (the
 * targets are ratios within one run, DESIGN.md §6). Closed loop: one target at a time, so the
 * targets never fight each other for the two cores, in many short turns with the order rotated
 * every round. Open loop: the light fixed-rate load of all targets shares one schedule, so a
 * stall of the machine hits them together and drops out of the latency one adds over another.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { LoadClient } from './load-client.js';
import type { LoadJob, RequestMode, TargetName, TargetTally } from './load-protocol.js';
import { cpuMicros, PeakRssProbe } from './proc-stats.js';
import { percentile } from './stats.js';
import type { RunningTarget } from './targets.js';

export interface MeasureOptions {
  concurrency: number;
  warmupMs: number;
  /** Closed loop: many short turns per target, since the machine's noise comes and goes in seconds. */
  throughputRounds: number;
  phaseMs: number;
  latencyRate: number;
  latencyMs: number;
  ttftRate: number;
  ttftMs: number;
}

/** Quiet time after a phase before CPU is read, so work the phase caused (GC, batched writes) counts. */
const settleMs = 200;

export interface AnswerCounts {
  answered: number;
  non2xx: number;
  failed: number;
  incompleteStreams: number;
}

/** One turn of one target, so ratios can be taken between targets measured moments apart. */
export interface RoundFigures {
  requestsPerSecond: number;
  cpuMicrosPerRequest: number;
}

export interface ThroughputFigures extends AnswerCounts {
  elapsedMs: number;
  requestsPerSecond: number;
  rounds: RoundFigures[];
  cpuMicros: number;
  cpuMicrosPerRequest: number;
  peakRssBytes: number;
}

export interface LatencyFigures extends AnswerCounts {
  samples: number;
  p50Ms: number;
  p99Ms: number;
}

/** One open-loop phase's figures for one target. */
export interface OpenLoopFigures {
  latency: LatencyFigures;
  ttft: LatencyFigures;
}

/**
 * Open-loop phases are one per Switchyard config, each with the direct mock and the lean proxy
 * beside it (named after that config; `yardsticks` when no Switchyard runs): three gateways on
 * one schedule would triple the load the machine and the load generator carry.
 */
export const YARDSTICKS_PHASE = 'yardsticks';

export interface TargetFigures {
  name: TargetName;
  pid: number;
  json: ThroughputFigures;
  stream: ThroughputFigures;
  /** By open-loop phase: a gateway has its own; the direct mock and the lean proxy have one per gateway. */
  openLoop: Record<string, OpenLoopFigures>;
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
  private async run(job: LoadJob): Promise<TargetTally[]> {
    const tallies = await this.load.run(job);
    for (const tally of tallies) this.answeredTotal.set(tally.name, (this.answeredTotal.get(tally.name) ?? 0) + tally.answered);
    return tallies;
  }

  private async runOne(target: RunningTarget, mode: RequestMode, durationMs: number): Promise<TargetTally> {
    const tallies = await this.run({ kind: 'closed', target: target.load, mode, concurrency: this.options.concurrency, durationMs });
    const tally = tallies.find((entry) => entry.name === target.load.name);
    if (!tally) throw new Error(`load generator returned no tally for ${target.load.name}`);
    return tally;
  }

  answered(name: TargetName): number {
    return this.answeredTotal.get(name) ?? 0;
  }

  async warmUp(mode: RequestMode): Promise<void> {
    for (const target of this.targets) {
      const tally = await this.runOne(target, mode, this.options.warmupMs);
      this.log(`warm-up ${mode} ${target.load.name}: ${tally.answered} answered, ${tally.failed} failed`);
    }
  }

  /** Closed loop at the set concurrency: throughput, CPU per request and peak RSS of the target's process. */
  async throughput(mode: RequestMode): Promise<Map<TargetName, ThroughputFigures>> {
    const { concurrency, phaseMs, throughputRounds: rounds } = this.options;
    const figures = new Map<TargetName, ThroughputFigures>(
      this.targets.map((target) => [
        target.load.name,
        { ...noCounts(), elapsedMs: 0, requestsPerSecond: 0, rounds: [], cpuMicros: 0, cpuMicrosPerRequest: 0, peakRssBytes: 0 },
      ]),
    );
    for (let round = 0; round < rounds; round += 1) {
      for (const target of rotated(this.targets, round)) {
        const entry = entryFor(figures, target.load.name);
        const cpuBefore = cpuMicros(target.pid);
        const rssProbe = new PeakRssProbe(target.pid);
        const tally = await this.runOne(target, mode, phaseMs);
        await sleep(settleMs);
        entry.peakRssBytes = Math.max(entry.peakRssBytes, rssProbe.stop());
        const cpuUsed = cpuMicros(target.pid) - cpuBefore;
        entry.cpuMicros += cpuUsed;
        addCounts(entry, tally);
        entry.elapsedMs += tally.elapsedMs;
        const turn = { requestsPerSecond: (tally.answered * 1000) / tally.elapsedMs, cpuMicrosPerRequest: tally.answered === 0 ? Number.NaN : cpuUsed / tally.answered };
        entry.rounds.push(turn);
        this.log(`${mode} c=${concurrency} round ${round + 1}/${rounds} ${target.load.name}: ${turn.requestsPerSecond.toFixed(0)}/s, ${turn.cpuMicrosPerRequest.toFixed(0)} µs CPU each`);
      }
    }
    for (const entry of figures.values()) {
      entry.requestsPerSecond = (entry.answered * 1000) / entry.elapsedMs;
      entry.cpuMicrosPerRequest = entry.answered === 0 ? Number.NaN : entry.cpuMicros / entry.answered;
    }
    return figures;
  }

  /** Open loop at a fixed rate per target of `group`: whole-response latency (json) or time to first token (stream). */
  async latency(group: readonly RunningTarget[], mode: RequestMode, requestsPerTargetPerSecond: number, durationMs: number): Promise<Map<TargetName, LatencyFigures>> {
    const tallies = await this.run({ kind: 'open', targets: group.map((target) => target.load), mode, requestsPerTargetPerSecond, durationMs });
    const figures = new Map<TargetName, LatencyFigures>();
    for (const tally of tallies) {
      const counts = noCounts();
      addCounts(counts, tally);
      const entry = { ...counts, samples: tally.samplesMs.length, p50Ms: percentile(tally.samplesMs, 0.5), p99Ms: percentile(tally.samplesMs, 0.99) };
      figures.set(tally.name, entry);
      this.log(`${mode} open loop ${requestsPerTargetPerSecond}/s ${tally.name}: p50 ${entry.p50Ms.toFixed(2)} ms, p99 ${entry.p99Ms.toFixed(2)} ms (${entry.samples} samples)`);
    }
    return figures;
  }
}

/** Told when each measured phase starts and ends (an event-loop monitor brackets them). */
export interface PhaseWatcher {
  start(phase: string): void;
  end(phase: string): Promise<void>;
}

const noWatcher: PhaseWatcher = { start: () => undefined, end: async () => undefined };

async function watched<T>(watcher: PhaseWatcher, phase: string, run: () => Promise<T>): Promise<T> {
  watcher.start(phase);
  const result = await run();
  await watcher.end(phase);
  return result;
}

export async function measure(targets: readonly RunningTarget[], load: LoadClient, options: MeasureOptions, log: Log, watcher = noWatcher): Promise<TargetFigures[]> {
  const measurement = new Measurement(targets, load, options, log);
  // Streams first: the peak RSS under 50 streams should not carry the heap a JSON flood left behind.
  await measurement.warmUp('stream');
  const stream = await watched(watcher, 'streams c=50', () => measurement.throughput('stream'));
  await measurement.warmUp('json');
  const json = await watched(watcher, 'JSON c=50', () => measurement.throughput('json'));
  const isYardstick = (target: RunningTarget) => target.load.name === 'direct' || target.load.name === 'lean';
  const yardsticks = targets.filter(isYardstick);
  const gateways = targets.filter((target) => !isYardstick(target));
  const phases = gateways.length === 0 ? [{ key: YARDSTICKS_PHASE, group: yardsticks }] : gateways.map((gateway) => ({ key: gateway.load.name, group: [...yardsticks, gateway] }));
  const openLoop = new Map<TargetName, Record<string, OpenLoopFigures>>(targets.map((target) => [target.load.name, {}]));
  for (const { key, group } of phases) {
    const latency = await watched(watcher, `JSON ${options.latencyRate}/s beside ${key}`, () => measurement.latency(group, 'json', options.latencyRate, options.latencyMs));
    const ttft = await watched(watcher, `streams ${options.ttftRate}/s beside ${key}`, () => measurement.latency(group, 'stream', options.ttftRate, options.ttftMs));
    for (const target of group) {
      const name = target.load.name;
      entryFor(openLoop, name)[key] = { latency: entryFor(latency, name), ttft: entryFor(ttft, name) };
    }
  }

  return targets.map((target) => {
    const name = target.load.name;
    return {
      name,
      pid: target.pid,
      json: entryFor(json, name),
      stream: entryFor(stream, name),
      openLoop: entryFor(openLoop, name),
      answeredTotal: measurement.answered(name),
    };
  });
}
