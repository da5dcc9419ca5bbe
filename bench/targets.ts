/** Starting and stopping the three processes under test: mock upstream, lean proxy, Switchyard. */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { removeOnCleanUp, repoRoot, runTs, spawnTs, stopChild, waitForReadyPort, type Watched } from './children.js';
import type { LoadTarget, TargetName } from './load-protocol.js';

const readyTimeoutMs = 30_000;
const stopGraceMs = 15_000;

export const switchyardCli = 'src/main/core/cli.ts';

export function switchyardCliExists(): boolean {
  return existsSync(join(repoRoot, switchyardCli));
}

/** A server process under test: where to send requests and which pid to watch in /proc. */
export interface RunningTarget {
  load: LoadTarget;
  pid: number;
  watched: Watched;
}

function running(name: TargetName, watched: Watched, port: number, headers: Record<string, string> = {}): RunningTarget {
  const pid = watched.child.pid;
  if (pid === undefined) throw new Error(`${watched.label} has no pid`);
  return { load: { name, origin: `http://127.0.0.1:${port}`, headers }, pid, watched };
}

export async function startMockUpstream(chunks: number, chunkDelayMs: number): Promise<RunningTarget> {
  const watched = spawnTs('mock upstream', 'bench/mock-upstream.ts', ['--chunks', String(chunks), '--chunk-delay-ms', String(chunkDelayMs)]);
  return running('direct', watched, await waitForReadyPort(watched, readyTimeoutMs));
}

export async function startLeanProxy(upstreamOrigin: string): Promise<RunningTarget> {
  const watched = spawnTs('lean proxy', 'bench/lean-proxy.ts', ['--upstream', upstreamOrigin]);
  return running('lean', watched, await waitForReadyPort(watched, readyTimeoutMs));
}

const serverFileSchema = z.object({ url: z.string(), port: z.number().int().positive(), pid: z.number().int().positive() });

/** Usage rows as `switchyard usage --json` prints them (DESIGN.md §2); only what the bench counts. */
const usageRowsSchema = z.array(z.looseObject({ status: z.number(), streamed: z.boolean() }));

export interface UsageTally {
  rows: number;
  streamedRows: number;
  okRows: number;
}

export interface SwitchyardTarget extends RunningTarget {
  /** SIGTERMs the server (which flushes its usage log), then reads the log through the CLI. */
  stopAndReadUsage: () => Promise<{ exitCode: number | null; usage: UsageTally }>;
}

async function waitForServerFile(watched: Watched, path: string): Promise<z.infer<typeof serverFileSchema>> {
  const deadline = performance.now() + readyTimeoutMs * 2;
  while (performance.now() < deadline) {
    if (watched.child.exitCode !== null || watched.child.signalCode !== null) {
      throw new Error(`Switchyard exited (code ${watched.child.exitCode}) before it was ready:\n${watched.output()}`);
    }
    if (existsSync(path)) {
      const parsed = serverFileSchema.safeParse(JSON.parse(await readFile(path, 'utf8')));
      if (parsed.success) return parsed.data;
    }
    await sleep(100);
  }
  throw new Error(`Switchyard wrote no valid ${path} in time:\n${watched.output()}`);
}

export async function startSwitchyard(mockOrigin: string): Promise<SwitchyardTarget> {
  const dataDir = await mkdtemp(join(tmpdir(), 'switchyard-bench-'));
  removeOnCleanUp(dataDir);
  const configPath = join(dataDir, 'bench-config.json');
  const config = {
    providers: {
      mock: {
        type: 'openai-compatible',
        baseUrl: `${mockOrigin}/v1`,
        apiKeyEnv: 'MOCK_KEY',
        models: ['bench-model'],
        // A known price, so the bench pays for cost accounting like a real request does.
        pricing: { prompt: '0.000001', completion: '0.000002' },
      },
    },
  };
  await writeFile(configPath, JSON.stringify(config, null, 2));
  const created = await runTs('switchyard app-keys create', switchyardCli, ['app-keys', 'create', '--name', 'bench', '--data-dir', dataDir], readyTimeoutMs);
  const appKey = created.split('\n')[0]?.trim() ?? '';
  if (!appKey.startsWith('sk-sy-')) throw new Error(`app-keys create printed no sk-sy- key on its first line: ${JSON.stringify(created.slice(0, 200))}`);

  const watched = spawnTs('switchyard', switchyardCli, ['serve', '--port', '0', '--data-dir', dataDir, '--config', configPath], {
    ...process.env,
    MOCK_KEY: 'sk-mock-bench',
  });
  const server = await waitForServerFile(watched, join(dataDir, 'server.json'));
  const target = running('switchyard', watched, server.port, { authorization: `Bearer ${appKey}` });

  return {
    ...target,
    // The server may hand its work to another process; /proc must watch the one that serves.
    pid: server.pid,
    stopAndReadUsage: async () => {
      const exitCode = await stopChild(watched.child, stopGraceMs);
      const printed = await runTs('switchyard usage --json', switchyardCli, ['usage', '--json', '--data-dir', dataDir], readyTimeoutMs * 2);
      const rows = usageRowsSchema.parse(JSON.parse(printed));
      return {
        exitCode,
        usage: {
          rows: rows.length,
          streamedRows: rows.filter((row) => row.streamed).length,
          okRows: rows.filter((row) => row.status === 200).length,
        },
      };
    },
  };
}

export async function stopTarget(target: RunningTarget): Promise<void> {
  await stopChild(target.watched.child, stopGraceMs);
}
