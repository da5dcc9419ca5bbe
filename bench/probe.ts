/**
 * `npm run bench:probe -- [options]`: one Switchyard config beside the lean proxy (and the direct
 * mock), for experiments between full runs: a build, a V8 flag, a memory question. Not a report:
 * it prints what it measured and writes nothing.
 *
 *   --config switchyard-override|switchyard-catalog|switchyard-anthropic   (default anthropic)
 *   --phase closed   closed-loop rounds at c=50, Switchyard and the lean proxy in turn: each
 *                    round's answers and peak RSS, then peak RSS over the lean proxy's and
 *                    Switchyard's share of the answers (the full bench's first phases)
 *   --phase open     the open-loop phase: the three on one schedule, p50/p99 over direct
 *   --mode json|stream          (default stream for closed, json for open)
 *   --rounds N --gap-ms MS      closed: rounds, and the idle gap after each target's round
 *                               (the full bench leaves ~8 s: the other targets' turns)
 *   --rate N --seconds S --reps N   open: requests per target per second, phase length, repeats
 *   --cli FILE                  another build of the CLI (default out/cli/switchyard.mjs)
 *   --node-args "ARGS"          extra Node/V8 flags for the Switchyard process only, e.g.
 *                               "--heap-growing-percent=50" or "--trace-gc-nvp"
 *   --stdout FILE               Switchyard's stdout (where --trace-gc-nvp writes) to FILE
 */
import { appendFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { buildScripts, cleanUpNow } from './children.js';
import { numberFlag, stringFlag } from './child-io.js';
import { LoadClient } from './load-client.js';
import { gatewayNames, type RequestMode, type TargetName } from './load-protocol.js';
import { PeakRssProbe } from './proc-stats.js';
import { percentile } from './stats.js';
import { startLeanProxy, startMockUpstream, startSwitchyard, stopTarget, switchyardCli, type RunningTarget } from './targets.js';

const mib = (bytes: number) => (bytes / 1048576).toFixed(1);
const config = z.enum(gatewayNames).parse(stringFlag('--config') ?? 'switchyard-anthropic');
const phase = z.enum(['closed', 'open']).parse(stringFlag('--phase') ?? 'closed');
const mode: RequestMode = z.enum(['json', 'stream']).parse(stringFlag('--mode') ?? (phase === 'closed' ? 'stream' : 'json'));
const cli = stringFlag('--cli') ?? switchyardCli;
const nodeArgs = (stringFlag('--node-args') ?? '').split(' ').filter(Boolean);
const stdoutFile = stringFlag('--stdout');
const roundMs = 2000;

async function closedRounds(load: LoadClient, switchyard: RunningTarget, lean: RunningTarget): Promise<void> {
  const rounds = numberFlag('--rounds', 8);
  const gapMs = numberFlag('--gap-ms', 2000);
  const peak = new Map<RunningTarget, number>();
  const answered = new Map<RunningTarget, number>();
  for (const target of [switchyard, lean]) await load.run({ kind: 'closed', target: target.load, mode, concurrency: 50, durationMs: roundMs });
  for (let round = 1; round <= rounds; round++) {
    for (const target of [switchyard, lean]) {
      const probe = new PeakRssProbe(target.pid);
      const [tally] = await load.run({ kind: 'closed', target: target.load, mode, concurrency: 50, durationMs: roundMs });
      await sleep(200);
      const roundPeak = probe.stop();
      peak.set(target, Math.max(peak.get(target) ?? 0, roundPeak));
      answered.set(target, (answered.get(target) ?? 0) + (tally?.answered ?? 0));
      console.log(`round ${round}/${rounds} ${target.load.name}: ${tally?.answered ?? 0} answered, peak RSS ${mib(roundPeak)} MiB`);
      await sleep(gapMs);
    }
  }
  const over = (peak.get(switchyard) ?? 0) - (peak.get(lean) ?? 0);
  const share = (answered.get(switchyard) ?? 0) / Math.max(1, answered.get(lean) ?? 0);
  console.log(`peak RSS: ${config} ${mib(peak.get(switchyard) ?? 0)}, lean ${mib(peak.get(lean) ?? 0)} (${over >= 0 ? '+' : ''}${mib(over)} MiB); answers ${share.toFixed(2)}× lean's`);
}

async function openPhases(load: LoadClient, direct: RunningTarget, lean: RunningTarget, switchyard: RunningTarget): Promise<void> {
  const rate = numberFlag('--rate', mode === 'json' ? 200 : 50);
  const durationMs = numberFlag('--seconds', mode === 'json' ? 15 : 10) * 1000;
  const reps = numberFlag('--reps', 2);
  for (const target of [switchyard, lean]) await load.run({ kind: 'closed', target: target.load, mode, concurrency: 50, durationMs: roundMs });
  for (let rep = 1; rep <= reps; rep++) {
    const tallies = await load.run({ kind: 'open', targets: [direct.load, lean.load, switchyard.load], mode, requestsPerTargetPerSecond: rate, durationMs });
    const samples = new Map(tallies.map((tally) => [tally.name, tally.samplesMs]));
    const at = (name: TargetName, fraction: number) => percentile(samples.get(name) ?? [], fraction);
    const over = (name: TargetName, fraction: number) => (at(name, fraction) - at('direct', fraction)).toFixed(2);
    const what = mode === 'json' ? 'latency' : 'time to first token';
    console.log(`rep ${rep}/${reps} ${what} over direct: p50 lean +${over('lean', 0.5)}, ${config} +${over(config, 0.5)} ms; p99 lean +${over('lean', 0.99)}, ${config} +${over(config, 0.99)} ms`);
  }
}

async function main(): Promise<void> {
  const started: RunningTarget[] = [];
  let load: LoadClient | undefined;
  try {
    await buildScripts({ core: cli === switchyardCli });
    const direct = await startMockUpstream(20, 5);
    started.push(direct);
    const lean = await startLeanProxy(direct.load.origin);
    started.push(lean);
    const switchyard = await startSwitchyard(config, direct.load.origin, cli, { nodeArgs, env: {} });
    started.push(switchyard);
    if (stdoutFile) switchyard.watched.child.stdout?.on('data', (chunk: Buffer) => appendFileSync(stdoutFile, chunk));
    load = await LoadClient.start();
    if (phase === 'closed') await closedRounds(load, switchyard, lean);
    else await openPhases(load, direct, lean, switchyard);
  } finally {
    await load?.stop();
    for (const target of started.reverse()) await stopTarget(target);
    cleanUpNow();
  }
}

await main();
