/** Starting and stopping the three processes under test: mock upstream, lean proxy, Switchyard. */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { benchScript, noInstrumentation, removeOnCleanUp, repoRoot, runNode, spawnNode, stopChild, waitForReadyPort, type Instrumentation, type Watched } from './children.js';
import type { GatewayName, LoadTarget, TargetName } from './load-protocol.js';

const readyTimeoutMs = 30_000;
const stopGraceMs = 15_000;

/** What `npm run serve` runs: the CLI as scripts/build-core.mjs builds it. */
export const switchyardCli = 'out/cli/switchyard.mjs';

export function cliExists(cli: string): boolean {
  return existsSync(join(repoRoot, cli));
}

/** A server process under test: where to send requests and which pid to watch in /proc. */
export interface RunningTarget {
  load: LoadTarget;
  pid: number;
  watched: Watched;
}

/** What the mock upstream answers to; the lean proxy passes it through unchanged. */
const mockModel = 'mock/bench-model';

function running(name: TargetName, watched: Watched, port: number, model = mockModel, headers: Record<string, string> = {}): RunningTarget {
  const pid = watched.child.pid;
  if (pid === undefined) throw new Error(`${watched.label} has no pid`);
  return { load: { name, origin: `http://127.0.0.1:${port}`, model, headers }, pid, watched };
}

export async function startMockUpstream(chunks: number, chunkDelayMs: number): Promise<RunningTarget> {
  const watched = spawnNode('mock upstream', benchScript('mock-upstream'), ['--chunks', String(chunks), '--chunk-delay-ms', String(chunkDelayMs)]);
  return running('direct', watched, await waitForReadyPort(watched, readyTimeoutMs));
}

export async function startLeanProxy(upstreamOrigin: string, instrumentation = noInstrumentation): Promise<RunningTarget> {
  const watched = spawnNode('lean proxy', benchScript('lean-proxy'), ['--upstream', upstreamOrigin], process.env, instrumentation);
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
  gateway: GatewayName;
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

export const gatewayDescriptions: Record<GatewayName, string> = {
  'switchyard-override': '`openai-compatible` provider with a `pricing` override (mock upstream speaks OpenAI)',
  'switchyard-catalog': '`openai` provider priced from genai-prices, `openai/gpt-4o-mini` (mock upstream speaks OpenAI)',
  'switchyard-anthropic': '`anthropic` provider priced from genai-prices, `claude/claude-haiku-4-5`: the mock upstream speaks Anthropic, the client OpenAI chat completions',
};

/** The config each Switchyard process runs, and the model id its requests ask for. */
function gatewayConfig(name: GatewayName, mockOrigin: string): { model: string; config: object } {
  const baseUrl = `${mockOrigin}/v1`;
  switch (name) {
    case 'switchyard-override':
      return {
        model: mockModel,
        config: {
          providers: {
            mock: {
              type: 'openai-compatible',
              baseUrl,
              apiKeyEnv: 'MOCK_KEY',
              models: ['bench-model'],
              // A known price, so the bench pays for cost accounting like a real request does.
              pricing: { prompt: '0.000001', completion: '0.000002' },
            },
          },
        },
      };
    case 'switchyard-catalog':
      // What most users run: an `openai` provider, priced from genai-prices.
      return { model: 'openai/gpt-4o-mini', config: { providers: { openai: { type: 'openai', baseUrl, apiKeyEnv: 'MOCK_KEY', models: ['gpt-4o-mini'] } } } };
    case 'switchyard-anthropic':
      // An Anthropic upstream behind /v1/chat/completions: every request and event is translated, priced from genai-prices.
      return { model: 'claude/claude-haiku-4-5', config: { providers: { claude: { type: 'anthropic', baseUrl, apiKeyEnv: 'MOCK_KEY', models: ['claude-haiku-4-5'] } } } };
  }
}

export async function startSwitchyard(name: GatewayName, mockOrigin: string, cli = switchyardCli, instrumentation: Instrumentation = noInstrumentation): Promise<SwitchyardTarget> {
  const dataDir = await mkdtemp(join(tmpdir(), 'switchyard-bench-'));
  removeOnCleanUp(dataDir);
  const configPath = join(dataDir, 'bench-config.json');
  const { model, config } = gatewayConfig(name, mockOrigin);
  await writeFile(configPath, JSON.stringify(config, null, 2));
  const created = await runNode('switchyard app-keys create', cli, ['app-keys', 'create', '--name', 'bench', '--data-dir', dataDir], readyTimeoutMs);
  const appKey = created.split('\n')[0]?.trim() ?? '';
  if (!appKey.startsWith('sk-sy-')) throw new Error(`app-keys create printed no sk-sy- key on its first line: ${JSON.stringify(created.slice(0, 200))}`);

  const watched = spawnNode(name, cli, ['serve', '--port', '0', '--data-dir', dataDir, '--config', configPath], {
    ...process.env,
    MOCK_KEY: 'sk-mock-bench',
  }, instrumentation);
  const server = await waitForServerFile(watched, join(dataDir, 'server.json'));
  const target = running(name, watched, server.port, model, { authorization: `Bearer ${appKey}` });

  return {
    ...target,
    gateway: name,
    // The server may hand its work to another process; /proc must watch the one that serves.
    pid: server.pid,
    stopAndReadUsage: async () => {
      const exitCode = await stopChild(watched.child, stopGraceMs);
      const printed = await runNode('switchyard usage --json', cli, ['usage', '--json', '--data-dir', dataDir], readyTimeoutMs * 2);
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
