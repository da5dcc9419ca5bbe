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
import { gatewayNames } from './load-protocol.js';
import { buildChecks, buildNotes, renderMarkdown, renderText, type BenchReport, type GatewayReport } from './report.js';
import {
  gatewayDescriptions,
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

async function startSwitchyardsIfPossible(mockOrigin: string): Promise<{ targets: SwitchyardTarget[]; skipped?: string }> {
  if (process.argv.includes('--no-switchyard')) return { targets: [], skipped: '--no-switchyard was given' };
  if (!switchyardCliExists()) return { targets: [], skipped: `${switchyardCli} does not exist yet` };
  const targets: SwitchyardTarget[] = [];
  for (const name of gatewayNames) targets.push(await startSwitchyard(name, mockOrigin));
  return { targets };
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const loadAverageBefore = loadavg();
  const started: RunningTarget[] = [];
  let load: LoadClient | undefined;
  try {
    const mock = await startMockUpstream(chunks, chunkDelayMs);
    started.push(mock);
    const lean = await startLeanProxy(mock.load.origin);
    started.push(lean);
    const { targets: switchyards, skipped } = await startSwitchyardsIfPossible(mock.load.origin);
    started.push(...switchyards);
    log(`targets: ${started.map((entry) => `${entry.load.name} ${entry.load.origin} pid ${entry.pid}`).join(', ')}`);
    if (skipped) log(`Switchyard not measured: ${skipped}`);

    load = await LoadClient.start();
    const figures = await measure(started, load, measureOptions, log);

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
