import { createHash } from 'node:crypto';
import { GatewayError } from '../../../shared/errors.js';
import { IMAGE_TYPES, MAX_IMAGE_BYTES, type Attachment, type ImageType } from '../../../shared/control/conversations.js';
import type { Db } from '../usage/usage-db.js';

/** An image sent in the composer but never saved with a turn is kept this long (the answer may still be streaming). */
const UNSAVED_GRACE_MS = 24 * 60 * 60 * 1000;

const DATA_URL = /^data:([a-z0-9.+/-]+);base64,([A-Za-z0-9+/]*={0,2})$/i;

/** The leading bytes of each accepted type: what the bytes are, not what the page says they are. */
function isType(bytes: Buffer, type: ImageType): boolean {
  const ascii = (from: number, to: number) => bytes.toString('latin1', from, to);
  switch (type) {
    case 'image/png':
      return bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    case 'image/jpeg':
      return bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
    case 'image/gif':
      return ascii(0, 6) === 'GIF87a' || ascii(0, 6) === 'GIF89a';
    case 'image/webp':
      return ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP';
  }
}

const TYPE_NAMES: Record<ImageType, string> = { 'image/png': 'PNG', 'image/jpeg': 'JPEG', 'image/webp': 'WebP', 'image/gif': 'GIF' };

function invalid(message: string): GatewayError {
  return new GatewayError(400, 'invalid_attachment', message, { param: 'dataUrl' });
}

/** The bytes of an uploaded image, refused unless it is one of IMAGE_TYPES, really, and small enough for every provider. */
export function decodeImage(dataUrl: string): { mimeType: ImageType; bytes: Buffer } {
  const match = DATA_URL.exec(dataUrl);
  if (!match) throw invalid('An image must be sent as a base64 data URL (data:image/png;base64,…)');
  const mimeType = (match[1] as string).toLowerCase() as ImageType;
  if (!IMAGE_TYPES.includes(mimeType)) throw invalid(`Images must be PNG, JPEG, WebP or GIF, not ${mimeType}`);
  const bytes = Buffer.from(match[2] as string, 'base64');
  if (bytes.length === 0) throw invalid('The image is empty');
  if (bytes.length > MAX_IMAGE_BYTES) {
    throw new GatewayError(413, 'attachment_too_large', `The image is ${bytes.length} bytes; the most every provider accepts is ${MAX_IMAGE_BYTES} bytes (3.75 MiB)`, {
      limit_bytes: MAX_IMAGE_BYTES,
    });
  }
  if (!isType(bytes, mimeType)) throw invalid(`The file is not a ${TYPE_NAMES[mimeType]} image`);
  return { mimeType, bytes };
}

/**
 * Images of saved conversations, one row per distinct image (keyed by its SHA-256), apart from
 * the messages: a thread, its list and its search never read the bytes. conversation_attachments
 * says which conversations use an image, so it goes when the last one that did lets go of it.
 */
export class ChatAttachments {
  constructor(private readonly db: Db) {}

  save(name: string, dataUrl: string): Attachment {
    const { mimeType, bytes } = decodeImage(dataUrl);
    const id = createHash('sha256').update(bytes).digest('hex');
    // The same image again only renews its grace time.
    this.db
      .prepare(`INSERT INTO chat_attachments (id, mime_type, size, bytes, created_at) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT(id) DO UPDATE SET created_at = excluded.created_at`)
      .run(id, mimeType, bytes.length, bytes, Date.now());
    return { id, name: name.trim() || 'image', mimeType, size: bytes.length };
  }

  read(id: string): { mimeType: ImageType; bytes: Buffer } {
    const row = this.db.prepare('SELECT mime_type, bytes FROM chat_attachments WHERE id = ?').get(id) as { mime_type: ImageType; bytes: Buffer } | undefined;
    if (!row) throw new GatewayError(404, 'not_found', `No attachment "${id}"`);
    return { mimeType: row.mime_type, bytes: row.bytes };
  }

  dataUrl(id: string): string {
    const { mimeType, bytes } = this.read(id);
    return `data:${mimeType};base64,${bytes.toString('base64')}`;
  }

  /** Points `conversationId` at exactly these images; an image it no longer uses is dropped if nothing else does. */
  link(conversationId: string, ids: ReadonlySet<string>): void {
    const before = this.usedBy(conversationId);
    this.db.prepare('DELETE FROM conversation_attachments WHERE conversation_id = ?').run(conversationId);
    const insert = this.db.prepare('INSERT INTO conversation_attachments (attachment_id, conversation_id) VALUES (?, ?)');
    const exists = this.db.prepare('SELECT 1 FROM chat_attachments WHERE id = ?');
    for (const id of ids) {
      if (!exists.get(id)) {
        throw new GatewayError(400, 'invalid_request', `No attachment "${id}": upload it with POST /_app/api/attachments first`);
      }
      insert.run(id, conversationId);
    }
    this.prune(before);
  }

  /** Deletes `candidates` that no conversation uses, and every unsaved upload past its grace time. */
  prune(candidates: Iterable<string>): void {
    const unused = 'NOT EXISTS (SELECT 1 FROM conversation_attachments l WHERE l.attachment_id = chat_attachments.id)';
    const drop = this.db.prepare(`DELETE FROM chat_attachments WHERE id = ? AND ${unused}`);
    for (const id of candidates) drop.run(id);
    this.db.prepare(`DELETE FROM chat_attachments WHERE created_at < ? AND ${unused}`).run(Date.now() - UNSAVED_GRACE_MS);
  }

  /** The ids a conversation uses, read before it is deleted (the cascade takes the links with it). */
  usedBy(conversationId: string): string[] {
    return this.db.prepare('SELECT attachment_id FROM conversation_attachments WHERE conversation_id = ?').pluck().all(conversationId) as string[];
  }
}
