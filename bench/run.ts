/**
 * `npm run bench [-- --quick] [-- --no-switchyard]`: direct mock upstream, lean proxy and
 * Switchyard measured side by side in one run (DESIGN.md §6). Writes bench/results/latest.json
 * and latest.md. Exits 0 whatever the figures (it is a report); non-zero only when the harness fails.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { cleanUpNow, repoRoot } from './children.js';
import { LoadClient } from './load-client.js';
import { measure, type MeasureOptions } from './measure.js';
import { buildChecks, buildNotes, renderMarkdown, renderText, type BenchReport, type SwitchyardOutcome } from './report.js';
import {
  startLeanProxy,
  startMockUpstream,
  startSwitchyard,
  stopTarget,
  switchyardCli,
  switchyardCliExists,
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

async function startSwitchyardIfPossible(mockOrigin: string): Promise<{ target?: SwitchyardTarget; skipped?: string }> {
  if (process.argv.includes('--no-switchyard')) return { skipped: '--no-switchyard was given' };
  if (!switchyardCliExists()) return { skipped: `${switchyardCli} does not exist yet` };
  return { target: await startSwitchyard(mockOrigin) };
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const loadAverageBefore = loadavg();
  const started: RunningTarget[] = [];
  let switchyard: SwitchyardTarget | undefined;
  let load: LoadClient | undefined;
  try {
    const mock = await startMockUpstream(chunks, chunkDelayMs);
    started.push(mock);
    const lean = await startLeanProxy(mock.load.origin);
    started.push(lean);
    const { target, skipped } = await startSwitchyardIfPossible(mock.load.origin);
    switchyard = target;
    if (switchyard) started.push(switchyard);
    log(`targets: ${started.map((entry) => `${entry.load.name} ${entry.load.origin} pid ${entry.pid}`).join(', ')}`);
    if (skipped) log(`Switchyard not measured: ${skipped}`);

    load = await LoadClient.start();
    const figures = await measure(started, load, measureOptions, log);

    const outcome: SwitchyardOutcome = skipped ? { skipped } : {};
    if (switchyard) {
      const { exitCode, usage } = await switchyard.stopAndReadUsage();
      Object.assign(outcome, { exitCode, usage });
      log(`Switchyard exited ${exitCode}; usage log holds ${usage.rows} rows (${usage.streamedRows} streamed, ${usage.okRows} with status 200)`);
    }

    const report: BenchReport = {
      startedAt: startedAt.toISOString(),
      durationSeconds: (Date.now() - startedAt.getTime()) / 1000,
      machine: { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', loadAverageBefore, loadAverageAfter: loadavg() },
      settings: { ...measureOptions, chunks, chunkDelayMs },
      figures,
      switchyard: outcome,
      checks: buildChecks(figures, outcome),
      notes: buildNotes(figures),
    };
    const resultsDir = join(repoRoot, 'bench', 'results');
    await mkdir(resultsDir, { recursive: true });
    await writeFile(join(resultsDir, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
    await writeFile(join(resultsDir, 'latest.md'), renderMarkdown(report));
    process.stdout.write(`\n${renderText(report)}\nWritten: bench/results/latest.json, bench/results/latest.md\n`);
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
