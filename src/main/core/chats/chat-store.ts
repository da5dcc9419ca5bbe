import { randomUUID } from 'node:crypto';
import { GatewayError } from '../../../shared/errors.js';
import {
  chatMessageSchema,
  type ChatMessage,
  type Conversation,
  type ConversationSummary,
  type ConversationTotals,
} from '../../../shared/control/conversations.js';
import type { Db } from '../usage/usage-db.js';
import { ChatAttachments } from './chat-attachments.js';
import { migrateChats } from './chat-db.js';

interface SummaryRow {
  id: string;
  title: string;
  model: string;
  created_at: number;
  updated_at: number;
  message_count: number;
}

const SUMMARY = `SELECT c.id, c.title, c.model, c.created_at, c.updated_at,
  (SELECT COUNT(*) FROM conversation_messages m WHERE m.conversation_id = c.id) AS message_count
  FROM conversations c`;

function summary(row: SummaryRow): ConversationSummary {
  return { id: row.id, title: row.title, model: row.model, createdAt: row.created_at, updatedAt: row.updated_at, messageCount: row.message_count };
}

function totalsOf(messages: readonly ChatMessage[]): ConversationTotals {
  let tokens = 0;
  let cost: number | null = 0;
  for (const { meta } of messages) {
    if (!meta) continue;
    tokens += (meta.promptTokens ?? 0) + (meta.completionTokens ?? 0);
    cost = cost === null || meta.cost === null ? null : cost + meta.cost;
  }
  return { tokens, cost };
}

/** `%`, `_` and `\` are literal in a search. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function notFound(id: string): GatewayError {
  return new GatewayError(404, 'not_found', `No conversation "${id}"`);
}

/** Conversations saved from the chat screen, newest first; a thread is written whole after each turn. */
export class ChatStore {
  readonly attachments: ChatAttachments;

  constructor(private readonly db: Db) {
    migrateChats(db);
    this.attachments = new ChatAttachments(db);
    // Images uploaded for a turn that was never saved (the app quit mid-answer) go at the next start.
    this.attachments.prune([]);
  }

  list(opts: { query?: string; limit?: number } = {}): ConversationSummary[] {
    const limit = Math.min(Math.max(opts.limit ?? 200, 1), 1000);
    const query = opts.query?.trim();
    const rows = query
      ? (this.db
          .prepare(`${SUMMARY} WHERE c.title LIKE ? ESCAPE '\\' OR EXISTS (SELECT 1 FROM conversation_messages m
              WHERE m.conversation_id = c.id AND m.content LIKE ? ESCAPE '\\') ORDER BY c.updated_at DESC LIMIT ?`)
          .all(likePattern(query), likePattern(query), limit) as SummaryRow[])
      : (this.db.prepare(`${SUMMARY} ORDER BY c.updated_at DESC LIMIT ?`).all(limit) as SummaryRow[]);
    return rows.map(summary);
  }

  create(opts: { title?: string; model: string }): Conversation {
    const id = randomUUID();
    const now = Date.now();
    this.db
      .prepare('INSERT INTO conversations (id, title, model, created_at, updated_at) VALUES (?, ?, ?, ?, ?)')
      .run(id, opts.title?.trim() || 'New chat', opts.model, now, now);
    return this.get(id);
  }

  get(id: string): Conversation {
    const row = this.db.prepare(`${SUMMARY} WHERE c.id = ?`).get(id) as SummaryRow | undefined;
    if (!row) throw notFound(id);
    const messages = (this.db
      .prepare('SELECT message FROM conversation_messages WHERE conversation_id = ? ORDER BY position')
      .pluck()
      .all(id) as string[]).flatMap((text) => {
      // A row written by a newer version that this one cannot read is skipped, not fatal.
      const parsed = chatMessageSchema.safeParse(JSON.parse(text));
      return parsed.success ? [parsed.data] : [];
    });
    return { ...summary(row), messages, totals: totalsOf(messages) };
  }

  update(id: string, change: { title?: string; model?: string }): Conversation {
    const current = this.get(id);
    this.db
      .prepare('UPDATE conversations SET title = ?, model = ?, updated_at = ? WHERE id = ?')
      .run(change.title?.trim() || current.title, change.model ?? current.model, Date.now(), id);
    return this.get(id);
  }

  replaceMessages(id: string, messages: readonly ChatMessage[]): Conversation {
    this.get(id);
    const write = this.db.transaction(() => {
      this.db.prepare('DELETE FROM conversation_messages WHERE conversation_id = ?').run(id);
      const insert = this.db.prepare('INSERT INTO conversation_messages (conversation_id, position, content, message) VALUES (?, ?, ?, ?)');
      messages.forEach((message, position) => insert.run(id, position, message.content, JSON.stringify(message)));
      this.attachments.link(id, new Set(messages.flatMap((m) => m.attachments?.map((a) => a.id) ?? [])));
      this.db.prepare('UPDATE conversations SET updated_at = ? WHERE id = ?').run(Date.now(), id);
    });
    write.immediate();
    return this.get(id);
  }

  remove(id: string): void {
    const remove = this.db.transaction(() => {
      const images = this.attachments.usedBy(id);
      const info = this.db.prepare('DELETE FROM conversations WHERE id = ?').run(id);
      if (info.changes === 0) throw notFound(id);
      this.attachments.prune(images);
    });
    remove.immediate();
  }
}
