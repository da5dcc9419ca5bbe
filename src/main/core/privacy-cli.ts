import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { KeyPrivacyPatch, PrivacyRules } from '../../shared/privacy.js';
import { UsageError } from './cli-usage-error.js';
import { loadConfig } from './config/load-config.js';
import { defaultDataDir, usageDbPath } from './paths.js';
import { BodyLog } from './policy/body-log.js';
import {
  forgetKeyHistory,
  getGlobalPolicy,
  keyHistory,
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

/** `switchyard privacy …`: the same operations as the Privacy screen, on the same database. */
export function privacy(args: string[]): void {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    options: { ...RULE_OPTIONS, config: { type: 'string' }, 'log-bodies': { type: 'string' }, 'log-retention': { type: 'string' } },
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
        const settings = Object.keys(patch).length > 0 ? setKeyPolicy(store, keys, name, patch) : getKeyPolicy(store, keys, name);
        process.stdout.write(values.json ? `${JSON.stringify(settings)}\n` : `${describeRules(settings.rules)}log_bodies: ${settings.logging.bodies ? `on, kept ${settings.logging.retentionDays} days` : 'off'}\nredaction: ${settings.redaction.mode}\n`);
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
