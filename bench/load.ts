/** The load generator's request loops; runs inside bench/load-worker.ts, never inside a target. */
import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { z } from 'zod';
import type { ClosedJob, LoadTarget, OpenJob, RequestMode, TargetName, TargetTally } from './load-protocol.js';

/** How long in-flight requests may run on after a phase's deadline before they are aborted. */
const drainGraceMs = 10_000;

const failureBackoffMs = 20;

const pools = new Map<string, Pool>();
function poolFor(origin: string): Pool {
  let pool = pools.get(origin);
  if (!pool) {
    pool = new Pool(origin, { connections: 128, keepAliveTimeout: 60_000, headersTimeout: 15_000, bodyTimeout: 15_000 });
    pools.set(origin, pool);
  }
  return pool;
}

export async function closePools(): Promise<void> {
  await Promise.all([...pools.values()].map((pool) => pool.close()));
  pools.clear();
}

const messages = [
  { role: 'system', content: 'You are a concise assistant. Answer in one short paragraph.' },
  { role: 'user', content: 'Explain in a few sentences why a local gateway in front of several LLM providers is useful.' },
];
const bodies = new Map<string, string>();
/** Built once per model and mode: the client's own JSON work stays out of the measured phases. */
function bodyFor(model: string, mode: RequestMode): string {
  const key = `${mode} ${model}`;
  let body = bodies.get(key);
  if (body === undefined) {
    const request = { model, messages, max_tokens: 64, temperature: 0.2 };
    body = JSON.stringify(mode === 'json' ? request : { ...request, stream: true, stream_options: { include_usage: true } });
    bodies.set(key, body);
  }
  return body;
}

const firstTokenSchema = z.object({ choices: z.array(z.object({ delta: z.object({ content: z.string().nullish() }).optional() })) });

/** True when one SSE event carries a non-empty content delta: the first token a user would see. */
function carriesToken(event: string): boolean {
  for (const line of event.split('\n')) {
    if (!line.startsWith('data:')) continue;
    const payload = line.slice(5).trim();
    if (payload === '[DONE]') return false;
    try {
      const chunk = firstTokenSchema.safeParse(JSON.parse(payload));
      if (chunk.success && chunk.data.choices.some((choice) => (choice.delta?.content ?? '') !== '')) return true;
    } catch {
      return false;
    }
  }
  return false;
}

interface Outcome {
  status: number;
  /** json: whole response; stream: first token (NaN when none came). */
  latencyMs: number;
  complete: boolean;
}

async function send(target: LoadTarget, mode: RequestMode, signal: AbortSignal): Promise<Outcome> {
  const started = performance.now();
  const response = await poolFor(target.origin).request({
    method: 'POST',
    path: '/v1/chat/completions',
    headers: { ...target.headers, 'content-type': 'application/json' },
    body: bodyFor(target.model, mode),
    signal,
  });
  if (mode === 'json') {
    await response.body.text();
    return { status: response.statusCode, latencyMs: performance.now() - started, complete: true };
  }
  const decoder = new TextDecoder();
  let firstTokenMs = Number.NaN;
  let pending = '';
  let tail = '';
  for await (const part of response.body) {
    const text = decoder.decode(part as Uint8Array, { stream: true });
    tail = (tail + text).slice(-64);
    if (!Number.isNaN(firstTokenMs)) continue;
    pending += text;
    const events = pending.split(/\r?\n\r?\n/);
    pending = events.pop() ?? '';
    if (events.some(carriesToken)) {
      firstTokenMs = performance.now() - started;
      pending = '';
    }
  }
  return { status: response.statusCode, latencyMs: firstTokenMs, complete: tail.includes('data: [DONE]') };
}

class Tally {
  answered = 0;
  non2xx = 0;
  failed = 0;
  incompleteStreams = 0;
  readonly samplesMs: number[] = [];

  /** Resolves true when an answer came, false when the request failed. */
  async track(request: Promise<Outcome>, mode: RequestMode, keepSample: boolean): Promise<boolean> {
    try {
      const outcome = await request;
      this.answered += 1;
      if (outcome.status < 200 || outcome.status > 299) this.non2xx += 1;
      if (mode === 'stream' && !outcome.complete) this.incompleteStreams += 1;
      if (keepSample && outcome.status === 200 && !Number.isNaN(outcome.latencyMs)) this.samplesMs.push(outcome.latencyMs);
      return true;
    } catch {
      this.failed += 1;
      return false;
    }
  }

  summary(name: TargetName, elapsedMs: number): TargetTally {
    const { answered, non2xx, failed, incompleteStreams, samplesMs } = this;
    return { name, answered, non2xx, failed, incompleteStreams, samplesMs, elapsedMs };
  }
}

/** Aborts whatever is still running `drainGraceMs` after the deadline, so a phase always ends. */
function drainSignal(durationMs: number): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  // One signal serves every request of the phase, each adding a listener.
  setMaxListeners(Number.POSITIVE_INFINITY, controller.signal);
  const timer = setTimeout(() => controller.abort(new Error('phase drain timed out')), durationMs + drainGraceMs);
  return { signal: controller.signal, dispose: () => clearTimeout(timer) };
}

export async function runClosed(job: ClosedJob): Promise<TargetTally[]> {
  const tally = new Tally();
  const { signal, dispose } = drainSignal(job.durationMs);
  const started = performance.now();
  const deadline = started + job.durationMs;
  const client = async (): Promise<void> => {
    while (performance.now() < deadline && !signal.aborted) {
      const answered = await tally.track(send(job.target, job.mode, signal), job.mode, false);
      // A target refusing connections must not turn the client into a busy loop.
      if (!answered) await sleep(failureBackoffMs);
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, client));
  dispose();
  return [tally.summary(job.target.name, performance.now() - started)];
}

export async function runOpen(job: OpenJob): Promise<TargetTally[]> {
  const { targets } = job;
  const tallies = targets.map(() => new Tally());
  const { signal, dispose } = drainSignal(job.durationMs);
  const intervalMs = 1000 / (job.requestsPerTargetPerSecond * targets.length);
  const total = Math.floor(job.durationMs / intervalMs);
  const inFlight: Promise<boolean>[] = [];
  const started = performance.now();
  for (let i = 0; i < total && !signal.aborted; i += 1) {
    const waitMs = started + i * intervalMs - performance.now();
    // A late tick sends at once rather than shifting the schedule: that is what keeps the loop open.
    if (waitMs > 0) await sleep(waitMs);
    // The order shifts every turn so no target always follows the same one.
    const turn = Math.floor(i / targets.length);
    const index = (i + turn) % targets.length;
    const target = targets[index];
    const tally = tallies[index];
    if (target && tally) inFlight.push(tally.track(send(target, job.mode, signal), job.mode, true));
  }
  await Promise.all(inFlight);
  dispose();
  const elapsedMs = performance.now() - started;
  return targets.map((target, index) => (tallies[index] ?? new Tally()).summary(target.name, elapsedMs));
}
