import type { Db } from './usage-db.js';

/**
 * Whether another connection (the CLI, another process) committed to the database since the
 * last look, asking SQLite's data_version at most every `recheckMs`: caches on the request path
 * drop their entries when it says so, and a change made elsewhere applies within `recheckMs`.
 */
export class DataVersionWatch {
  private readonly version;
  private seen: unknown;
  private checkedAt = 0;

  constructor(db: Db, private readonly recheckMs = 100, private readonly now: () => number = Date.now) {
    this.version = db.prepare('PRAGMA data_version').pluck();
  }

  changed(): boolean {
    const now = this.now();
    if (now - this.checkedAt < this.recheckMs) return false;
    this.checkedAt = now;
    const version = this.version.get();
    if (version === this.seen) return false;
    this.seen = version;
    return true;
  }
}
