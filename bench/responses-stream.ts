/**
 * The Responses API stream (POST /v1/responses, what Codex speaks) beside the chat stream it is
 * translated from, measured against the lean pass-through proxy of the same run (DESIGN.md §6):
 * CPU per stream of the serving process at c=50, and time to first token at c=1.
 * `npm run bench:responses` (about 1 minute). The mock upstream is OpenAI-compatible, so
 * Switchyard's Responses stream is the translation path (chat chunks -> Responses events).
 */
import { writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { buildScripts, cleanUpNow } from './children.js';
import { cpuMicros } from './proc-stats.js';
import { median, percentile } from './stats.js';
import { startLeanProxy, startMockUpstream, startSwitchyard, stopTarget, type RunningTarget } from './targets.js';

const CONCURRENCY = 50;
const STREAMS_PER_ROUND = 600;
const ROUNDS = 5;
const TTFT_SAMPLES = 200;

const input = 'Explain in a few sentences why a local gateway in front of several LLM providers is useful.';
const chatBody = JSON.stringify({
  model: 'mock/bench-model',
  messages: [{ role: 'user', content: input }],
  max_tokens: 64,
  stream: true,
  stream_options: { include_usage: true },
});
const responsesBody = JSON.stringify({ model: 'mock/bench-model', input, max_output_tokens: 64, stream: true, store: false });

interface Mode {
  label: string;
  target: RunningTarget;
  path: string;
  body: string;
  /** The text that marks the first token in the byte stream. */
  firstToken: string;
  /** The text that marks a complete stream. */
  end: string;
}

/** One stream: the milliseconds to its first token, or NaN when the stream was incomplete. */
async function stream(pool: Pool, mode: Mode): Promise<number> {
  const started = performance.now();
  const { statusCode, body } = await pool.request({
    method: 'POST',
    path: mode.path,
    headers: { 'content-type': 'application/json', ...mode.target.load.headers },
    body: mode.body,
  });
  let seen = '';
  let firstTokenMs = Number.NaN;
  for await (const chunk of body) {
    seen += (chunk as Buffer).toString();
    if (Number.isNaN(firstTokenMs) && seen.includes(mode.firstToken)) firstTokenMs = performance.now() - started;
  }
  return statusCode === 200 && seen.includes(mode.end) ? firstTokenMs : Number.NaN;
}

async function round(pool: Pool, mode: Mode): Promise<{ cpuPerStream: number; failed: number }> {
  let next = 0;
  let failed = 0;
  const cpuBefore = cpuMicros(mode.target.pid);
  const worker = async () => {
    while (next < STREAMS_PER_ROUND) {
      next += 1;
      if (Number.isNaN(await stream(pool, mode).catch(() => Number.NaN))) failed += 1;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { cpuPerStream: (cpuMicros(mode.target.pid) - cpuBefore) / STREAMS_PER_ROUND, failed };
}

async function main(): Promise<void> {
  await buildScripts({ core: true });
  const mock = await startMockUpstream(20, 5);
  const lean = await startLeanProxy(mock.load.origin);
  const switchyard = await startSwitchyard('switchyard-override', mock.load.origin);
  const chat = { path: '/v1/chat/completions', body: chatBody, firstToken: '"content":"The', end: '[DONE]' };
  const modes: Mode[] = [
    { label: 'lean proxy, chat stream', target: lean, ...chat },
    { label: 'direct (mock), chat stream', target: mock, ...chat },
    { label: 'Switchyard, chat stream', target: switchyard, ...chat },
    {
      label: 'Switchyard, Responses stream',
      target: switchyard,
      path: '/v1/responses',
      body: responsesBody,
      firstToken: 'response.output_text.delta',
      end: 'event: response.completed',
    },
  ];
  const pools = new Map(modes.map((mode) => [mode, new Pool(mode.target.load.origin, { connections: 128 })]));
  const cpu = new Map<Mode, number[]>(modes.map((mode) => [mode, []]));
  let failures = 0;
  for (let r = 0; r < ROUNDS; r += 1) {
    // Rotated order, so no mode always runs on a machine warmed (or loaded) by another.
    for (let i = 0; i < modes.length; i += 1) {
      const mode = modes[(r + i) % modes.length] as Mode;
      const figures = await round(pools.get(mode) as Pool, mode);
      cpu.get(mode)?.push(figures.cpuPerStream);
      failures += figures.failed;
      await sleep(200);
    }
  }
  const ttft = new Map<Mode, number[]>();
  for (const mode of modes) {
    const samples: number[] = [];
    for (let i = 0; i < TTFT_SAMPLES; i += 1) samples.push(await stream(pools.get(mode) as Pool, mode));
    ttft.set(mode, samples.filter((ms) => !Number.isNaN(ms)));
  }
  const leanCpu = median(cpu.get(modes[0] as Mode) ?? []);
  const rows = modes.map((mode) => {
    const cpuMedian = median(cpu.get(mode) ?? []);
    const samples = ttft.get(mode) ?? [];
    return `| ${mode.label} | ${cpuMedian.toFixed(0)} | ${(cpuMedian / leanCpu).toFixed(2)}× | ${percentile(samples, 0.5).toFixed(2)} | ${percentile(samples, 0.99).toFixed(2)} |`;
  });
  for (const pool of pools.values()) await pool.close();
  const { exitCode, usage } = await switchyard.stopAndReadUsage();
  const report = [
    `Run ${new Date().toISOString()}; ${ROUNDS} rounds of ${STREAMS_PER_ROUND} streams at c=${CONCURRENCY}, rotated; mock stream: 20 chunks, 5 ms apart.`,
    '',
    '| mode | CPU per stream, c=50 (µs, median of rounds) | vs lean proxy (target ≤ 2×) | TTFT p50 at c=1 (ms) | TTFT p99 (ms) |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
    `Incomplete or failed streams: ${failures}. Switchyard exit code after SIGTERM: ${exitCode}; usage rows ${usage.rows} (ok ${usage.okRows}) ` +
      `for ${ROUNDS * STREAMS_PER_ROUND * 2 + TTFT_SAMPLES * 2} streams answered.`,
  ].join('\n');
  console.log(report);
  await writeFile(fileURLToPath(new URL('results/responses-stream.md', import.meta.url)), `${report}\n`);
  await stopTarget(lean);
  await stopTarget(mock);
}

main()
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(cleanUpNow);
