import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The CLI as users run it (`npm run serve`), built from the current sources by test/global-setup.ts. */
export const BUILT_CLI = join(ROOT, 'out', 'cli', 'switchyard.mjs');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `switchyard …` as a user would, in its own process. */
export function runCli(args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv } = {}): CliResult {
  const result = spawnSync(process.execPath, [BUILT_CLI, ...args], {
    input: opts.input ?? '',
    env: { ...process.env, ...opts.env },
    encoding: 'utf8',
    timeout: 60_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export interface ServeProcess {
  child: ChildProcess;
  url: string;
  port: number;
  /** The one-time login link serve printed after its listening line. */
  loginUrl: string;
  stdout(): string;
  stderr(): string;
  /** SIGTERM and wait for exit; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** `switchyard serve`, resolved once DIR/server.json appears (bounded wait). */
export async function startServe(args: string[], dataDir: string, env: NodeJS.ProcessEnv = {}): Promise<ServeProcess> {
  const child = spawn(process.execPath, [BUILT_CLI, 'serve', '--data-dir', dataDir, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const infoPath = join(dataDir, 'server.json');
  const deadline = Date.now() + 60_000;
  while (!existsSync(infoPath) || !out.includes('listening') || !/\?login=\S+\n/.test(out)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`serve did not start: ${err || out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const info = JSON.parse(readFileSync(infoPath, 'utf8')) as { url: string; port: number };
  return {
    child,
    url: info.url,
    port: info.port,
    loginUrl: (/(http:\/\/\S+\?login=\S+)\n/.exec(out) as RegExpExecArray)[1] as string,
    stdout: () => out,
    stderr: () => err,
    async stop() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
