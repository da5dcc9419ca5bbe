import type { Db } from './usage-db.js';

/** Which logged request a replay replayed; read both ways for the Activity detail. */
export class ReplayLinks {
  private readonly insert;
  private readonly original;
  private readonly replays;

  constructor(db: Db) {
    this.insert = db.prepare('INSERT OR IGNORE INTO request_replays (request_id, original_id, created_at) VALUES (?, ?, ?)');
    this.original = db.prepare('SELECT original_id FROM request_replays WHERE request_id = ?').pluck();
    this.replays = db.prepare('SELECT request_id FROM request_replays WHERE original_id = ? ORDER BY created_at').pluck();
  }

  link(replayId: string, originalId: string, at: number): void {
    this.insert.run(replayId, originalId, at);
  }

  originalOf(requestId: string): string | null {
    return (this.original.get(requestId) as string | undefined) ?? null;
  }

  replaysOf(requestId: string): string[] {
    return this.replays.all(requestId) as string[];
  }
}
