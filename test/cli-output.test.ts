import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb } from '../src/main/core/usage/usage-db.js';
import { usageDbPath } from '../src/main/core/paths.js';
import { RequestLog } from '../src/main/core/usage/request-log.js';
import { UsageWriter } from '../src/main/core/usage/usage-writer.js';
import type { UsageRow } from '../src/shared/usage.js';
import { runCli } from './helpers/cli.js';

const ROWS = 3000;
let dataDir: string;

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'switchyard-cli-output-'));
  const db = openDb(usageDbPath(dataDir));
  const writer = new UsageWriter(db, { maxBatch: 1000 });
  for (let i = 0; i < ROWS; i++) {
    const log = new RequestLog(writer, null, 'bulk', 'mock/model-with-a-long-name-to-make-rows-bigger');
    log.provider = 'mock';
    log.upstreamModel = 'model-with-a-long-name-to-make-rows-bigger';
    log.finish(200);
  }
  writer.close();
  db.close();
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('one-shot CLI output into a pipe', () => {
  // Regression: process.exit() right after a large stdout write cut the JSON off at the pipe buffer.
  it('usage --json writes every row before exiting', () => {
    const res = runCli(['usage', '--json', '--data-dir', dataDir]);
    expect(res.status).toBe(0);
    expect(res.stdout.length).toBeGreaterThan(200_000);
    expect((JSON.parse(res.stdout) as UsageRow[]).length).toBe(ROWS);
  });

  it('usage --csv writes every row before exiting', () => {
    const res = runCli(['usage', '--csv', '--data-dir', dataDir]);
    expect(res.stdout.trim().split('\r\n')).toHaveLength(ROWS + 1);
  });
});

describe('usage --json', () => {
  it('marks the rows whose usage the gateway estimated', () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-cli-estimated-'));
    try {
      const db = openDb(usageDbPath(dir));
      const writer = new UsageWriter(db);
      const reported = new RequestLog(writer, null, 'k', 'openai/gpt-4o-mini');
      reported.usage = { promptTokens: 10, completionTokens: 5, cachedTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 };
      reported.finish(200);
      const counted = new RequestLog(writer, null, 'k', 'openai/gpt-4o-mini');
      counted.usage = { promptTokens: 12, completionTokens: 40, cachedTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 };
      counted.usageEstimated = true;
      counted.finish(499, 'cancelled');
      writer.close();
      db.close();
      const res = runCli(['usage', '--json', '--data-dir', dir]);
      expect(res.status).toBe(0);
      const rows = JSON.parse(res.stdout) as UsageRow[];
      expect(Object.fromEntries(rows.map((row) => [row.id, row.usage_estimated]))).toEqual({ [reported.id]: false, [counted.id]: true });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
