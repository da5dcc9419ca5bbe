import type Database from 'better-sqlite3';

export interface RecordedStatement {
  source: string;
  args: unknown[];
}

type Preparer = Pick<Database.Database, 'prepare'>;

/**
 * Records the statements run through `target` (a connection, or `Database.prototype` for every
 * connection, the gateway's own included) with their arguments, while `recording` is on, so a
 * query's plan can be asked for exactly as the product ran it. Only statements prepared after
 * this call are seen: install it before the code under test prepares its statements.
 */
export function recordStatements(target: Preparer): { recording: boolean; take(): RecordedStatement[]; restore(): void } {
  const recorded: RecordedStatement[] = [];
  const prepare = target.prepare;
  const recorder = {
    recording: false,
    take: () => recorded.splice(0),
    restore: () => {
      target.prepare = prepare;
    },
  };
  target.prepare = function (this: Database.Database, source: string) {
    const statement = prepare.call(this, source);
    for (const method of ['all', 'get', 'run', 'iterate'] as const) {
      const original = statement[method].bind(statement) as (...args: unknown[]) => unknown;
      (statement as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
        if (recorder.recording) recorded.push({ source, args });
        return original(...args);
      };
    }
    return statement;
  } as Preparer['prepare'];
  return recorder;
}

/** Whether a statement reads the usage log or its rollups (what the screens' speed rests on). */
export function readsUsage(statement: RecordedStatement): boolean {
  return /\b(requests|request_hours|daily_usage|key_spend|spend_reservations)\b/.test(statement.source) && !/^\s*(EXPLAIN|PRAGMA)/.test(statement.source);
}

/** The plan's lines of one recorded statement, asked of `db` with the arguments it ran with. */
export function queryPlan(db: Database.Database, statement: RecordedStatement): string[] {
  return (db.prepare(`EXPLAIN QUERY PLAN ${statement.source}`).all(...statement.args) as { detail: string }[]).map((r) => r.detail);
}

/** One line of SQL, for reports and messages. */
export function oneLine(source: string): string {
  return source.replace(/\s+/g, ' ').trim();
}
