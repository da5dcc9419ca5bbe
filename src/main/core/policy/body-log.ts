import type { ServerResponse } from 'node:http';
import { deflateSync, inflateSync } from 'node:zlib';
import type { AppKey } from '../secrets/app-keys.js';
import type { RequestLog } from '../usage/request-log.js';
import type { Db } from '../usage/usage-db.js';
import type { PrivacyStore } from './privacy-store.js';

const DAY_MS = 86_400_000;
/** A logged answer longer than this is cut: the log is a record, not an archive. */
const MAX_COMPLETION_BYTES = 4 * 1024 * 1024;

/** The text kept for one request whose app key opted in, before compression. */
export interface CapturedBodies {
  prompt: string;
  completion: () => string;
  retentionDays: number;
}

/** As stored: zlib-deflated, with the instant it is pruned. */
export interface StoredBodies {
  prompt: Buffer;
  completion: Buffer;
  expiresAt: number;
}

/**
 * Prompt and completion logging, off unless the app key opted in. Then the request as it went
 * upstream (after redaction) and the bytes the client received (with restored values masked
 * again) are kept, compressed, until the key's retention period ends. Keys that did not opt in pay one settings lookup (cached).
 */
export function captureBodies(
  privacy: PrivacyStore,
  appKey: AppKey,
  log: RequestLog,
  body: unknown,
  res: ServerResponse,
  placeholders?: ReadonlyMap<string, string>,
): void {
  const logging = privacy.forKey(appKey.id).logging;
  if (!logging.bodies) return;
  const chunks: Buffer[] = [];
  let size = 0;
  const tee = (chunk: unknown, encoding: unknown) => {
    if (size >= MAX_COMPLETION_BYTES || (typeof chunk !== 'string' && !(chunk instanceof Uint8Array))) return;
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8') : Buffer.from(chunk);
    chunks.push(buf);
    size += buf.length;
  };
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  res.write = ((chunk: unknown, ...rest: unknown[]) => {
    tee(chunk, rest[0]);
    return write(chunk, ...rest);
  }) as ServerResponse['write'];
  res.end = ((chunk?: unknown, ...rest: unknown[]) => {
    tee(chunk, rest[0]);
    return end(chunk, ...rest);
  }) as ServerResponse['end'];
  log.bodies = {
    prompt: JSON.stringify(body),
    completion: () => withPlaceholders(Buffer.concat(chunks).toString('utf8', 0, Math.min(size, MAX_COMPLETION_BYTES)), placeholders),
    retentionDays: logging.retentionDays,
  };
}

/**
 * The answer as logged when the key redacts: values the client got back restored are put back
 * behind their placeholders, so the log holds no more than what left this machine.
 */
function withPlaceholders(text: string, placeholders: ReadonlyMap<string, string> | undefined): string {
  if (!placeholders) return text;
  let out = text;
  for (const [placeholder, value] of placeholders) {
    out = out.replaceAll(value, placeholder).replaceAll(JSON.stringify(value).slice(1, -1), placeholder);
  }
  return out;
}

export function compressBodies(captured: CapturedBodies, createdAt: number): StoredBodies {
  return {
    prompt: deflateSync(captured.prompt),
    completion: deflateSync(captured.completion()),
    expiresAt: createdAt + captured.retentionDays * DAY_MS,
  };
}

export interface LoggedExchange {
  request_id: string;
  created_at: string;
  expires_at: string;
  prompt: string;
  completion: string;
}

/**
 * The stored bodies: read, pruned when they expire, deleted per key. Every delete is followed by
 * a TRUNCATE checkpoint, and connections run with secure_delete (usage/usage-db.ts), so the text
 * is gone from the database file and the WAL, not only unlinked.
 */
export class BodyLog {
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly db: Db, private readonly now: () => number = Date.now) {}

  history(appKeyId: number, limit = 100): LoggedExchange[] {
    const rows = this.db
      .prepare('SELECT request_id, created_at, expires_at, prompt, completion FROM request_bodies WHERE app_key_id = ? ORDER BY created_at DESC LIMIT ?')
      .all(appKeyId, limit) as { request_id: string; created_at: number; expires_at: number; prompt: Buffer; completion: Buffer | null }[];
    return rows.map((r) => ({
      request_id: r.request_id,
      created_at: new Date(r.created_at).toISOString(),
      expires_at: new Date(r.expires_at).toISOString(),
      prompt: inflateSync(r.prompt).toString('utf8'),
      completion: r.completion ? inflateSync(r.completion).toString('utf8') : '',
    }));
  }

  /** One request's logged prompt and answer, while they are kept. */
  exchange(requestId: string): { prompt: string; completion: string } | undefined {
    const row = this.db.prepare('SELECT prompt, completion FROM request_bodies WHERE request_id = ? AND expires_at > ?').get(requestId, this.now()) as
      | { prompt: Buffer; completion: Buffer | null }
      | undefined;
    if (!row) return undefined;
    return { prompt: inflateSync(row.prompt).toString('utf8'), completion: row.completion ? inflateSync(row.completion).toString('utf8') : '' };
  }

  /** Deletes what has expired; returns how many exchanges went. */
  prune(): number {
    return this.deleted(this.db.prepare('DELETE FROM request_bodies WHERE expires_at <= ?').run(this.now()).changes);
  }

  /** Deletes every logged exchange of one app key. */
  forget(appKeyId: number): number {
    return this.deleted(this.db.prepare('DELETE FROM request_bodies WHERE app_key_id = ?').run(appKeyId).changes);
  }

  /** Prunes now and then every `intervalMs`, off the request path. */
  start(intervalMs = 10 * 60_000): void {
    this.prune();
    this.timer = setInterval(() => this.prune(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private deleted(count: number): number {
    if (count > 0) this.db.pragma('wal_checkpoint(TRUNCATE)');
    return count;
  }
}
