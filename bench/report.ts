/** Turns the figures into the checks of DESIGN.md §6 and renders them as text, markdown and JSON. */
import type { GatewayName, TargetName } from './load-protocol.js';
import type { MeasureOptions, OpenLoopFigures, RoundFigures, TargetFigures } from './measure.js';
import { median } from './stats.js';
import type { UsageTally } from './targets.js';

export type CheckStatus = 'PASS' | 'MISS' | 'n/a';

export interface Check {
  id: string;
  measure: string;
  /** Switchyard against its yardstick: a ratio to lean, a difference to direct, or a share. */
  value: number | null;
  /** For ratios: the lowest and highest of the per-round ratios whose median is `value`. */
  range?: [number, number];
  unit: '×' | 'ms' | 'MiB' | '%' | 'count' | 'code';
  target: string;
  status: CheckStatus;
}

export interface SwitchyardOutcome {
  usage?: UsageTally;
  exitCode?: number | null;
}

/** One Switchyard config, judged against the direct mock and the lean proxy of the same run. */
export interface GatewayReport {
  name: GatewayName;
  /** What the config is, for the reader. */
  config: string;
  outcome: SwitchyardOutcome;
  checks: Check[];
  notes: string[];
}

export interface BenchReport {
  startedAt: string;
  durationSeconds: number;
  machine: { node: string; cpus: number; cpuModel: string; loadAverageBefore: number[]; loadAverageAfter: number[] };
  settings: MeasureOptions & { chunks: number; chunkDelayMs: number };
  figures: TargetFigures[];
  /** Why Switchyard was not measured, when it was not. */
  skipped?: string;
  gateways: GatewayReport[];
}

const mib = 1024 * 1024;
const latencyLimits = { p50Ms: 1, p99Ms: 2.5, ttftMs: 1 };

function judge(value: number | null, pass: (value: number) => boolean): CheckStatus {
  if (value === null) return 'n/a';
  return Number.isFinite(value) && pass(value) ? 'PASS' : 'MISS';
}

/**
 * Switchyard's turn over lean's turn of the same round, round by round: the two were measured
 * seconds apart, so a burst of load from a neighbour hits one round, not the whole ratio.
 */
function roundRatios(gateway: readonly RoundFigures[], lean: readonly RoundFigures[], read: (round: RoundFigures) => number): number[] {
  return gateway.flatMap((round, index) => {
    const base = lean[index];
    const ratio = base ? read(round) / read(base) : Number.NaN;
    return Number.isFinite(ratio) ? [ratio] : [];
  });
}

export function buildChecks(figures: readonly TargetFigures[], name: GatewayName, switchyard: SwitchyardOutcome): Check[] {
  const byName = new Map<TargetName, TargetFigures>(figures.map((entry) => [entry.name, entry]));
  const direct = byName.get('direct');
  const lean = byName.get('lean');
  const gateway = byName.get(name);
  const limits = { throughput: 0.8, cpu: 2, rssMiB: 50, ...latencyLimits };

  const checks: Check[] = [];
  const add = (check: Omit<Check, 'status'>, pass: (value: number) => boolean): void => {
    checks.push({ ...check, status: judge(check.value, pass) });
  };
  const ratio = (id: string, measure: string, target: string, pick: (figures: TargetFigures) => readonly RoundFigures[], read: (round: RoundFigures) => number, pass: (value: number) => boolean): void => {
    const ratios = gateway && lean ? roundRatios(pick(gateway), pick(lean), read) : [];
    const value = gateway && lean ? median(ratios) : null;
    const range: [number, number] | undefined = ratios.length > 0 ? [Math.min(...ratios), Math.max(...ratios)] : undefined;
    add({ id, measure, value, ...(range ? { range } : {}), unit: '×', target }, pass);
  };
  // Latency over the direct mock measured in the same open-loop phase as this gateway.
  const overDirect = (compute: (gateway: OpenLoopFigures, direct: OpenLoopFigures) => number): number | null => {
    const mine = gateway?.openLoop[name];
    const besides = direct?.openLoop[name];
    return mine && besides ? compute(mine, besides) : null;
  };

  ratio('json-throughput', 'JSON throughput, c=50', `≥ ${limits.throughput}× lean`, (f) => f.json.rounds, (r) => r.requestsPerSecond, (v) => v >= limits.throughput);
  ratio('stream-throughput', 'SSE throughput, c=50', `≥ ${limits.throughput}× lean`, (f) => f.stream.rounds, (r) => r.requestsPerSecond, (v) => v >= limits.throughput);
  ratio('json-cpu', 'CPU per JSON request, c=50', `≤ ${limits.cpu}× lean`, (f) => f.json.rounds, (r) => r.cpuMicrosPerRequest, (v) => v <= limits.cpu);
  ratio('stream-cpu', 'CPU per stream, c=50', `≤ ${limits.cpu}× lean`, (f) => f.stream.rounds, (r) => r.cpuMicrosPerRequest, (v) => v <= limits.cpu);
  add(
    { id: 'peak-rss', measure: 'Peak RSS, 50 concurrent streams', value: gateway && lean ? (gateway.stream.peakRssBytes - lean.stream.peakRssBytes) / mib : null, unit: 'MiB', target: `≤ lean + ${limits.rssMiB} MiB` },
    (v) => v <= limits.rssMiB,
  );
  add({ id: 'latency-p50', measure: 'Added latency p50, JSON', value: overDirect((g, d) => g.latency.p50Ms - d.latency.p50Ms), unit: 'ms', target: `≤ ${limits.p50Ms} ms over direct` }, (v) => v <= limits.p50Ms);
  add({ id: 'latency-p99', measure: 'Added latency p99, JSON', value: overDirect((g, d) => g.latency.p99Ms - d.latency.p99Ms), unit: 'ms', target: `≤ ${limits.p99Ms} ms over direct` }, (v) => v <= limits.p99Ms);
  add({ id: 'ttft-p50', measure: 'Added time to first token p50', value: overDirect((g, d) => g.ttft.p50Ms - d.ttft.p50Ms), unit: 'ms', target: `≤ ${limits.ttftMs} ms over direct` }, (v) => v <= limits.ttftMs);
  const usage = switchyard.usage;
  add({ id: 'logged', measure: 'Usage rows / requests answered', value: gateway && usage ? (usage.rows * 100) / gateway.answeredTotal : null, unit: '%', target: '100 %' }, (v) => v >= 100);
  add({ id: 'clean-answers', measure: 'Non-2xx, failed or unfinished answers', value: gateway ? badAnswers(gateway) : null, unit: 'count', target: '0' }, (v) => v === 0);
  add(
    { id: 'sigterm-exit', measure: 'Exit code after SIGTERM', value: switchyard.exitCode === undefined ? null : (switchyard.exitCode ?? Number.NaN), unit: 'code', target: '0' },
    (v) => v === 0,
  );
  return checks;
}

/**
 * The absolute latency limits have no floor to compare with; when even the lean proxy breaks
 * one, the machine, not the gateway alone, set that figure, and Switchyard's distance to the
 * lean proxy says what is the gateway's.
 */
export function buildNotes(figures: readonly TargetFigures[], name: GatewayName): string[] {
  const phase = (target: TargetName) => figures.find((entry) => entry.name === target)?.openLoop[name];
  const direct = phase('direct');
  const lean = phase('lean');
  const gateway = phase(name);
  if (!direct || !lean) return [];
  const floors = [
    { what: 'JSON latency p50', limit: latencyLimits.p50Ms, read: (f: OpenLoopFigures) => f.latency.p50Ms },
    { what: 'JSON latency p99', limit: latencyLimits.p99Ms, read: (f: OpenLoopFigures) => f.latency.p99Ms },
    { what: 'time to first token p50', limit: latencyLimits.ttftMs, read: (f: OpenLoopFigures) => f.ttft.p50Ms },
  ];
  return floors
    .filter((floor) => floor.read(lean) - floor.read(direct) > floor.limit)
    .map((floor) => {
      const overLean = gateway ? ` Switchyard over the lean proxy: ${signed(floor.read(gateway) - floor.read(lean), 2)} ms.` : '';
      return `The lean proxy itself adds ${(floor.read(lean) - floor.read(direct)).toFixed(2)} ms of ${floor.what} over direct in this run (limit ${floor.limit} ms): machine noise weighs on that figure.${overLean}`;
    });
}

function badAnswers(figures: TargetFigures): number {
  const phases = [figures.json, figures.stream, ...Object.values(figures.openLoop).flatMap((open) => [open.latency, open.ttft])];
  return phases.reduce((total, phase) => total + phase.non2xx + phase.failed + phase.incompleteStreams, 0);
}

const dash = '—';

function fixed(value: number | undefined, digits: number): string {
  return value === undefined || !Number.isFinite(value) ? dash : value.toFixed(digits);
}

function signed(value: number, digits: number): string {
  return `${value >= 0 ? '+' : ''}${fixed(value, digits)}`;
}

function formatCheckValue(check: Check): string {
  if (check.value === null) return dash;
  switch (check.unit) {
    case '×':
      return `${fixed(check.value, 2)}× lean${check.range ? ` (rounds ${fixed(check.range[0], 2)}–${fixed(check.range[1], 2)})` : ''}`;
    case 'ms':
      return `${signed(check.value, 2)} ms`;
    case 'MiB':
      return `${signed(check.value, 1)} MiB`;
    case '%':
      return `${fixed(check.value, 1)} %`;
    case 'count':
    case 'code':
      return fixed(check.value, 0);
  }
}

type Row = [measure: string, direct: string, lean: string, switchyard: string, versus: string, target: string, result: string];

function tableRows(report: BenchReport, gatewayReport: GatewayReport): Row[] {
  const byName = new Map<TargetName, TargetFigures>(report.figures.map((entry) => [entry.name, entry]));
  const checkById = new Map(gatewayReport.checks.map((check) => [check.id, check]));
  const cells = (read: (figures: TargetFigures) => number, digits: number): [string, string, string] => {
    const cell = (name: TargetName): string => {
      const figures = byName.get(name);
      return figures ? fixed(read(figures), digits) : dash;
    };
    return [cell('direct'), cell('lean'), cell(gatewayReport.name)];
  };
  const row = (checkId: string, label: string, values: [string, string, string]): Row => {
    const check = checkById.get(checkId);
    return [label, ...values, check ? formatCheckValue(check) : dash, check?.target ?? dash, check?.status ?? dash];
  };
  const c = report.settings.concurrency;
  const { usage, exitCode } = gatewayReport.outcome;
  // The open-loop phase this gateway ran in, with the direct mock and the lean proxy beside it.
  const open = (figures: TargetFigures) => figures.openLoop[gatewayReport.name];
  const gateway = byName.get(gatewayReport.name);
  return [
    row('json-throughput', `JSON throughput, c=${c} (req/s)`, cells((f) => f.json.requestsPerSecond, 0)),
    row('stream-throughput', `SSE throughput, c=${c} (streams/s)`, cells((f) => f.stream.requestsPerSecond, 0)),
    row('json-cpu', `CPU per JSON request, c=${c} (µs)`, cells((f) => f.json.cpuMicrosPerRequest, 0)),
    row('stream-cpu', `CPU per stream, c=${c} (µs)`, cells((f) => f.stream.cpuMicrosPerRequest, 0)),
    row('peak-rss', `Peak RSS, ${c} streams (MiB)`, cells((f) => f.stream.peakRssBytes / mib, 1)),
    row('latency-p50', `JSON latency p50 @ ${report.settings.latencyRate} req/s (ms)`, cells((f) => open(f)?.latency.p50Ms ?? Number.NaN, 2)),
    row('latency-p99', `JSON latency p99 @ ${report.settings.latencyRate} req/s (ms)`, cells((f) => open(f)?.latency.p99Ms ?? Number.NaN, 2)),
    row('ttft-p50', `Time to first token p50 @ ${report.settings.ttftRate} streams/s (ms)`, cells((f) => open(f)?.ttft.p50Ms ?? Number.NaN, 2)),
    row('logged', 'Usage rows / requests answered', [dash, dash, usage && gateway ? `${usage.rows} / ${gateway.answeredTotal}` : dash]),
    row('clean-answers', 'Non-2xx, failed or unfinished answers', cells(badAnswers, 0)),
    row('sigterm-exit', 'Exit code after SIGTERM', [dash, dash, exitCode === undefined ? dash : String(exitCode)]),
  ];
}

const header: Row = ['Measure', 'direct (mock)', 'lean proxy', 'Switchyard', 'Switchyard vs yardstick', 'Target', 'Result'];

function summaryLines(report: BenchReport): string[] {
  const { machine, settings } = report;
  const lines = [
    `Run ${report.startedAt}, ${report.durationSeconds.toFixed(0)} s; Node ${machine.node}, ${machine.cpus} × ${machine.cpuModel}; load average ${machine.loadAverageBefore.map((v) => v.toFixed(2)).join(' ')} before, ${machine.loadAverageAfter.map((v) => v.toFixed(2)).join(' ')} after.`,
    `Closed loop at c=${settings.concurrency}: one target at a time, ${settings.throughputRounds} rounds of ${settings.phaseMs / 1000} s per target and mode, order rotated every round; ratios are medians of per-round ratios. Open loop, one phase per Switchyard config with the direct mock and the lean proxy beside it, the three taking turns on one schedule: ${settings.latencyMs / 1000} s of JSON at ${settings.latencyRate} req/s per target, then ${settings.ttftMs / 1000} s of streams at ${settings.ttftRate}/s per target. Mock stream: ${settings.chunks} content chunks, ${settings.chunkDelayMs} ms apart.`,
  ];
  if (report.skipped) lines.push(`Switchyard not measured: ${report.skipped}`);
  return lines;
}

function gatewayTitle(gateway: GatewayReport): string {
  return `${gateway.name}: ${gateway.config}`;
}

export function renderMarkdown(report: BenchReport): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [
    ...summaryLines(report).map((text) => `${text}\n`),
    ...report.gateways.flatMap((gateway) => [
      `### ${gatewayTitle(gateway)}\n`,
      ...gateway.notes.map((text) => `${text}\n`),
      line(header),
      line(header.map(() => '---')),
      ...tableRows(report, gateway).map(line),
      '',
    ]),
  ].join('\n');
}

export function renderText(report: BenchReport): string {
  const tables = report.gateways.map((gateway) => {
    const rows = [header, ...tableRows(report, gateway)];
    const widths = header.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0)));
    const format = (row: Row): string => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
    return [gatewayTitle(gateway), ...gateway.notes, '', format(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.slice(1).map(format), ''].join('\n');
  });
  return [...summaryLines(report), '', ...tables].join('\n');
}
