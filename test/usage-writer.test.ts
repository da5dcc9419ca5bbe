import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb, type Db } from '../src/main/core/usage/usage-db.js';
import { RequestLog } from '../src/main/core/usage/request-log.js';
import { UsageWriter } from '../src/main/core/usage/usage-writer.js';

let dir: string;
const open: Db[] = [];
afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
  rmSync(dir, { recursive: true, force: true });
});

function count(db: Db): number {
  return (db.prepare('SELECT COUNT(*) AS n FROM requests').get() as { n: number }).n;
}

describe('usage writer', () => {
  // Regression: a batch that could not commit (another process holding the write lock past
  // busy_timeout) threw from the flush timer, an uncaught exception that ends the server.
  it('keeps rows and retries when the database is locked, without throwing from its timer', async () => {
    dir = mkdtempSync(join(tmpdir(), 'switchyard-writer-'));
    const db = openDb(join(dir, 'usage.db'));
    const other = openDb(join(dir, 'usage.db'));
    open.push(db, other);
    db.pragma('busy_timeout = 5');
    const writer = new UsageWriter(db, { flushIntervalMs: 10 });
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => uncaught.push(err);
    process.on('uncaughtException', onUncaught);
    try {
      other.exec('BEGIN IMMEDIATE');
      for (let i = 0; i < 3; i++) new RequestLog(writer, null, 'k', 'm').finish(200);
      await new Promise((r) => setTimeout(r, 100));
      expect(uncaught).toEqual([]);
      expect(writer.pendingRows()).toHaveLength(3);
      other.exec('COMMIT');
      const deadline = Date.now() + 5_000;
      while (count(other) < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(count(other)).toBe(3);
      expect(writer.pendingRows()).toHaveLength(0);
    } finally {
      process.off('uncaughtException', onUncaught);
      writer.close();
    }
  });

  it('commits batches in one transaction and folds them into the daily rollup', () => {
    dir = mkdtempSync(join(tmpdir(), 'switchyard-writer-'));
    const db = openDb(join(dir, 'usage.db'));
    open.push(db);
    const writer = new UsageWriter(db, { maxBatch: 2 });
    for (let i = 0; i < 5; i++) {
      const log = new RequestLog(writer, 1, 'cursor', 'openai/gpt-4o-mini');
      log.provider = 'openai';
      log.usage = { promptTokens: 10, completionTokens: 5, cachedTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 };
      log.cost = 0.001;
      log.finish(200);
    }
    writer.close();
    expect(count(db)).toBe(5);
    const rollup = db.prepare('SELECT requests, prompt_tokens, cost FROM daily_usage').all() as { requests: number; prompt_tokens: number; cost: number }[];
    expect(rollup).toHaveLength(1);
    expect(rollup[0]?.requests).toBe(5);
    expect(rollup[0]?.prompt_tokens).toBe(50);
    expect(rollup[0]?.cost).toBeCloseTo(0.005, 12);
  });
});
