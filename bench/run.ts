/**
 * `npm run bench [-- --quick] [-- --no-switchyard] [-- --cpu-prof] [-- --loop-monitor]`: direct
 * mock upstream, lean proxy and Switchyard measured side by side in one run (DESIGN.md §6).
 * Writes bench/results/latest.json and latest.md; `--cpu-prof` adds latest-profile.md (where
 * each Switchyard process spent its CPU), `--loop-monitor` latest-loop.md (event-loop delay and
 * GC per phase, lean proxy and Switchyard; the monitor's 1 ms timer costs a little CPU, so
 * figures of such a run are not the ones to quote). Exits 0 whatever the figures (it is a
 * report); non-zero only when the harness fails.
 */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { benchScript, buildScripts, cleanUpNow, noInstrumentation, repoRoot, type Instrumentation } from './children.js';
import { renderProfile, summarizeProfile } from './cpu-profile.js';
import { LoopWatch, renderLoopReports } from './loop-watch.js';
import { LoadClient } from './load-client.js';
import { measure, type MeasureOptions } from './measure.js';
import { gatewayNames, type TargetName } from './load-protocol.js';
import { stringFlag } from './child-io.js';
import { buildChecks, buildNotes, renderMarkdown, renderText, type BenchReport, type GatewayReport } from './report.js';
import {
  gatewayDescriptions,
  startLeanProxy,
  startMockUpstream,
  startSwitchyard,
  stopTarget,
  cliExists,
  switchyardCli,
  type RunningTarget,
  type SwitchyardTarget,
} from './targets.js';

/** Whatever happens, the bench ends: past this the children are killed and the run fails. */
const watchdogMs = 10 * 60_000;

const quick = process.argv.includes('--quick');
const measureOptions: MeasureOptions = quick
  ? { concurrency: 50, warmupMs: 1000, throughputRounds: 3, phaseMs: 1500, latencyRate: 200, latencyMs: 5000, ttftRate: 50, ttftMs: 4000 }
  : { concurrency: 50, warmupMs: 2000, throughputRounds: 8, phaseMs: 2000, latencyRate: 200, latencyMs: 15_000, ttftRate: 50, ttftMs: 10_000 };
const chunks = 20;
const chunkDelayMs = 5;

function log(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

/** `--cli FILE`: another build of the CLI (e.g. an older commit's, for a before/after in one run's terms). */
const cli = stringFlag('--cli') ?? switchyardCli;
const cpuProfile = process.argv.includes('--cpu-prof');
const loopMonitor = process.argv.includes('--loop-monitor');
const scratch = join(repoRoot, '.bench-tmp');
const profileDir = (name: TargetName) => join(scratch, 'profiles', name);
const loopReportPath = (name: TargetName) => join(scratch, `loop-${name}.jsonl`);

function instrumentationFor(name: TargetName): Instrumentation {
  if (name === 'direct') return noInstrumentation;
  const nodeArgs: string[] = [];
  const env: Record<string, string> = {};
  if (cpuProfile && name !== 'lean') nodeArgs.push('--cpu-prof', '--cpu-prof-dir', profileDir(name));
  if (loopMonitor) {
    nodeArgs.push('--import', benchScript('loop-monitor'));
    env.BENCH_LOOP_REPORT = loopReportPath(name);
  }
  return { nodeArgs, env };
}

async function startSwitchyardsIfPossible(mockOrigin: string): Promise<{ targets: SwitchyardTarget[]; skipped?: string }> {
  if (process.argv.includes('--no-switchyard')) return { targets: [], skipped: '--no-switchyard was given' };
  if (!cliExists(cli)) return { targets: [], skipped: `${cli} does not exist` };
  const targets: SwitchyardTarget[] = [];
  for (const name of gatewayNames) {
    if (cpuProfile) await rm(profileDir(name), { recursive: true, force: true });
    targets.push(await startSwitchyard(name, mockOrigin, cli, instrumentationFor(name)));
  }
  return { targets };
}

/** Where each Switchyard process spent its CPU over the whole run, from its `--cpu-prof` profile. */
async function profileReport(): Promise<string> {
  const sections = [`CPU profiles (node --cpu-prof) of each Switchyard process over the whole run, ${new Date().toISOString()}.`, ''];
  for (const name of gatewayNames) {
    const files = (await readdir(profileDir(name))).filter((file) => file.endsWith('.cpuprofile'));
    const file = files[0];
    if (file) sections.push(renderProfile(name, summarizeProfile(join(profileDir(name), file), join(repoRoot, cli))));
  }
  return sections.join('\n');
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const loadAverageBefore = loadavg();
  const started: RunningTarget[] = [];
  let load: LoadClient | undefined;
  try {
    await buildScripts({ core: cli === switchyardCli });
    const mock = await startMockUpstream(chunks, chunkDelayMs);
    started.push(mock);
    const lean = await startLeanProxy(mock.load.origin, instrumentationFor('lean'));
    started.push(lean);
    const { targets: switchyards, skipped } = await startSwitchyardsIfPossible(mock.load.origin);
    started.push(...switchyards);
    log(`targets: ${started.map((entry) => `${entry.load.name} ${entry.load.origin} pid ${entry.pid}`).join(', ')}`);
    if (skipped) log(`Switchyard not measured: ${skipped}`);

    load = await LoadClient.start();
    const loopWatch = loopMonitor
      ? new LoopWatch(started.filter((target) => target.load.name !== 'direct').map((target) => ({ name: target.load.name, pid: target.pid, reportPath: loopReportPath(target.load.name) })))
      : undefined;
    const figures = await measure(started, load, measureOptions, log, loopWatch);

    const gateways: GatewayReport[] = [];
    for (const switchyard of switchyards) {
      const name = switchyard.gateway;
      const outcome = await switchyard.stopAndReadUsage();
      log(`${name} exited ${outcome.exitCode}; usage log holds ${outcome.usage.rows} rows (${outcome.usage.streamedRows} streamed, ${outcome.usage.okRows} with status 200)`);
      gateways.push({ name, config: gatewayDescriptions[name], outcome, checks: buildChecks(figures, name, outcome), notes: buildNotes(figures, name) });
    }

    const report: BenchReport = {
      startedAt: startedAt.toISOString(),
      durationSeconds: (Date.now() - startedAt.getTime()) / 1000,
      machine: { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', loadAverageBefore, loadAverageAfter: loadavg() },
      settings: { ...measureOptions, chunks, chunkDelayMs },
      figures,
      ...(skipped ? { skipped } : {}),
      gateways,
    };
    const resultsDir = join(repoRoot, 'bench', 'results');
    await mkdir(resultsDir, { recursive: true });
    await writeFile(join(resultsDir, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
    await writeFile(join(resultsDir, 'latest.md'), renderMarkdown(report));
    const written = ['bench/results/latest.json', 'bench/results/latest.md'];
    if (loopWatch) {
      await writeFile(join(resultsDir, 'latest-loop.md'), `Event loop and GC per phase (bench/loop-monitor.ts), run ${report.startedAt}.\n\n${renderLoopReports(loopWatch.reports)}`);
      written.push('bench/results/latest-loop.md');
    }
    if (cpuProfile) {
      await writeFile(join(resultsDir, 'latest-profile.md'), await profileReport());
      written.push('bench/results/latest-profile.md');
    }
    process.stdout.write(`\n${renderText(report)}\nWritten: ${written.join(', ')}\n`);
  } finally {
    await load?.stop();
    await Promise.all(started.map((target) => stopTarget(target)));
    cleanUpNow();
  }
}

process.on('exit', cleanUpNow);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    cleanUpNow();
    process.exit(130);
  });
}
const watchdog = setTimeout(() => {
  log(`watchdog: the bench ran over ${watchdogMs / 60_000} minutes`);
  cleanUpNow();
  process.exit(2);
}, watchdogMs);
watchdog.unref();

main().then(
  () => process.exit(0),
  (error: unknown) => {
    log(`harness failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    cleanUpNow();
    process.exit(1);
  },
);
