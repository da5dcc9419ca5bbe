/**
 * `npx tsx bench/summarize-runs.ts LABEL=bench/results/run-1.json LABEL=…`: the checks of several
 * bench runs side by side, one table per Switchyard config, with each run's machine load.
 */
import { readFileSync } from 'node:fs';
import type { BenchReport, Check } from './report.js';

function cell(check: Check | undefined): string {
  if (!check || check.value === null) return '—';
  const value = check.value;
  const shown =
    check.unit === '×'
      ? `${value.toFixed(2)}×`
      : check.unit === 'ms'
        ? `${value >= 0 ? '+' : ''}${value.toFixed(2)} ms`
        : check.unit === 'MiB'
          ? `${value >= 0 ? '+' : ''}${value.toFixed(1)} MiB`
          : check.unit === '%'
            ? `${value.toFixed(1)} %`
            : value.toFixed(0);
  return `${shown} ${check.status}`;
}

const runs = process.argv.slice(2).map((argument) => {
  const at = argument.indexOf('=');
  if (at < 1) throw new Error(`expected LABEL=path, got ${argument}`);
  return { label: argument.slice(0, at), report: JSON.parse(readFileSync(argument.slice(at + 1), 'utf8')) as BenchReport };
});

const lines: string[] = [];
for (const { label, report } of runs) {
  const load = report.machine.loadAverageBefore.map((v) => v.toFixed(1)).join(' ');
  lines.push(`- ${label}: ${report.startedAt}, ${report.durationSeconds.toFixed(0)} s, load average ${load} before / ${report.machine.loadAverageAfter.map((v) => v.toFixed(1)).join(' ')} after (2 cores).`);
}
lines.push('');
const gatewayNames = [...new Set(runs.flatMap(({ report }) => report.gateways.map((gateway) => gateway.name)))];
for (const name of gatewayNames) {
  const first = runs.map(({ report }) => report.gateways.find((gateway) => gateway.name === name)).find((gateway) => gateway !== undefined);
  if (!first) continue;
  lines.push(`### ${name}: ${first.config}`, '');
  lines.push(`| Check | Target | ${runs.map((run) => run.label).join(' | ')} |`);
  lines.push(`| --- | --- | ${runs.map(() => '---').join(' | ')} |`);
  for (const check of first.checks) {
    const cells = runs.map(({ report }) => cell(report.gateways.find((gateway) => gateway.name === name)?.checks.find((c) => c.id === check.id)));
    lines.push(`| ${check.measure} | ${check.target} | ${cells.join(' | ')} |`);
  }
  const leanOverDirect = runs.map(({ report }) => {
    const lean = report.figures.find((f) => f.name === 'lean');
    const direct = report.figures.find((f) => f.name === 'direct');
    const gateway = report.figures.find((f) => f.name === name);
    const [l, d, g] = [lean?.openLoop[name], direct?.openLoop[name], gateway?.openLoop[name]];
    if (!l || !d || !g) return '—';
    return `lean +${(l.latency.p99Ms - d.latency.p99Ms).toFixed(2)} ms; Switchyard − lean ${(g.latency.p99Ms - l.latency.p99Ms).toFixed(2)} ms`;
  });
  lines.push(`| JSON p99: lean over direct; Switchyard over lean | (when lean misses 2.5 ms) | ${leanOverDirect.join(' | ')} |`, '');
}
process.stdout.write(`${lines.join('\n')}\n`);
