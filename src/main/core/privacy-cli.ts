import { parseArgs } from 'node:util';
import { z } from 'zod';
import { readFileSync } from 'node:fs';
import type { KeyPrivacyPatch, PrivacyRules, RedactionSettings } from '../../shared/privacy.js';
import { UsageError } from './cli-usage-error.js';
import { loadConfig } from './config/load-config.js';
import { defaultDataDir, usageDbPath } from './paths.js';
import { BodyLog } from './policy/body-log.js';
import {
  forgetKeyHistory,
  getGlobalPolicy,
  keyHistory,
  previewRedaction,
  getKeyPolicy,
  providerPolicyTable,
  setGlobalPolicy,
  setKeyPolicy,
} from './policy/privacy-api.js';
import { PrivacyStore } from './policy/privacy-store.js';
import { ModelCatalog } from './router/catalog.js';
import { AppKeyStore } from './secrets/app-keys.js';
import { openDb } from './usage/usage-db.js';

export const PRIVACY_USAGE = `  privacy show [--json]      global data rules (data_collection, zdr, local_only)
  privacy set [--data-collection allow|deny] [--zdr on|off] [--local-only on|off]
  privacy key <name> [--json] [--data-collection allow|deny] [--zdr on|off] [--local-only on|off]
                     [--log-bodies on|off] [--log-retention DAYS]
                     [--redact off|mask|reversible] [--redact-secrets on|off] [--redact-pii on|off]
                     [--attachments pass|block] [--allow VALUE]... [--pattern NAME=RE2]... [--clear-patterns]
  privacy preview <name>     what the text on stdin would look like upstream under the key's redaction
  privacy providers [--config FILE] [--json]   each provider's data policy and its sources
  privacy history <name> [--json]   the key's logged prompts and completions (if it opted in)
  privacy forget <name>      delete every logged prompt and completion of the key`;

function onOff(flag: string, value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === 'on' || value === 'true') return true;
  if (value === 'off' || value === 'false') return false;
  throw new UsageError(`${flag} must be on or off, got "${value}"`);
}

function collection(value: string | undefined): 'allow' | 'deny' | undefined {
  if (value === undefined || value === 'allow' || value === 'deny') return value;
  throw new UsageError(`--data-collection must be allow or deny, got "${value}"`);
}

function describeRules(r: PrivacyRules): string {
  return `data_collection: ${r.dataCollection}\nzdr: ${r.zdr ? 'on' : 'off'}\nlocal_only: ${r.localOnly ? 'on' : 'off'}\n`;
}

function describeRedaction(r: RedactionSettings): string {
  if (r.mode === 'off') return 'off';
  const what = [r.secrets ? 'secrets' : '', r.pii ? 'PII' : '', ...r.custom.map((c) => c.name)].filter(Boolean).join(', ');
  return `${r.mode} (${what || 'nothing'}; attachments ${r.attachments}${r.allow.length ? `; ${r.allow.length} allowed value(s)` : ''})`;
}

const RULE_OPTIONS = {
  'data-dir': { type: 'string' },
  json: { type: 'boolean' },
  'data-collection': { type: 'string' },
  zdr: { type: 'string' },
  'local-only': { type: 'string' },
} as const;

function rulesPatch(values: { 'data-collection'?: string; zdr?: string; 'local-only'?: string }): Partial<PrivacyRules> {
  const patch: Partial<PrivacyRules> = {};
  const dataCollection = collection(values['data-collection']);
  if (dataCollection) patch.dataCollection = dataCollection;
  const zdr = onOff('--zdr', values.zdr);
  if (zdr !== undefined) patch.zdr = zdr;
  const localOnly = onOff('--local-only', values['local-only']);
  if (localOnly !== undefined) patch.localOnly = localOnly;
  return patch;
}

function redactionPatch(
  values: { redact?: string; 'redact-secrets'?: string; 'redact-pii'?: string; attachments?: string; allow?: string[]; pattern?: string[]; 'clear-patterns'?: boolean },
  current: RedactionSettings,
): Partial<RedactionSettings> {
  const patch: Partial<RedactionSettings> = {};
  const mode = values.redact;
  if (mode !== undefined) {
    if (mode !== 'off' && mode !== 'mask' && mode !== 'reversible') throw new UsageError(`--redact must be off, mask or reversible, got "${mode}"`);
    patch.mode = mode;
  }
  const secrets = onOff('--redact-secrets', values['redact-secrets']);
  if (secrets !== undefined) patch.secrets = secrets;
  const pii = onOff('--redact-pii', values['redact-pii']);
  if (pii !== undefined) patch.pii = pii;
  const attachments = values.attachments;
  if (attachments !== undefined) {
    if (attachments !== 'pass' && attachments !== 'block') throw new UsageError(`--attachments must be pass or block, got "${attachments}"`);
    patch.attachments = attachments;
  }
  if (values.allow) patch.allow = [...current.allow, ...values.allow];
  if (values.pattern || values['clear-patterns']) {
    const added = (values.pattern ?? []).map((text) => {
      const eq = text.indexOf('=');
      if (eq <= 0) throw new UsageError(`--pattern takes NAME=RE2, got "${text}"`);
      return { name: text.slice(0, eq), pattern: text.slice(eq + 1) };
    });
    patch.custom = [...(values['clear-patterns'] ? [] : current.custom), ...added];
  }
  return patch;
}

/** `switchyard privacy …`: the same operations as the Privacy screen, on the same database. */
export async function privacy(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    options: {
      ...RULE_OPTIONS,
      config: { type: 'string' },
      'log-bodies': { type: 'string' },
      'log-retention': { type: 'string' },
      redact: { type: 'string' },
      'redact-secrets': { type: 'string' },
      'redact-pii': { type: 'string' },
      attachments: { type: 'string' },
      allow: { type: 'string', multiple: true },
      pattern: { type: 'string', multiple: true },
      'clear-patterns': { type: 'boolean' },
    },
    allowPositionals: true,
  });
  const dataDir = values['data-dir'] ?? defaultDataDir();
  if (sub === 'providers') {
    const { config } = loadConfig({ dataDir, configPath: values.config });
    const rows = providerPolicyTable(new ModelCatalog(config));
    if (values.json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    else {
      for (const r of rows) {
        const kept = r.retentionDays === null ? 'retention unknown' : `retains ${r.retentionDays} d`;
        const where = r.local ? 'local' : (r.region ?? 'region unknown');
        process.stdout.write(`${r.provider}\t${r.type}\t${where}\ttraining ${r.training}\t${kept}\tzdr ${r.zdrAvailable}\t${r.sources.map((s) => s.url).join(' ')}\n`);
      }
    }
    return;
  }
  const db = openDb(usageDbPath(dataDir));
  try {
    const store = new PrivacyStore(db);
    switch (sub) {
      case 'show': {
        const rules = getGlobalPolicy(store);
        process.stdout.write(values.json ? `${JSON.stringify(rules)}\n` : describeRules(rules));
        return;
      }
      case 'set': {
        const patch = rulesPatch(values);
        if (Object.keys(patch).length === 0) throw new UsageError('privacy set needs --data-collection, --zdr or --local-only');
        process.stderr.write(describeRules(setGlobalPolicy(store, patch)));
        return;
      }
      case 'key': {
        const name = positionals[0];
        if (!name) throw new UsageError('privacy key <name>: the app key name is required');
        const keys = new AppKeyStore(db);
        const patch: KeyPrivacyPatch = {};
        const rules = rulesPatch(values);
        if (Object.keys(rules).length > 0) patch.rules = rules;
        const bodies = onOff('--log-bodies', values['log-bodies']);
        const retention = values['log-retention'] === undefined ? undefined : Number(values['log-retention']);
        if (retention !== undefined && !Number.isInteger(retention)) throw new UsageError(`--log-retention must be a whole number of days, got "${values['log-retention']}"`);
        if (bodies !== undefined || retention !== undefined) {
          patch.logging = { ...(bodies !== undefined ? { bodies } : {}), ...(retention !== undefined ? { retentionDays: retention } : {}) };
        }
        const current = getKeyPolicy(store, keys, name).redaction;
        const redaction = redactionPatch(values, current);
        if (Object.keys(redaction).length > 0) patch.redaction = redaction;
        const settings = Object.keys(patch).length > 0 ? await setKeyPolicy(store, keys, name, patch) : getKeyPolicy(store, keys, name);
        process.stdout.write(values.json ? `${JSON.stringify(settings)}\n` : `${describeRules(settings.rules)}log_bodies: ${settings.logging.bodies ? `on, kept ${settings.logging.retentionDays} days` : 'off'}\nredaction: ${describeRedaction(settings.redaction)}\n`);
        return;
      }
      case 'preview': {
        const name = positionals[0];
        if (!name) throw new UsageError('privacy preview <name>: the app key name is required (the text is read from stdin)');
        const settings = getKeyPolicy(store, new AppKeyStore(db), name).redaction;
        const preview = await previewRedaction(settings, readFileSync(0, 'utf8'));
        process.stdout.write(values.json ? `${JSON.stringify(preview)}\n` : `${preview.text}\n`);
        if (!values.json) process.stderr.write(`redacted: ${Object.entries(preview.counts).map(([k, n]) => `${k} ${n}`).join(', ') || 'nothing'}\n`);
        return;
      }
      case 'history':
      case 'forget': {
        const name = positionals[0];
        if (!name) throw new UsageError(`privacy ${sub} <name>: the app key name is required`);
        const keys = new AppKeyStore(db);
        const log = new BodyLog(db);
        if (sub === 'forget') {
          process.stderr.write(`deleted ${forgetKeyHistory(log, keys, name)} logged exchange(s) of app key "${name}"\n`);
          return;
        }
        const exchanges = keyHistory(log, keys, name);
        if (values.json) process.stdout.write(`${JSON.stringify(exchanges)}\n`);
        else for (const e of exchanges) process.stdout.write(`${e.created_at}  ${e.request_id}\n> ${e.prompt}\n< ${e.completion}\n`);
        return;
      }
      default:
        throw new UsageError(`unknown privacy command "${sub ?? ''}"`);
    }
  } catch (err) {
    if (err instanceof z.ZodError) throw new UsageError(err.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    throw err;
  } finally {
    db.close();
  }
}
