import { randomBytes } from 'node:crypto';
import type { LimitPeriod } from '../secrets/app-keys.js';
import type { Db } from '../usage/usage-db.js';
import type { UsageRecord } from '../usage/usage-record.js';
import type { UsageWriter } from '../usage/usage-writer.js';
import { LIMIT_CHARGE_SQL, limitCharge } from './limit-charge.js';
import { DAY_MS, periodStart, utcDayNumber } from './limit-period.js';

/** Float sums of many prices drift by far less than this; it keeps "exactly the limit" affordable. */
const USD_EPSILON = 1e-9;
/** A reservation this old belongs to no live request (none runs for a day). */
const STALE_RESERVATION_MS = DAY_MS;

export type ReserveOutcome =
  | { ok: true }
  | {
      ok: false;
      /** Charged in the current period (committed rows plus settled reservations). */
      spent: number;
      /** Still held by requests in flight. */
      held: number;
    };

export interface KeySpend {
  total: number;
  daily: number;
  weekly: number;
  monthly: number;
}

/**
 * Folds the requests committed since the last fold into `key_spend` and drops their reservations.
 * Parameterless SQL, in order, in one transaction: the usage writer runs it inside each batch's
 * commit, and `SpendLedger.fold` on its own to catch up.
 */
const FOLD_STATEMENTS = [
  `INSERT INTO key_spend (app_key_id, day, charged)
    SELECT app_key_id, CAST(created_at / ${DAY_MS} AS INTEGER), SUM(${LIMIT_CHARGE_SQL}) FROM requests
    WHERE seq > (SELECT last_seq FROM spend_fold WHERE id = 1) AND app_key_id IS NOT NULL GROUP BY 1, 2
    ON CONFLICT (app_key_id, day) DO UPDATE SET charged = charged + excluded.charged`,
  `DELETE FROM spend_reservations WHERE request_id IN
    (SELECT id FROM requests WHERE seq > (SELECT last_seq FROM spend_fold WHERE id = 1))`,
  `UPDATE spend_fold SET last_seq = (SELECT MAX(seq) FROM requests)
    WHERE id = 1 AND (SELECT MAX(seq) FROM requests) > last_seq`,
] as const;

/**
 * Spend-limit bookkeeping in the usage database.
 *
 * - `key_spend` is a per-key, per-UTC-day running total of limit charges (`limitCharge`),
 *   so a period's spend is a sum over at most a month of rows. It is folded from the
 *   `requests` table inside every batch's commit, tracked by `spend_fold.last_seq`, so a
 *   fold that failed (rolled back to its savepoint while the rows committed) is caught up by
 *   the next batch, or at start and close.
 * - `spend_reservations` holds one row per in-flight request of a limited key: its cost
 *   ceiling until it finishes, then its real charge (0 for failures) until its usage row is
 *   folded, which deletes it in the same transaction. A reservation counts in the period it
 *   was made in, as its request's row (created when the request started) will.
 *
 * `reserve` checks and inserts inside one BEGIN IMMEDIATE transaction: another process on the
 * same database (a second server, the CLI) cannot interleave between the check and the insert.
 */
export class SpendLedger {
  readonly now: () => number;
  /** Marks this process's reservations so a restart can drop those of a dead one. */
  private readonly owner = `${process.pid}:${randomBytes(6).toString('hex')}`;
  private readonly reserveTx: (appKeyId: number, sinceMs: number, limit: number, amount: number, requestId: string) => ReserveOutcome;
  private readonly settleStmt;
  private readonly foldTx: () => void;
  private readonly spendStmt;
  private readonly heldStmt;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(private readonly writer: UsageWriter, opts: { now?: () => number } = {}) {
    const db: Db = writer.database;
    this.now = opts.now ?? Date.now;

    const settled = db.prepare('SELECT COALESCE(SUM(charged), 0) AS usd FROM key_spend WHERE app_key_id = ? AND day >= ?');
    const held = db.prepare('SELECT COALESCE(SUM(amount), 0) AS usd FROM spend_reservations WHERE app_key_id = ? AND created_at >= ?');
    const insert = db.prepare(`INSERT INTO spend_reservations (request_id, app_key_id, amount, created_at, owner)
      VALUES (?, ?, ?, ?, ?)`);
    const reserve = db.transaction((appKeyId: number, sinceMs: number, limit: number, amount: number, requestId: string) => {
      const spent = (settled.get(appKeyId, utcDayNumber(sinceMs)) as { usd: number }).usd;
      const open = (held.get(appKeyId, sinceMs) as { usd: number }).usd;
      const committed = spent + open;
      if (committed >= limit || committed + amount > limit + USD_EPSILON) {
        return { ok: false, spent, held: open } satisfies ReserveOutcome;
      }
      insert.run(requestId, appKeyId, amount, this.now(), this.owner);
      return { ok: true } satisfies ReserveOutcome;
    });
    this.reserveTx = (...args) => reserve.immediate(...args);

    this.settleStmt = db.prepare('UPDATE spend_reservations SET amount = ? WHERE request_id = ?');

    const foldSteps = FOLD_STATEMENTS.map((sql) => db.prepare(sql));
    const fold = db.transaction(() => {
      for (const step of foldSteps) step.run();
    });
    this.foldTx = () => fold.immediate();

    this.spendStmt = db.prepare(`SELECT COALESCE(SUM(charged), 0) AS total,
        COALESCE(SUM(CASE WHEN day >= @daily THEN charged END), 0) AS daily,
        COALESCE(SUM(CASE WHEN day >= @weekly THEN charged END), 0) AS weekly,
        COALESCE(SUM(CASE WHEN day >= @monthly THEN charged END), 0) AS monthly
      FROM key_spend WHERE app_key_id = @appKeyId`);

    this.heldStmt = held;

    this.dropStaleReservations(db);
    this.fold();
    // Each batch folds its own rows in its transaction: committed rows and their charges land together.
    writer.addFollowUp(FOLD_STATEMENTS);
  }

  /**
   * Holds `amount` against the key's limit for the current period, or refuses without holding
   * anything when the period's charges, the key's open reservations and `amount` would exceed it.
   */
  reserve(requestId: string, appKeyId: number, limit: number, period: LimitPeriod, amount: number): ReserveOutcome {
    return this.reserveTx(appKeyId, periodStart(period, this.now()), limit, amount, requestId);
  }

  /** The request ended: its reservation shrinks to what it really charges until its row is folded. */
  settle(row: UsageRecord): void {
    try {
      this.settleStmt.run(limitCharge(row), row.id);
    } catch {
      // The ceiling stays held until the row's fold deletes the reservation: safe, only less precise.
    }
  }

  /** Folds committed rows into the per-day totals; retried shortly when the database is busy. */
  fold(): void {
    try {
      this.foldTx();
    } catch {
      this.retryTimer ??= setTimeout(() => {
        this.retryTimer = undefined;
        this.fold();
      }, 250).unref();
    }
  }

  /** Charges of the key so far, per OpenRouter period, including rows not yet committed. */
  spend(appKeyId: number): KeySpend {
    const now = this.now();
    const days = {
      daily: utcDayNumber(periodStart('daily', now)),
      weekly: utcDayNumber(periodStart('weekly', now)),
      monthly: utcDayNumber(periodStart('monthly', now)),
    };
    const { committed, pending } = this.writer.withPending(() => this.spendStmt.get({ appKeyId, ...days }) as KeySpend);
    const out = { ...committed };
    for (const row of pending) {
      if (row.appKeyId !== appKeyId) continue;
      const charge = limitCharge(row);
      const day = utcDayNumber(row.createdAt);
      out.total += charge;
      if (day >= days.daily) out.daily += charge;
      if (day >= days.weekly) out.weekly += charge;
      if (day >= days.monthly) out.monthly += charge;
    }
    return out;
  }

  /** Still held against the key's limit by requests in flight, in the period containing now. */
  held(appKeyId: number, period: LimitPeriod): number {
    return (this.heldStmt.get(appKeyId, periodStart(period, this.now())) as { usd: number }).usd;
  }

  /** Drops what this process still holds (nothing, once every request has finished). */
  close(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.fold();
    this.writer.database.prepare('DELETE FROM spend_reservations WHERE owner = ?').run(this.owner);
  }

  /** Reservations of processes that died mid-request would otherwise hold budget forever. */
  private dropStaleReservations(db: Db): void {
    const owners = db.prepare('SELECT DISTINCT owner FROM spend_reservations').pluck().all() as string[];
    const drop = db.prepare('DELETE FROM spend_reservations WHERE owner = ?');
    for (const owner of owners) if (!processAlive(Number.parseInt(owner, 10))) drop.run(owner);
    db.prepare('DELETE FROM spend_reservations WHERE created_at < ?').run(this.now() - STALE_RESERVATION_MS);
  }
}

function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as { code?: string }).code === 'EPERM';
  }
}
