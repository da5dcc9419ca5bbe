import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../secrets/atomic-write.js';
import type { SwitchyardConfig } from './config-schema.js';
import { parseConfig } from './load-config.js';

type RawConfig = Record<string, unknown>;

/**
 * The config file as the UI edits it: each change is made to the file's own JSON (fields the
 * UI does not know survive), validated by the same schema as at start-up, written atomically
 * (temp file + rename) and then applied to the running gateway. Changes run one at a time;
 * a change that does not validate leaves file and gateway as they were.
 */
export class LiveConfig {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly path: string,
    private current: SwitchyardConfig,
    private readonly apply: (config: SwitchyardConfig) => void,
  ) {}

  get config(): SwitchyardConfig {
    return this.current;
  }

  update(change: (raw: RawConfig) => void): Promise<SwitchyardConfig> {
    const run = this.queue.then(async () => {
      const raw = await this.readRaw();
      change(raw);
      const text = `${JSON.stringify(raw, null, 2)}\n`;
      const next = parseConfig(text, this.path);
      await writeFileAtomic(this.path, text, 0o600);
      this.current = next;
      this.apply(next);
      return next;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** The file as written; a gateway started from an in-memory config (no file yet) starts from that config. */
  private async readRaw(): Promise<RawConfig> {
    if (existsSync(this.path)) return JSON.parse(await readFile(this.path, 'utf8')) as RawConfig;
    return JSON.parse(JSON.stringify({ providers: this.current.providers, models: this.current.models })) as RawConfig;
  }
}
