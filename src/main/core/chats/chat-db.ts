import type { Db } from '../usage/usage-db.js';

/**
 * Saved conversations live in the usage database (one file to back up) with their own
 * migration track, so they version independently of the request log's schema.
 */
const CHAT_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE conversations (
    id         TEXT PRIMARY KEY,
    title      TEXT NOT NULL,
    model      TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE INDEX conversations_updated ON conversations(updated_at);

  CREATE TABLE conversation_messages (
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    position        INTEGER NOT NULL,
    content         TEXT NOT NULL,
    message         TEXT NOT NULL,
    PRIMARY KEY (conversation_id, position)
  ) WITHOUT ROWID;
  `,
  // Images apart from the messages, so listing, searching and opening a thread never read them.
  `
  CREATE TABLE chat_attachments (
    id         TEXT PRIMARY KEY,
    mime_type  TEXT NOT NULL,
    size       INTEGER NOT NULL,
    bytes      BLOB NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX chat_attachments_created ON chat_attachments(created_at);

  CREATE TABLE conversation_attachments (
    attachment_id   TEXT NOT NULL,
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    PRIMARY KEY (attachment_id, conversation_id)
  ) WITHOUT ROWID;
  CREATE INDEX conversation_attachments_conversation ON conversation_attachments(conversation_id);
  `,
];

export function migrateChats(db: Db): void {
  db.exec('CREATE TABLE IF NOT EXISTS chat_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)');
  const run = db.transaction((version: number, sql: string) => {
    if (db.prepare('SELECT 1 FROM chat_migrations WHERE version = ?').get(version)) return;
    db.exec(sql);
    db.prepare('INSERT INTO chat_migrations (version, applied_at) VALUES (?, ?)').run(version, Date.now());
  });
  CHAT_MIGRATIONS.forEach((sql, index) => run.immediate(index + 1, sql));
}
