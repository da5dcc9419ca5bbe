/** Turns the figures into the checks of DESIGN.md §6 and renders them as text, markdown and JSON. */
import type { TargetName } from './load-protocol.js';
import type { MeasureOptions, TargetFigures } from './measure.js';
import type { UsageTally } from './targets.js';

export type CheckStatus = 'PASS' | 'MISS' | 'n/a';

export interface Check {
  id: string;
  measure: string;
  /** Switchyard against its yardstick: a ratio to lean, a difference to direct, or a share. */
  value: number | null;
  unit: '×' | 'ms' | 'MiB' | '%' | 'count' | 'code';
  target: string;
  status: CheckStatus;
}

export interface SwitchyardOutcome {
  /** Why Switchyard was not measured, when it was not. */
  skipped?: string;
  usage?: UsageTally;
  exitCode?: number | null;
}

export interface BenchReport {
  startedAt: string;
  durationSeconds: number;
  machine: { node: string; cpus: number; cpuModel: string; loadAverageBefore: number[]; loadAverageAfter: number[] };
  settings: MeasureOptions & { chunks: number; chunkDelayMs: number };
  figures: TargetFigures[];
  switchyard: SwitchyardOutcome;
  checks: Check[];
}

const mib = 1024 * 1024;

function judge(value: number | null, pass: (value: number) => boolean): CheckStatus {
  if (value === null) return 'n/a';
  return Number.isFinite(value) && pass(value) ? 'PASS' : 'MISS';
}

export function buildChecks(figures: readonly TargetFigures[], switchyard: SwitchyardOutcome): Check[] {
  const byName = new Map<TargetName, TargetFigures>(figures.map((entry) => [entry.name, entry]));
  const direct = byName.get('direct');
  const lean = byName.get('lean');
  const gateway = byName.get('switchyard');
  const against = (compute: (gateway: TargetFigures, lean: TargetFigures, direct: TargetFigures) => number): number | null =>
    gateway && lean && direct ? compute(gateway, lean, direct) : null;

  const checks: Check[] = [];
  const add = (id: string, measure: string, value: number | null, unit: Check['unit'], target: string, pass: (value: number) => boolean): void => {
    checks.push({ id, measure, value, unit, target, status: judge(value, pass) });
  };
  const limits = { throughput: 0.8, cpu: 2, rssMiB: 50, p50Ms: 1, p99Ms: 2.5, ttftMs: 1 };

  add('json-throughput', 'JSON throughput, c=50', against((g, l) => g.json.requestsPerSecond / l.json.requestsPerSecond), '×', `≥ ${limits.throughput}× lean`, (v) => v >= limits.throughput);
  add('stream-throughput', 'SSE throughput, c=50', against((g, l) => g.stream.requestsPerSecond / l.stream.requestsPerSecond), '×', `≥ ${limits.throughput}× lean`, (v) => v >= limits.throughput);
  add('json-cpu', 'CPU per JSON request, c=50', against((g, l) => g.json.cpuMicrosPerRequest / l.json.cpuMicrosPerRequest), '×', `≤ ${limits.cpu}× lean`, (v) => v <= limits.cpu);
  add('stream-cpu', 'CPU per stream, c=50', against((g, l) => g.stream.cpuMicrosPerRequest / l.stream.cpuMicrosPerRequest), '×', `≤ ${limits.cpu}× lean`, (v) => v <= limits.cpu);
  add('peak-rss', 'Peak RSS, 50 concurrent streams', against((g, l) => (g.stream.peakRssBytes - l.stream.peakRssBytes) / mib), 'MiB', `≤ lean + ${limits.rssMiB} MiB`, (v) => v <= limits.rssMiB);
  add('latency-p50', 'Added latency p50, JSON', against((g, _l, d) => g.latency.p50Ms - d.latency.p50Ms), 'ms', `≤ ${limits.p50Ms} ms over direct`, (v) => v <= limits.p50Ms);
  add('latency-p99', 'Added latency p99, JSON', against((g, _l, d) => g.latency.p99Ms - d.latency.p99Ms), 'ms', `≤ ${limits.p99Ms} ms over direct`, (v) => v <= limits.p99Ms);
  add('ttft-p50', 'Added time to first token p50', against((g, _l, d) => g.ttft.p50Ms - d.ttft.p50Ms), 'ms', `≤ ${limits.ttftMs} ms over direct`, (v) => v <= limits.ttftMs);
  const usage = switchyard.usage;
  add('logged', 'Usage rows / requests answered', gateway && usage ? (usage.rows * 100) / gateway.answeredTotal : null, '%', '100 %', (v) => v >= 100);
  add('clean-answers', 'Non-2xx, failed or unfinished answers', gateway ? badAnswers(gateway) : null, 'count', '0', (v) => v === 0);
  add('sigterm-exit', 'Exit code after SIGTERM', switchyard.exitCode === undefined ? null : (switchyard.exitCode ?? Number.NaN), 'code', '0', (v) => v === 0);
  return checks;
}

function badAnswers(figures: TargetFigures): number {
  return [figures.json, figures.stream, figures.latency, figures.ttft].reduce((total, phase) => total + phase.non2xx + phase.failed + phase.incompleteStreams, 0);
}

const dash = '—';

function fixed(value: number | undefined, digits: number): string {
  return value === undefined || !Number.isFinite(value) ? dash : value.toFixed(digits);
}

function formatCheckValue(check: Check): string {
  if (check.value === null) return dash;
  switch (check.unit) {
    case '×':
      return `${fixed(check.value, 2)}× lean`;
    case 'ms':
      return `${check.value >= 0 ? '+' : ''}${fixed(check.value, 2)} ms`;
    case 'MiB':
      return `${check.value >= 0 ? '+' : ''}${fixed(check.value, 1)} MiB`;
    case '%':
      return `${fixed(check.value, 1)} %`;
    case 'count':
    case 'code':
      return fixed(check.value, 0);
  }
}

type Row = [measure: string, direct: string, lean: string, switchyard: string, versus: string, target: string, result: string];

function tableRows(report: BenchReport): Row[] {
  const byName = new Map<TargetName, TargetFigures>(report.figures.map((entry) => [entry.name, entry]));
  const checkById = new Map(report.checks.map((check) => [check.id, check]));
  const cells = (read: (figures: TargetFigures) => number, digits: number): [string, string, string] => {
    const cell = (name: TargetName): string => {
      const figures = byName.get(name);
      return figures ? fixed(read(figures), digits) : dash;
    };
    return [cell('direct'), cell('lean'), cell('switchyard')];
  };
  const row = (checkId: string, label: string, values: [string, string, string]): Row => {
    const check = checkById.get(checkId);
    return [label, ...values, check ? formatCheckValue(check) : dash, check?.target ?? dash, check?.status ?? dash];
  };
  const c = report.settings.concurrency;
  const usage = report.switchyard.usage;
  const gateway = byName.get('switchyard');
  return [
    row('json-throughput', `JSON throughput, c=${c} (req/s)`, cells((f) => f.json.requestsPerSecond, 0)),
    row('stream-throughput', `SSE throughput, c=${c} (streams/s)`, cells((f) => f.stream.requestsPerSecond, 0)),
    row('json-cpu', `CPU per JSON request, c=${c} (µs)`, cells((f) => f.json.cpuMicrosPerRequest, 0)),
    row('stream-cpu', `CPU per stream, c=${c} (µs)`, cells((f) => f.stream.cpuMicrosPerRequest, 0)),
    row('peak-rss', `Peak RSS, ${c} streams (MiB)`, cells((f) => f.stream.peakRssBytes / mib, 1)),
    row('latency-p50', `JSON latency p50 @ ${report.settings.latencyRate} req/s (ms)`, cells((f) => f.latency.p50Ms, 2)),
    row('latency-p99', `JSON latency p99 @ ${report.settings.latencyRate} req/s (ms)`, cells((f) => f.latency.p99Ms, 2)),
    row('ttft-p50', `Time to first token p50 @ ${report.settings.ttftRate} streams/s (ms)`, cells((f) => f.ttft.p50Ms, 2)),
    row('logged', 'Usage rows / requests answered', [dash, dash, usage && gateway ? `${usage.rows} / ${gateway.answeredTotal}` : dash]),
    row('clean-answers', 'Non-2xx, failed or unfinished answers', cells(badAnswers, 0)),
    row('sigterm-exit', 'Exit code after SIGTERM', [dash, dash, report.switchyard.exitCode === undefined ? dash : String(report.switchyard.exitCode)]),
  ];
}

const header: Row = ['Measure', 'direct (mock)', 'lean proxy', 'Switchyard', 'Switchyard vs yardstick', 'Target', 'Result'];

function summaryLines(report: BenchReport): string[] {
  const { machine, settings } = report;
  const lines = [
    `Run ${report.startedAt}, ${report.durationSeconds.toFixed(0)} s; Node ${machine.node}, ${machine.cpus} × ${machine.cpuModel}; load average ${machine.loadAverageBefore.map((v) => v.toFixed(2)).join(' ')} before, ${machine.loadAverageAfter.map((v) => v.toFixed(2)).join(' ')} after.`,
    `One target loaded at a time, order rotated over ${settings.rounds} rounds. Closed loop at c=${settings.concurrency}: ${settings.phaseMs / 1000} s per target, mode and round. Open loop per target: ${settings.latencyMs / 1000} s of JSON at ${settings.latencyRate} req/s, ${settings.ttftMs / 1000} s of streams at ${settings.ttftRate}/s. Mock stream: ${settings.chunks} content chunks, ${settings.chunkDelayMs} ms apart.`,
  ];
  if (report.switchyard.skipped) lines.push(`Switchyard not measured: ${report.switchyard.skipped}`);
  return lines;
}

export function renderMarkdown(report: BenchReport): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [
    ...summaryLines(report).map((text) => `${text}\n`),
    line(header),
    line(header.map(() => '---')),
    ...tableRows(report).map(line),
    '',
  ].join('\n');
}

export function renderText(report: BenchReport): string {
  const rows = [header, ...tableRows(report)];
  const widths = header.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0)));
  const format = (row: Row): string => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
  return [...summaryLines(report), '', format(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.slice(1).map(format), ''].join('\n');
}
