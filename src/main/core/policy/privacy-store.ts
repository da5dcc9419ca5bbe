import {
  DEFAULT_KEY_PRIVACY,
  keyPrivacySchema,
  OPEN_RULES,
  privacyRulesSchema,
  type KeyPrivacy,
  type KeyPrivacyPatch,
  type PrivacyRules,
} from '../../../shared/privacy.js';
import type { Db } from '../usage/usage-db.js';

const GLOBAL_KEY = 'privacy.rules';
/** How long cached settings are trusted before checking whether another process (the CLI) changed them. */
const RECHECK_MS = 100;

/**
 * Global privacy rules and each app key's privacy settings, in SQLite. Reads are cached so the
 * request path does no SQL; SQLite's data_version tells when another connection committed, so a
 * change made by the CLI applies within RECHECK_MS.
 */
export class PrivacyStore {
  private globalRules: PrivacyRules | undefined;
  private readonly keys = new Map<number, KeyPrivacy>();
  private readonly dataVersion;
  private seenVersion: unknown;
  private checkedAt = 0;

  constructor(private readonly db: Db, private readonly now: () => number = Date.now) {
    this.dataVersion = db.prepare('PRAGMA data_version').pluck();
  }

  global(): PrivacyRules {
    this.dropStale();
    if (!this.globalRules) {
      const raw = this.db.prepare('SELECT value FROM settings WHERE key = ?').pluck().get(GLOBAL_KEY) as string | undefined;
      this.globalRules = raw === undefined ? OPEN_RULES : privacyRulesSchema.parse(JSON.parse(raw));
    }
    return this.globalRules;
  }

  setGlobal(patch: Partial<PrivacyRules>): PrivacyRules {
    const next = privacyRulesSchema.parse({ ...this.global(), ...patch });
    this.db
      .prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
      .run(GLOBAL_KEY, JSON.stringify(next));
    this.globalRules = next;
    return next;
  }

  forKey(appKeyId: number): KeyPrivacy {
    this.dropStale();
    let settings = this.keys.get(appKeyId);
    if (!settings) {
      const raw = this.db.prepare('SELECT settings FROM app_key_privacy WHERE app_key_id = ?').pluck().get(appKeyId) as string | undefined;
      settings = raw === undefined ? DEFAULT_KEY_PRIVACY : keyPrivacySchema.parse(JSON.parse(raw));
      this.keys.set(appKeyId, settings);
    }
    return settings;
  }

  setForKey(appKeyId: number, patch: KeyPrivacyPatch): KeyPrivacy {
    const current = this.forKey(appKeyId);
    const next = keyPrivacySchema.parse({
      rules: { ...current.rules, ...patch.rules },
      logging: { ...current.logging, ...patch.logging },
      redaction: { ...current.redaction, ...patch.redaction },
    });
    this.db
      .prepare('INSERT INTO app_key_privacy (app_key_id, settings) VALUES (?, ?) ON CONFLICT (app_key_id) DO UPDATE SET settings = excluded.settings')
      .run(appKeyId, JSON.stringify(next));
    this.keys.set(appKeyId, next);
    return next;
  }

  private dropStale(): void {
    const now = this.now();
    if (now - this.checkedAt < RECHECK_MS) return;
    this.checkedAt = now;
    const version = this.dataVersion.get();
    if (version !== this.seenVersion) {
      this.seenVersion = version;
      this.globalRules = undefined;
      this.keys.clear();
    }
  }
}
