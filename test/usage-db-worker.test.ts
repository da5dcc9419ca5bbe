import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpendLedger } from '../src/main/core/policy/spend-ledger.js';
import { startDbWorker, type DbWorker } from '../src/main/core/usage/db-worker.js';
import { openDb, type Db } from '../src/main/core/usage/usage-db.js';
import { RequestLog } from '../src/main/core/usage/request-log.js';
import { UsageWriter } from '../src/main/core/usage/usage-writer.js';

let dir: string;
const open: Db[] = [];
const workers: DbWorker[] = [];
afterEach(async () => {
  for (const worker of workers.splice(0)) await worker.stop();
  for (const db of open.splice(0)) if (db.open) db.close();
  rmSync(dir, { recursive: true, force: true });
});

function setUp(maxBatch: number): { db: Db; other: Db; writer: UsageWriter } {
  dir = mkdtempSync(join(tmpdir(), 'switchyard-dbworker-'));
  const path = join(dir, 'usage.db');
  const db = openDb(path);
  db.pragma('wal_autocheckpoint = 0');
  const other = openDb(path);
  open.push(db, other);
  const worker = startDbWorker(path);
  workers.push(worker);
  return { db, other, writer: new UsageWriter(db, { committer: worker.committer, maxBatch, flushIntervalMs: 60_000 }) };
}

function paidRow(writer: UsageWriter, appKeyId: number): void {
  const log = new RequestLog(writer, appKeyId, 'cursor', 'openai/gpt-4o-mini');
  log.provider = 'openai';
  log.usage = { promptTokens: 10, completionTokens: 5, cachedTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 };
  log.cost = 0.001;
  log.finish(200);
}

function count(db: Db): number {
  return db.prepare('SELECT COUNT(*) FROM requests').pluck().get() as number;
}

describe('usage writer with the database worker', () => {
  it('commits batches off the event loop, folds their spend in the same transaction, and only then calls the followers', async () => {
    const { db, other, writer } = setUp(3);
    const ledger = new SpendLedger(writer);
    const seen: number[] = [];
    writer.onCommit((rows) => seen.push(rows.length));
    const key = db.prepare("INSERT INTO app_keys (name, key_hash, key_hint, created_at) VALUES ('cursor', x'00', 'abcd', 0)").run();
    const id = Number(key.lastInsertRowid);
    for (let i = 0; i < 3; i++) paidRow(writer, id);
    // The batch went to the worker: nothing committed on this thread, the rows still pending.
    expect(writer.pendingRows()).toHaveLength(3);
    const deadline = Date.now() + 5_000;
    while (seen.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    expect(seen).toEqual([3]);
    expect(count(other)).toBe(3);
    expect(other.prepare('SELECT charged FROM key_spend WHERE app_key_id = ?').pluck().get(id)).toBeCloseTo(0.003, 12);
    expect(writer.pendingRows()).toHaveLength(0);
    expect(ledger.spend(id).total).toBeCloseTo(0.003, 12);
    ledger.close();
    writer.close();
  });

  // Regression: a reader that added the pending rows to a query counted a batch twice when the
  // worker committed it between the query and the look at the pending rows.
  it('counts a batch once while it lands: committed in the database but not yet acknowledged', () => {
    const { other, writer } = setUp(4);
    for (let i = 0; i < 4; i++) paidRow(writer, 1);
    // This thread does not yield, so the worker's acknowledgement cannot arrive while it waits.
    const deadline = Date.now() + 5_000;
    while (count(other) < 4 && Date.now() < deadline) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2);
    expect(count(other)).toBe(4);
    expect(writer.pendingRows()).toHaveLength(4);
    const { committed, pending } = writer.withPending(() => writer.database.prepare('SELECT COUNT(*) FROM requests').pluck().get() as number);
    expect(committed + pending.length).toBe(4);
    writer.close();
  });

  it('close waits for the batch in flight and commits the rest: no row lost at shutdown', () => {
    const { other, writer } = setUp(5);
    for (let i = 0; i < 12; i++) paidRow(writer, 1);
    writer.close();
    expect(count(other)).toBe(12);
    expect(writer.pendingRows()).toHaveLength(0);
  });
});
