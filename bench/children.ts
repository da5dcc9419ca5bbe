/** Spawning, watching and always killing the bench's child processes. */
import { execFileSync, fork, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { READY_PREFIX } from './child-io.js';

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));

const live = new Set<ChildProcess>();
const scratchDirs = new Set<string>();

/** A temporary directory to delete in `cleanUpNow`, which runs however the bench ends. */
export function removeOnCleanUp(dir: string): void {
  scratchDirs.add(dir);
}

/** SIGKILLs every child still running, then deletes scratch dirs; synchronous so it can run in an 'exit' handler. */
export function cleanUpNow(): void {
  for (const child of live) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  live.clear();
  for (const dir of scratchDirs) rmSync(dir, { recursive: true, force: true });
  scratchDirs.clear();
}

function register(child: ChildProcess): ChildProcess {
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

/** A child with its output drained into a bounded tail, kept for error messages. */
export interface Watched {
  child: ChildProcess;
  label: string;
  output: () => string;
}

const outputTailChars = 4000;

function watch(child: ChildProcess, label: string): Watched {
  let tail = '';
  const keep = (part: Buffer): void => {
    tail = (tail + part.toString('utf8')).slice(-outputTailChars);
  };
  // Always drained: a child blocked on a full pipe would stall mid-benchmark.
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { child, label, output: () => tail };
}

/** The bench's own processes, built to plain JavaScript like Switchyard's CLI: no TypeScript loader in any measured process. */
export type BenchScript = 'mock-upstream' | 'lean-proxy' | 'load-worker' | 'loop-monitor';

const builtDir = join(repoRoot, '.bench-tmp');

export function benchScript(name: BenchScript): string {
  return join(builtDir, `${name}.mjs`);
}

/** Builds the bench's child processes and, unless another build is measured, Switchyard's CLI (scripts/build-core.mjs, as `npm run serve` does). */
export async function buildScripts(options: { core: boolean }): Promise<void> {
  const names: BenchScript[] = ['mock-upstream', 'lean-proxy', 'load-worker', 'loop-monitor'];
  await build({
    absWorkingDir: repoRoot,
    entryPoints: names.map((name) => `bench/${name}.ts`),
    outdir: builtDir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
  });
  if (options.core) execFileSync(process.execPath, ['scripts/build-core.mjs'], { cwd: repoRoot, stdio: 'inherit' });
}

/** Node flags and environment a measured process starts with (profiling, the event-loop monitor). */
export interface Instrumentation {
  nodeArgs: string[];
  env: Record<string, string>;
}

export const noInstrumentation: Instrumentation = { nodeArgs: [], env: {} };

/** Runs a built entry point directly, so the child's pid is the server's. */
export function spawnNode(label: string, script: string, args: string[], env: NodeJS.ProcessEnv = process.env, instrumentation = noInstrumentation): Watched {
  const child = spawn(process.execPath, [...instrumentation.nodeArgs, script, ...args], {
    cwd: repoRoot,
    env: { ...env, ...instrumentation.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return watch(register(child), label);
}

export function forkNode(script: string): ChildProcess {
  return register(fork(script, [], { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
}

function exitError(watched: Watched, code: number | null, signal: NodeJS.Signals | null): Error {
  return new Error(`${watched.label} exited (code ${code}, signal ${signal}) before it was ready:\n${watched.output()}`);
}

/** Resolves when the child prints a line starting with `prefix`, with the rest of that line. */
export function waitForLine(watched: Watched, prefix: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const onData = (part: Buffer): void => {
      buffered += part.toString('utf8');
      // Only whole lines: a prefix may arrive before the rest of its line.
      const line = buffered.split('\n').slice(0, -1).find((candidate) => candidate.startsWith(prefix));
      if (line !== undefined) finish(() => resolve(line.slice(prefix.length).trim()));
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => finish(() => reject(exitError(watched, code, signal)));
    const timer = setTimeout(() => finish(() => reject(new Error(`${watched.label} not ready after ${timeoutMs} ms:\n${watched.output()}`))), timeoutMs);
    const finish = (settle: () => void): void => {
      clearTimeout(timer);
      watched.child.stdout?.off('data', onData);
      watched.child.off('exit', onExit);
      settle();
    };
    watched.child.stdout?.on('data', onData);
    watched.child.once('exit', onExit);
  });
}

export async function waitForReadyPort(watched: Watched, timeoutMs: number): Promise<number> {
  const announced: unknown = JSON.parse(await waitForLine(watched, READY_PREFIX, timeoutMs));
  if (typeof announced !== 'object' || announced === null || !('port' in announced) || typeof announced.port !== 'number') {
    throw new Error(`${watched.label} announced no port`);
  }
  return announced.port;
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code (null when killed). */
export async function stopChild(child: ChildProcess, graceMs: number): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  const [code] = await exited;
  clearTimeout(timer);
  return code;
}

/**
 * Runs a short-lived CLI command to completion, bounded in time; rejects on non-zero exit.
 * Its stdout goes to a file, not a pipe: a CLI that exits right after writing to a pipe loses
 * the tail of a large output (pipe writes are asynchronous in Node), while file writes are not.
 */
export async function runNode(label: string, script: string, args: string[], timeoutMs: number): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'switchyard-bench-out-'));
  removeOnCleanUp(dir);
  const stdoutPath = join(dir, 'stdout');
  const stdoutFile = await open(stdoutPath, 'w');
  try {
    const child = spawn(process.execPath, [script, ...args], { cwd: repoRoot, stdio: ['ignore', stdoutFile.fd, 'pipe'] });
    register(child);
    let stderr = '';
    child.stderr?.on('data', (part: Buffer) => {
      stderr = (stderr + part.toString('utf8')).slice(-outputTailChars);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
    clearTimeout(timer);
    if (code !== 0) throw new Error(`${label} failed (code ${code}, signal ${signal}):\n${stderr}`);
    return await readFile(stdoutPath, 'utf8');
  } finally {
    await stdoutFile.close();
    await rm(dir, { recursive: true, force: true });
  }
}
