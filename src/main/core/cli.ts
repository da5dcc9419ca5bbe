import { parseArgs } from 'node:util';
import { UsageError } from './cli-usage-error.js';
import open from 'open';
import { ConfigError, loadConfig } from './config/load-config.js';
import { auditColumns } from './policy/privacy-api.js';
import { privacy, PRIVACY_USAGE } from './privacy-cli.js';
import { assertDataDirFree } from './data-dir-lock.js';
import { startGateway } from './gateway.js';
import { defaultDataDir, usageDbPath } from './paths.js';
import { AppKeyError, AppKeyStore, type AppKey, type LimitPeriod } from './secrets/app-keys.js';
import { openVaultAtTerminal } from './secrets/open-vault-at-terminal.js';
import { VaultError } from './secrets/key-vault.js';
import { openDb } from './usage/usage-db.js';
import { UsageQueries } from './usage/usage-queries.js';
import { toUsageRow } from './usage/usage-record.js';
import { formatCsv } from './usage/usage-csv.js';
import type { UsageRow } from '../../shared/usage.js';

const USAGE = `Usage: switchyard <command> [options]

  serve [--port N] [--data-dir DIR] [--config FILE] [--open]
                             run the gateway and web UI on 127.0.0.1; prints a one-time
                             login link for the web UI (--open opens it in the browser)
  keys set <provider>        store a provider key read from stdin (never from argv)
  keys add <provider>        add another key for the provider (load-balanced)
  keys list                  providers that have keys (secrets are never shown)
  keys rm <provider>         delete the provider's keys
  app-keys create --name NAME [--limit USD --period daily|weekly|monthly|total] [--manage]
                             --manage: the key reads every key's /activity and /credits
  app-keys list [--json]
  app-keys set-limit <name> --limit USD|none [--period daily|weekly|monthly|total]
  app-keys disable <name>    refuse the key until it is enabled again
  app-keys enable <name>
  app-keys revoke <name>
  usage [--json|--csv] [--since ISO] [--until ISO] [--app-key NAME] [--model ID] [--audit]
                             --audit adds the egress audit: data_policy applied, redacted counts by kind
${PRIVACY_USAGE}

All commands accept --data-dir DIR (default: $SWITCHYARD_DATA_DIR or the per-user config folder).`;


function stderr(line: string): void {
  process.stderr.write(`${line}\n`);
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) stderr('Paste the key, then press Enter and Ctrl-D:');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

async function serve(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { port: { type: 'string' }, 'data-dir': { type: 'string' }, config: { type: 'string' }, open: { type: 'boolean' } },
    strict: true,
  });
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0-65535, got "${values.port}"`);
  const dataDir = values['data-dir'] ?? defaultDataDir();
  // The config is checked first: a mistake in it is reported before anyone is asked for a passphrase.
  const { config } = loadConfig({ dataDir, configPath: values.config });
  assertDataDirFree(dataDir);
  const vault = await openVaultAtTerminal({ dataDir });
  const gateway = await startGateway({ dataDir, config, configPath: values.config, port, vault });
  if (gateway.vault.backend === 'unavailable') stderr(`warning: provider keys: ${gateway.vault.unavailableReason}`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    stderr(`${signal}: finishing in-flight requests…`);
    gateway.close().then(
      () => process.exit(0),
      (err: unknown) => {
        stderr(`shutdown failed: ${(err as Error).message}`);
        process.exit(1);
      },
    );
  };
  // Before the announcement: whoever reads it may signal at once, and without a handler a signal kills outright.
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.stdout.write(`Switchyard listening on ${gateway.url}\n`);
  process.stdout.write(`OpenAI base URL: ${gateway.url}/v1\n`);
  // Like Jupyter's token link: it signs one browser in as the owner, then it is spent.
  const loginUrl = gateway.createLoginUrl();
  process.stdout.write(`Web UI (one-time login link, keep it private): ${loginUrl}\n`);
  if (values.open) {
    await open(loginUrl).catch((err: unknown) => stderr(`could not open a browser: ${(err as Error).message}`));
  }
}

async function keys(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    options: { 'data-dir': { type: 'string' } },
    allowPositionals: true,
  });
  const dataDir = values['data-dir'] ?? defaultDataDir();
  // Arguments are checked before the vault is opened, which may ask for a passphrase.
  if (sub === 'list') {
    const vault = await openVaultAtTerminal({ dataDir });
    for (const id of await vault.providers()) {
      process.stdout.write(`${id}\t${(await vault.list(id)).length} key(s)\n`);
    }
    return;
  }
  if (sub !== 'set' && sub !== 'add' && sub !== 'rm') throw new UsageError(`unknown keys command "${sub ?? ''}"`);
  const provider = positionals[0];
  if (!provider) throw new UsageError(`keys ${sub} <provider>: the provider id is required`);
  if (sub === 'rm') {
    const removed = await (await openVaultAtTerminal({ dataDir })).remove(provider);
    stderr(`removed ${removed} key(s) for "${provider}"`);
    return;
  }
  if (positionals.length > 1) throw new UsageError('keys are read from stdin, never from the command line');
  const vault = await openVaultAtTerminal({ dataDir });
  const secret = await readStdin();
  await (sub === 'set' ? vault.set(provider, secret) : vault.add(provider, secret));
  stderr(`stored a key for "${provider}" in the ${vault.backend === 'file' ? 'encrypted key file' : 'OS keychain'}`);
}

function parsePeriod(value: string | undefined): LimitPeriod | undefined {
  if (value === undefined) return undefined;
  if (value === 'daily' || value === 'weekly' || value === 'monthly' || value === 'total') return value;
  throw new UsageError(`--period must be daily, weekly, monthly or total, got "${value}"`);
}

function describeLimit(key: AppKey): string {
  return key.limitUsd === null ? 'no limit' : `$${key.limitUsd} ${key.limitPeriod ?? 'total'}`;
}

function parseInstant(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new UsageError(`${flag} must be an ISO date or time, got "${value}"`);
  return ms;
}

function appKeys(args: string[]): void {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    options: {
      'data-dir': { type: 'string' },
      name: { type: 'string' },
      limit: { type: 'string' },
      period: { type: 'string' },
      json: { type: 'boolean' },
      manage: { type: 'boolean' },
    },
    allowPositionals: true,
  });
  const dataDir = values['data-dir'] ?? defaultDataDir();
  const db = openDb(usageDbPath(dataDir));
  try {
    const store = new AppKeyStore(db);
    switch (sub) {
      case 'create': {
        const name = values.name;
        if (!name) throw new UsageError('app-keys create --name NAME is required');
        const limitText = values.limit;
        const limitUsd = limitText === undefined ? undefined : Number(limitText);
        if (limitUsd !== undefined && !Number.isFinite(limitUsd)) throw new UsageError(`--limit must be a number of USD, got "${limitText}"`);
        const period = parsePeriod(values.period);
        if (period && limitUsd === undefined) throw new UsageError('--period needs --limit');
        const { key, appKey } = store.create({ name, limitUsd, limitPeriod: period, manage: values.manage === true });
        process.stdout.write(`${key}\n`);
        const limited = appKey.limitUsd !== null ? ` limited to $${appKey.limitUsd} ${appKey.limitPeriod}` : '';
        const manages = appKey.manage ? ', a management key (it reads every key\'s activity and spend)' : '';
        stderr(`created app key "${appKey.name}"${limited}${manages}; it is shown only once`);
        return;
      }
      case 'list': {
        const keys = store.list();
        const rows = keys.map((k) => ({
          name: k.name,
          key: `sk-sy-…${k.hint}`,
          created_at: new Date(k.createdAt).toISOString(),
          limit: k.limitUsd,
          period: k.limitPeriod,
          disabled: k.disabled,
          manage: k.manage,
        }));
        if (values.json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        else {
          keys.forEach((k, i) => {
            const r = rows[i];
            if (r) process.stdout.write(`${r.name}\t${r.key}\t${r.created_at}\t${describeLimit(k)}${k.disabled ? '\tdisabled' : ''}${k.manage ? '\tmanage' : ''}\n`);
          });
        }
        return;
      }
      case 'set-limit': {
        const name = positionals[0];
        if (!name) throw new UsageError('app-keys set-limit <name> --limit USD|none: the name is required');
        const limitText = values.limit;
        if (limitText === undefined) throw new UsageError('app-keys set-limit needs --limit USD (or --limit none to remove it)');
        const limitUsd = limitText === 'none' ? null : Number(limitText);
        if (limitUsd !== null && !Number.isFinite(limitUsd)) throw new UsageError(`--limit must be a number of USD or "none", got "${limitText}"`);
        const period = parsePeriod(values.period);
        if (period && limitUsd === null) throw new UsageError('--period needs a --limit in USD');
        const key = store.setLimit(name, limitUsd, period);
        stderr(`app key "${key.name}": ${describeLimit(key)}`);
        return;
      }
      case 'disable':
      case 'enable': {
        const name = positionals[0];
        if (!name) throw new UsageError(`app-keys ${sub} <name>: the name is required`);
        store.setDisabled(name, sub === 'disable');
        stderr(`${sub}d app key "${name}"`);
        return;
      }
      case 'revoke': {
        const name = positionals[0];
        if (!name) throw new UsageError('app-keys revoke <name>: the name is required');
        if (!store.revoke(name)) throw new UsageError(`no active app key named "${name}"`);
        stderr(`revoked app key "${name}"`);
        return;
      }
      default:
        throw new UsageError(`unknown app-keys command "${sub ?? ''}"`);
    }
  } finally {
    db.close();
  }
}

function usage(args: string[]): void {
  const { values } = parseArgs({
    args,
    options: {
      'data-dir': { type: 'string' },
      json: { type: 'boolean' },
      csv: { type: 'boolean' },
      since: { type: 'string' },
      until: { type: 'string' },
      'app-key': { type: 'string' },
      model: { type: 'string' },
      audit: { type: 'boolean' },
    },
  });
  const dataDir = values['data-dir'] ?? defaultDataDir();
  const sinceMs = parseInstant('--since', values.since);
  const untilMs = parseInstant('--until', values.until);
  const db = openDb(usageDbPath(dataDir));
  try {
    const records = new UsageQueries(db)
      .list({ sinceMs, appKey: values['app-key'], model: values.model })
      .filter((r) => untilMs === undefined || r.createdAt < untilMs);
    const format = values.json ? 'json' : values.csv ? 'csv' : 'text';
    // --audit adds the egress audit: the data rules applied and the redaction counts (never values).
    if (values.audit) {
      const rows = records.map((r) => ({ ...toUsageRow(r), ...auditColumns(r.egress) }));
      printUsage(rows, format, ['data_policy', 'redacted'], (r) => `  policy ${r.data_policy}${r.redacted ? `  redacted ${r.redacted}` : ''}`);
    } else printUsage(records.map(toUsageRow), format);
  } finally {
    db.close();
  }
}

function printUsage<Row extends UsageRow>(
  rows: Row[],
  format: 'json' | 'csv' | 'text',
  extraColumns: (keyof Row & string)[] = [],
  extraText: (row: Row) => string = () => '',
): void {
  if (format === 'json') process.stdout.write(`${JSON.stringify(rows)}\n`);
  else if (format === 'csv') process.stdout.write(formatCsv(rows, extraColumns));
  else {
    for (const r of rows) {
      const cost = r.cost === null ? 'unknown' : `$${r.cost.toFixed(6)}`;
      process.stdout.write(`${r.created_at}  ${r.status}  ${r.app_key ?? '-'}  ${r.model}  ${r.provider ?? '-'}  ${r.prompt_tokens}/${r.completion_tokens} tok  ${cost}  ${Math.round(r.latency_ms)} ms${extraText(r)}\n`);
    }
  }
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      return serve(rest);
    case 'keys':
      return keys(rest);
    case 'app-keys':
      return appKeys(rest);
    case 'usage':
      return usage(rest);
    case 'privacy':
      return privacy(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(`${USAGE}\n`);
      return;
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

function fail(err: unknown): never {
  if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    stderr(`switchyard: ${(err as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (err instanceof ConfigError || err instanceof AppKeyError || err instanceof VaultError) {
    stderr(`switchyard: ${err.message}`);
    process.exit(1);
  }
  stderr(`switchyard: ${(err as Error).message ?? String(err)}`);
  process.exit(1);
}

const argv = process.argv.slice(2);
main(argv).then(() => {
  if (argv[0] === 'serve') return;
  // A hung keychain call can keep the event loop alive, so one-shot commands exit explicitly,
  // but only once stdout is drained: exiting mid-write truncates output into a pipe.
  exitWhenFlushed(Number(process.exitCode ?? 0));
}, fail);

function exitWhenFlushed(code: number, deadline = Date.now() + 10_000): void {
  if (process.stdout.writableLength === 0 || Date.now() > deadline) process.exit(code);
  setTimeout(() => exitWhenFlushed(code, deadline), 5);
}
