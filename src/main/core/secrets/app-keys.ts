import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { DataVersionWatch } from '../usage/data-version.js';
import type { Db } from '../usage/usage-db.js';
import { UI_APP_KEY_NAME } from './ui-app-key.js';

export const APP_KEY_PREFIX = 'sk-sy-';
const APP_KEY_PATTERN = /^sk-sy-[A-Za-z0-9_-]{43}$/;

export type LimitPeriod = 'daily' | 'weekly' | 'monthly' | 'total';

export interface AppKey {
  id: number;
  name: string;
  /** Last characters of the key, enough to recognise it in a list. */
  hint: string;
  createdAt: number;
  revokedAt: number | null;
  limitUsd: number | null;
  limitPeriod: LimitPeriod | null;
  disabled: boolean;
  /** A management key reads every key's activity and spend; the others only their own. */
  manage: boolean;
}

interface AppKeyDb {
  id: number;
  name: string;
  key_hash: Buffer;
  key_hint: string;
  created_at: number;
  revoked_at: number | null;
  limit_usd: number | null;
  limit_period: LimitPeriod | null;
  disabled: number;
  manage: number;
}

function fromDb(r: AppKeyDb): AppKey {
  return {
    id: r.id,
    name: r.name,
    hint: r.key_hint,
    createdAt: r.created_at,
    revokedAt: r.revoked_at,
    limitUsd: r.limit_usd,
    limitPeriod: r.limit_period,
    disabled: r.disabled === 1,
    manage: r.manage === 1,
  };
}

/** App keys are 256-bit random, so a single SHA-256 is a safe verifier (no password stretching needed). */
function hashKey(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}

export class AppKeyError extends Error {
  override readonly name = 'AppKeyError';
}

function assertLimit(limitUsd: number): void {
  if (!(Number.isFinite(limitUsd) && limitUsd >= 0)) throw new AppKeyError('--limit must be a non-negative number of USD');
}

/** How long a verified key is trusted before the store checks whether another process changed the keys. */
const RECHECK_MS = 100;
const MAX_CACHED_KEYS = 1024;

export class AppKeyStore {
  private readonly byHash;
  private readonly byId;
  private readonly dataVersion: DataVersionWatch;
  /**
   * Keys verified against their stored hash, by the key as presented, so the hot path skips both
   * SQLite and the SHA-256 (a few µs on every request). The process holds each presented key in
   * memory while it serves the request anyway; only keys that matched an active row are kept.
   * Cleared when this connection writes keys and when SQLite's data_version says another
   * connection (the CLI) committed: a revoke or a new limit takes effect within RECHECK_MS.
   */
  private readonly verified = new Map<string, AppKey>();

  constructor(private readonly db: Db) {
    this.byHash = db.prepare('SELECT * FROM app_keys WHERE key_hash = ?');
    // Read after every committed usage batch (spend-limit notices), so prepared once.
    this.byId = db.prepare('SELECT * FROM app_keys WHERE id = ?');
    this.dataVersion = new DataVersionWatch(db, RECHECK_MS);
  }

  private dropStaleCache(): void {
    if (this.dataVersion.changed()) this.verified.clear();
  }

  /** Own writes: data_version only counts other connections' commits. */
  private changed(): void {
    this.verified.clear();
  }

  create(opts: { name: string; limitUsd?: number; limitPeriod?: LimitPeriod; manage?: boolean }): { key: string; appKey: AppKey } {
    const name = opts.name.trim();
    if (!/^[\w.@:-]{1,64}$/.test(name)) {
      throw new AppKeyError('app key names are 1-64 characters: letters, digits, "_", "-", ".", "@" or ":"');
    }
    if (opts.limitUsd !== undefined) assertLimit(opts.limitUsd);
    const key = APP_KEY_PREFIX + randomBytes(32).toString('base64url');
    const insert = this.db.prepare(`INSERT INTO app_keys (name, key_hash, key_hint, created_at, limit_usd, limit_period, manage)
      VALUES (?, ?, ?, ?, ?, ?, ?)`);
    try {
      const info = insert.run(name, hashKey(key), key.slice(-4), Date.now(), opts.limitUsd ?? null,
        opts.limitUsd === undefined ? null : (opts.limitPeriod ?? 'total'), opts.manage ? 1 : 0);
      return { key, appKey: this.getById(Number(info.lastInsertRowid)) as AppKey };
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
        throw new AppKeyError(`an active app key named "${name}" already exists`);
      }
      throw err;
    }
  }

  /** The active key matching `presented`, or undefined. */
  verify(presented: string): AppKey | undefined {
    if (!APP_KEY_PATTERN.test(presented)) return undefined;
    this.dropStaleCache();
    const cached = this.verified.get(presented);
    if (cached) return cached;
    const hash = hashKey(presented);
    const row = this.byHash.get(hash) as AppKeyDb | undefined;
    if (!row || !timingSafeEqual(row.key_hash, hash)) return undefined;
    if (row.revoked_at !== null || row.disabled === 1) return undefined;
    const key = fromDb(row);
    if (this.verified.size >= MAX_CACHED_KEYS) this.verified.clear();
    this.verified.set(presented, key);
    return key;
  }

  getById(id: number): AppKey | undefined {
    const row = this.byId.get(id) as AppKeyDb | undefined;
    return row && fromDb(row);
  }

  list(opts: { includeRevoked?: boolean } = {}): AppKey[] {
    const sql = `SELECT * FROM app_keys ${opts.includeRevoked ? '' : 'WHERE revoked_at IS NULL'} ORDER BY id`;
    return (this.db.prepare(sql).all() as AppKeyDb[]).map(fromDb);
  }

  /** Sets or (with null) removes the spend limit of the active key `name`; the period defaults to the key's current one, else `total`. */
  setLimit(name: string, limitUsd: number | null, limitPeriod?: LimitPeriod): AppKey {
    if (limitUsd !== null) assertLimit(limitUsd);
    const key = this.active(name);
    const period = limitUsd === null ? null : (limitPeriod ?? key.limitPeriod ?? 'total');
    this.db.prepare('UPDATE app_keys SET limit_usd = ?, limit_period = ? WHERE id = ?').run(limitUsd, period, key.id);
    this.changed();
    return this.getById(key.id) as AppKey;
  }

  /** A disabled key is refused like a revoked one, but can be enabled again. */
  setDisabled(name: string, disabled: boolean): AppKey {
    const key = this.active(name);
    this.db.prepare('UPDATE app_keys SET disabled = ? WHERE id = ?').run(disabled ? 1 : 0, key.id);
    this.changed();
    return this.getById(key.id) as AppKey;
  }

  private active(name: string): AppKey {
    const row = this.db.prepare('SELECT * FROM app_keys WHERE name = ? AND revoked_at IS NULL').get(name) as AppKeyDb | undefined;
    if (!row) throw new AppKeyError(`no active app key named "${name}"`);
    return fromDb(row);
  }

  /** The UI's built-in key can be limited or disabled but not revoked: the UI would lose its chats' key. */
  revoke(name: string): boolean {
    if (name === UI_APP_KEY_NAME) throw new AppKeyError(`"${UI_APP_KEY_NAME}" is the UI's built-in key: limit or disable it instead`);
    const info = this.db
      .prepare('UPDATE app_keys SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL')
      .run(Date.now(), name);
    this.changed();
    return info.changes > 0;
  }
}
