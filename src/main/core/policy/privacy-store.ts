import {
  DEFAULT_KEY_PRIVACY,
  keyPrivacySchema,
  OPEN_RULES,
  privacyRulesSchema,
  type KeyPrivacy,
  type KeyPrivacyPatch,
  type PrivacyRules,
} from '../../../shared/privacy.js';
import { DataVersionWatch } from '../usage/data-version.js';
import type { Db } from '../usage/usage-db.js';

const GLOBAL_KEY = 'privacy.rules';

/**
 * Global privacy rules and each app key's privacy settings, in SQLite. Reads are cached so the
 * request path does no SQL; a change made by the CLI applies within 100 ms (usage/data-version.ts).
 */
export class PrivacyStore {
  private globalRules: PrivacyRules | undefined;
  private readonly keys = new Map<number, KeyPrivacy>();
  private readonly watch: DataVersionWatch;

  constructor(private readonly db: Db) {
    this.watch = new DataVersionWatch(db);
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
    if (!this.watch.changed()) return;
    this.globalRules = undefined;
    this.keys.clear();
  }
}
