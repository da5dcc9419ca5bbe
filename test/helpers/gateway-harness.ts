import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../src/main/core/config/load-config.js';
import { startGateway, type GatewayOptions, type RunningGateway } from '../../src/main/core/gateway.js';
import { AppKeyStore } from '../../src/main/core/secrets/app-keys.js';
import { openDb, type Db } from '../../src/main/core/usage/usage-db.js';
import { usageDbPath } from '../../src/main/core/paths.js';
import { UsageQueries } from '../../src/main/core/usage/usage-queries.js';
import { toUsageRow } from '../../src/main/core/usage/usage-record.js';
import type { UsageRow } from '../../src/shared/usage.js';
import { memoryVault } from './memory-vault.js';
import { startMockUpstream, type MockUpstream } from './mock-upstream.js';

export const PROVIDER_KEY = 'sk-upstream-canary-7f3a9c';

export interface Harness {
  gateway: RunningGateway;
  upstream: MockUpstream;
  appKey: string;
  dataDir: string;
  /** OpenAI base URL of the gateway. */
  baseURL: string;
  /** Committed usage rows, oldest first, once `ready` holds for them (the writer batches; bounded wait). */
  usageRows(ready?: (rows: UsageRow[]) => boolean): Promise<UsageRow[]>;
  createAppKey(name: string): string;
  close(): Promise<void>;
}

/**
 * A real gateway on a free port, in a temp data dir, in front of a mock upstream served as
 * provider "mock" (openai-compatible, priced by override so costs are exact).
 */
export async function startHarness(opts: {
  config?: Record<string, unknown>;
  gateway?: Partial<GatewayOptions>;
  vaultKeys?: Record<string, string[]>;
} = {}): Promise<Harness> {
  const upstream = await startMockUpstream();
  const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-test-'));
  const config = opts.config ?? {
    providers: {
      mock: {
        type: 'openai-compatible',
        baseUrl: `${upstream.url}/v1`,
        models: ['gpt-4o-mini', 'text-embedding-3-small', 'gpt-3.5-turbo-instruct'],
        pricing: { prompt: '0.00000015', completion: '0.0000006', input_cache_read: '0.000000075' },
      },
    },
  };
  const gateway = await startGateway({
    dataDir,
    config: parseConfig(JSON.stringify(config).replaceAll('${UPSTREAM}', upstream.url), 'test-config.json'),
    port: 0,
    vault: memoryVault(opts.vaultKeys ?? { mock: [PROVIDER_KEY] }),
    env: {},
    ...opts.gateway,
  });
  const db: Db = openDb(usageDbPath(dataDir));
  const appKeys = new AppKeyStore(db);
  const createAppKey = (name: string) => appKeys.create({ name }).key;
  const appKey = createAppKey('test-tool');
  return {
    gateway,
    upstream,
    appKey,
    dataDir,
    baseURL: `${gateway.url}/v1`,
    createAppKey,
    async usageRows(ready = (rows: UsageRow[]) => rows.length > 0) {
      const queries = new UsageQueries(db);
      const deadline = Date.now() + 10_000;
      let rows = queries.list().map(toUsageRow);
      while (!ready(rows) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
        rows = queries.list().map(toUsageRow);
      }
      return rows;
    },
    async close() {
      await gateway.close();
      db.close();
      await upstream.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
