import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configSchema, type SwitchyardConfig } from './config-schema.js';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(root)' : path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.');
}

/** Parses config text; every problem names the file and the field. */
export function parseConfig(text: string, file: string): SwitchyardConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${file}: not valid JSON (${(err as Error).message})`);
  }
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${formatPath(issue.path)}: ${issue.message}`);
    throw new ConfigError(`${file}: invalid config\n${lines.join('\n')}`);
  }
  return result.data;
}

/** An explicit path must exist; the default `<dataDir>/config.json` may be absent (empty config). */
export function loadConfig(opts: { configPath?: string; dataDir: string }): { config: SwitchyardConfig; path: string } {
  const path = opts.configPath ?? join(opts.dataDir, 'config.json');
  if (!existsSync(path)) {
    if (opts.configPath) throw new ConfigError(`${path}: config file not found`);
    return { config: parseConfig('{}', path), path };
  }
  return { config: parseConfig(readFileSync(path, 'utf8'), path), path };
}
