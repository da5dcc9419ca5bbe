import Database from 'better-sqlite3';
import { closeSync, fchmodSync, fstatSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';

export type Db = Database.Database;

/**
 * Versioned migrations: each runs once, in order, inside a transaction.
 * Times are stored as integer milliseconds since the epoch (cheap to index and compare).
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE app_keys (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    key_hash    BLOB NOT NULL UNIQUE,
    key_hint    TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    revoked_at  INTEGER,
    limit_usd   REAL,
    limit_period TEXT CHECK (limit_period IN ('daily','weekly','monthly','total')),
    disabled    INTEGER NOT NULL DEFAULT 0
  );
  CREATE UNIQUE INDEX app_keys_active_name ON app_keys(name) WHERE revoked_at IS NULL;

  CREATE TABLE requests (
    seq               INTEGER PRIMARY KEY,
    id                TEXT NOT NULL UNIQUE,
    created_at        INTEGER NOT NULL,
    app_key_id        INTEGER,
    app_key           TEXT,
    model             TEXT NOT NULL,
    provider          TEXT,
    upstream_model    TEXT,
    status            INTEGER NOT NULL,
    prompt_tokens     INTEGER NOT NULL DEFAULT 0,
    completion_tokens INTEGER NOT NULL DEFAULT 0,
    cached_tokens     INTEGER NOT NULL DEFAULT 0,
    cache_write_tokens INTEGER NOT NULL DEFAULT 0,
    reasoning_tokens  INTEGER NOT NULL DEFAULT 0,
    cost              REAL,
    latency_ms        REAL NOT NULL,
    ttft_ms           REAL,
    streamed          INTEGER NOT NULL,
    finish_reason     TEXT,
    error_code        TEXT,
    attempts          TEXT
  );
  CREATE INDEX requests_created_at ON requests(created_at);
  CREATE INDEX requests_app_key_created ON requests(app_key_id, created_at);

  CREATE TABLE daily_usage (
    day               TEXT NOT NULL,
    app_key           TEXT NOT NULL,
    model             TEXT NOT NULL,
    provider          TEXT NOT NULL,
    requests          INTEGER NOT NULL,
    errors            INTEGER NOT NULL,
    prompt_tokens     INTEGER NOT NULL,
    completion_tokens INTEGER NOT NULL,
    cached_tokens     INTEGER NOT NULL,
    cache_write_tokens INTEGER NOT NULL,
    reasoning_tokens  INTEGER NOT NULL,
    cost              REAL NOT NULL,
    unpriced_requests INTEGER NOT NULL,
    PRIMARY KEY (day, app_key, model, provider)
  ) WITHOUT ROWID;
  `,
  // Spend limits (policy/spend-ledger.ts): per-key per-UTC-day charges folded from `requests`
  // (day = created_at / 86400000), how far the fold got, and the holds of in-flight requests.
  `
  CREATE TABLE key_spend (
    app_key_id INTEGER NOT NULL,
    day        INTEGER NOT NULL,
    charged    REAL NOT NULL,
    PRIMARY KEY (app_key_id, day)
  ) WITHOUT ROWID;

  CREATE TABLE spend_fold (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    last_seq INTEGER NOT NULL
  );
  INSERT INTO spend_fold (id, last_seq) VALUES (1, 0);

  CREATE TABLE spend_reservations (
    request_id TEXT PRIMARY KEY,
    app_key_id INTEGER NOT NULL,
    amount     REAL NOT NULL,
    created_at INTEGER NOT NULL,
    owner      TEXT NOT NULL
  );
  CREATE INDEX spend_reservations_key ON spend_reservations(app_key_id, created_at);
  `,
  // Management keys (like OpenRouter's provisioning keys) see every key's /activity and /credits.
  `
  ALTER TABLE app_keys ADD COLUMN manage INTEGER NOT NULL DEFAULT 0;
  `,
  // 1 when the upstream did not report the tokens and the gateway counted them (usage/usage-estimate.ts).
  `
  ALTER TABLE requests ADD COLUMN usage_estimated INTEGER NOT NULL DEFAULT 0;
  `,
  // Privacy (policy/privacy-store.ts, policy/body-log.ts): global settings, each app key's
  // privacy settings, the egress audit of each request (policy applied, redaction counts,
  // never values) and the opt-in prompt/completion log, zlib-compressed, pruned when it expires.
  `
  CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
  ) WITHOUT ROWID;

  CREATE TABLE app_key_privacy (
    app_key_id INTEGER PRIMARY KEY REFERENCES app_keys(id),
    settings   TEXT NOT NULL
  );

  ALTER TABLE requests ADD COLUMN egress TEXT;

  CREATE TABLE request_bodies (
    request_id TEXT PRIMARY KEY,
    app_key_id INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    prompt     BLOB NOT NULL,
    completion BLOB
  );
  CREATE INDEX request_bodies_expires ON request_bodies(expires_at);
  CREATE INDEX request_bodies_key ON request_bodies(app_key_id);
  `,
  // Activity's filters (usage/activity-queries.ts) as index ranges: each index ends in the rowid
  // (seq), so "this key, older than seq N, newest first" is a walk of exactly one page however
  // few rows match. Without them a filter that matches little walked the whole log.
  // The status index is on the expression the Activity query tests, `(status >= 400)`.
  `
  CREATE INDEX requests_app_key ON requests(app_key);
  CREATE INDEX requests_model ON requests(model);
  CREATE INDEX requests_provider ON requests(provider);
  CREATE INDEX requests_failed ON requests(status >= 400);
  `,
  // Activity's time filter (usage/activity-queries.ts): per UTC hour of created_at, the lowest and
  // highest seq of the requests that started in it, kept by the writer in each batch. A time range
  // becomes a seq range walked in seq order; the created_at index would give the range in time
  // order, and every match would have to be sorted by seq before the first page.
  `
  CREATE TABLE request_hours (
    hour    INTEGER PRIMARY KEY,
    min_seq INTEGER NOT NULL,
    max_seq INTEGER NOT NULL
  );
  INSERT INTO request_hours (hour, min_seq, max_seq)
    SELECT created_at / 3600000, MIN(seq), MAX(seq) FROM requests GROUP BY 1;
  `,
  // Replays from the Activity screen (usage/replay-links.ts): the replay's row links to the request it replayed.
  `
  CREATE TABLE request_replays (
    request_id  TEXT PRIMARY KEY,
    original_id TEXT NOT NULL,
    created_at  INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX request_replays_original ON request_replays(original_id, created_at);
  `,
];

export function openDb(path: string, opts: { readonly?: boolean } = {}): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  if (path !== ':memory:' && !opts.readonly) makePrivate(path);
  const db = new Database(path, { readonly: opts.readonly ?? false });
  db.pragma('busy_timeout = 5000');
  if (opts.readonly) return db;
  db.pragma('journal_mode = WAL');
  // WAL + NORMAL: commits do not fsync; only checkpoints do, and those run off the event loop.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  // Deleted rows are overwritten, not just unlinked: pruned prompt logs must really be gone.
  db.pragma('secure_delete = ON');
  migrate(db);
  return db;
}

/**
 * App key hashes and the request log are the user's alone, whatever the umask or the data dir's
 * mode. SQLite creates the -wal and -shm files with the database file's mode, so they follow.
 */
function makePrivate(path: string): void {
  const fd = openSync(path, 'a', 0o600);
  try {
    if ((fstatSync(fd).mode & 0o077) !== 0) fchmodSync(fd, 0o600);
  } finally {
    closeSync(fd);
  }
}

function migrate(db: Db): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)');
  const applied = db.prepare('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations').get() as { v: number };
  const run = db.transaction((version: number, sql: string) => {
    // Another process may have migrated between our read and this write lock.
    const again = db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?').get(version);
    if (again) return;
    db.exec(sql);
    db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(version, Date.now());
  });
  MIGRATIONS.forEach((sql, index) => {
    const version = index + 1;
    if (version > applied.v) run.immediate(version, sql);
  });
}

export const SCHEMA_VERSION = MIGRATIONS.length;
