import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';

/** One batch of usage writes, as plain data: it crosses to the worker thread by structured clone. */
export interface CommitBatch {
  /** The statements the ops name by index. */
  statements: readonly string[];
  /** Run in order in one transaction: statement index and its parameters (positional or named). */
  ops: [statement: number, params: unknown[] | Record<string, unknown>][];
  /**
   * Groups of parameterless statements run after the ops in the same transaction, each group in
   * its own savepoint: one that fails is rolled back alone and the rows still commit.
   */
  followUps: readonly (readonly string[])[];
}

/** Commits a batch off the event loop and says how it went; `settle` waits for it when the process must. */
export interface BatchCommitter {
  /** Only one batch at a time: `done` runs (on the event loop) before the next `commit`. */
  commit(batch: CommitBatch, done: (error: Error | undefined) => void): void;
  /** Blocks until the batch in flight (if any) has committed or failed, and runs its `done` now. */
  settle(): void;
}

const SETTLE_TIMEOUT_MS = 30_000;

/**
 * The database's worker thread: it commits the usage writer's batches on its own connection and
 * runs the WAL checkpoints, so neither SQLite's inserts nor checkpoint fsyncs run on the event
 * loop (the writer connection disables auto-checkpointing). One thread for both keeps the
 * memory of one extra V8 isolate. The worker is plain JS (eval) so it runs the same under tsx,
 * vitest and the Electron bundle. A batch's outcome is also written to a shared word, so the
 * main thread can wait for it synchronously at shutdown (Atomics.wait), when no event loop turn
 * may be left.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 5000');
db.pragma('synchronous = NORMAL');
db.pragma('wal_autocheckpoint = 0');
const outcome = new Int32Array(workerData.outcome);
const prepared = new Map();
const statement = (sql) => {
  let stmt = prepared.get(sql);
  if (!stmt) { stmt = db.prepare(sql); prepared.set(sql, stmt); }
  return stmt;
};
const blob = (value) => value instanceof Uint8Array && !Buffer.isBuffer(value) ? Buffer.from(value.buffer, value.byteOffset, value.byteLength) : value;
const followUp = db.transaction((group) => { for (const sql of group) statement(sql).run(); });
const commit = db.transaction((batch) => {
  for (const [index, params] of batch.ops) statement(batch.statements[index]).run(Array.isArray(params) ? params.map(blob) : params);
  for (const group of batch.followUps) { try { followUp(group); } catch {} }
});
const checkpoint = (mode) => { try { db.pragma('wal_checkpoint(' + mode + ')'); } catch {} };
const timer = setInterval(() => checkpoint('PASSIVE'), workerData.intervalMs);
parentPort.on('message', (msg) => {
  if (msg === 'stop') {
    clearInterval(timer);
    checkpoint('TRUNCATE');
    db.close();
    parentPort.postMessage('stopped');
    return;
  }
  let error;
  try { commit(msg.batch); } catch (err) { error = String(err && err.message || err); }
  Atomics.store(outcome, 0, error === undefined ? 1 : 2);
  Atomics.notify(outcome, 0);
  parentPort.postMessage({ seq: msg.seq, committed: error === undefined, error });
});
`;

export interface DbWorker {
  committer: BatchCommitter;
  stop(): Promise<void>;
}

const IDLE = 0;
const COMMITTED = 1;
const FAILED = 2;

export function startDbWorker(dbPath: string, intervalMs = 1000): DbWorker {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const shared = new SharedArrayBuffer(4);
  const outcome = new Int32Array(shared);
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, path: dbPath, intervalMs, outcome: shared } });
  worker.unref();
  let inFlight: { seq: number; done: (error: Error | undefined) => void } | undefined;
  let seq = 0;
  let failure: Error | undefined;

  const finish = (error: Error | undefined) => {
    const batch = inFlight;
    inFlight = undefined;
    Atomics.store(outcome, 0, IDLE);
    batch?.done(error);
  };
  worker.on('message', (msg: unknown) => {
    const reply = msg as { seq?: number; committed: boolean; error?: string };
    // A batch that `settle` already finished still sends its reply: it belongs to no batch in flight.
    if (!inFlight || reply.seq !== inFlight.seq) return;
    finish(reply.committed ? undefined : new Error(reply.error ?? 'usage batch failed'));
  });
  worker.on('error', (err) => {
    failure = err;
    if (inFlight) finish(err);
  });

  const committer: BatchCommitter = {
    commit(batch, done) {
      if (inFlight) throw new Error('a usage batch is already in flight');
      if (failure) {
        done(failure);
        return;
      }
      seq += 1;
      inFlight = { seq, done };
      worker.postMessage({ seq, batch });
    },
    settle() {
      if (!inFlight) return;
      Atomics.wait(outcome, 0, IDLE, SETTLE_TIMEOUT_MS);
      const result = Atomics.load(outcome, 0);
      finish(result === COMMITTED ? undefined : new Error(result === FAILED ? 'usage batch failed' : 'usage batch timed out'));
    },
  };

  let stopping: Promise<void> | undefined;
  return {
    committer,
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        committer.settle();
        const done = () => {
          void worker.terminate().then(() => resolve());
        };
        worker.on('message', (msg: unknown) => {
          if (msg === 'stopped') done();
        });
        worker.once('error', done);
        worker.once('exit', () => resolve());
        worker.postMessage('stop');
      });
      return stopping;
    },
  };
}
