import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';

const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-privacy-cli-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const cli = (...args: string[]) => runCli([...args, '--data-dir', dataDir]);

describe('switchyard privacy', () => {
  it('sets and shows the global rules and the local-only switch', () => {
    expect(JSON.parse(cli('privacy', 'show', '--json').stdout)).toEqual({ dataCollection: 'allow', zdr: false, localOnly: false });
    expect(cli('privacy', 'set', '--local-only', 'on', '--data-collection', 'deny').status).toBe(0);
    expect(JSON.parse(cli('privacy', 'show', '--json').stdout)).toEqual({ dataCollection: 'deny', zdr: false, localOnly: true });
    const bad = cli('privacy', 'set', '--zdr', 'maybe');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--zdr must be on or off');
  });

  it('sets a key\'s rules and logging, refusing a key that does not exist', () => {
    expect(cli('app-keys', 'create', '--name', 'tool').status).toBe(0);
    const set = cli('privacy', 'key', 'tool', '--zdr', 'on', '--log-bodies', 'on', '--log-retention', '7', '--json');
    expect(set.status).toBe(0);
    expect(JSON.parse(set.stdout)).toMatchObject({ rules: { zdr: true, localOnly: false }, logging: { bodies: true, retentionDays: 7 } });
    expect(cli('privacy', 'key', 'ghost').stderr).toContain('no active app key named "ghost"');
    const invalid = cli('privacy', 'key', 'tool', '--log-retention', '0');
    expect(invalid.status).toBe(2);
    expect(invalid.stderr).toContain('logging.retentionDays');
  });

  it('sets a key\'s redaction and previews what a prompt would look like upstream ("try it")', () => {
    const set = cli('privacy', 'key', 'tool', '--redact', 'reversible', '--attachments', 'pass', '--pattern', 'ticket=TCK-\\d+', '--allow', 'ok@example.com', '--json');
    expect(set.status).toBe(0);
    expect(JSON.parse(set.stdout).redaction).toMatchObject({ mode: 'reversible', attachments: 'pass', custom: [{ name: 'ticket', pattern: 'TCK-\\d+' }], allow: ['ok@example.com'] });
    const preview = runCli(['privacy', 'preview', 'tool', '--json', '--data-dir', dataDir], { input: 'mail me@example.com or ok@example.com about TCK-42, key AKIAZ7XTQ4PL2MNB6WUD' });
    expect(JSON.parse(preview.stdout)).toEqual({
      text: 'mail [[EMAIL_1]] or ok@example.com about [[TICKET_1]], key [[AWS_ACCESS_KEY_1]]',
      counts: { email: 1, ticket: 1, aws_access_key: 1 },
    });
    const bad = cli('privacy', 'key', 'tool', '--pattern', 'broken=(x');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('redaction pattern "broken" is not a valid RE2 expression');
  });

  it('prints the provider policy table with its sources', () => {
    const configPath = join(dataDir, 'config.json');
    writeFileSync(configPath, JSON.stringify({ providers: { openai: { type: 'openai' }, box: { type: 'ollama' } } }));
    const rows = JSON.parse(cli('privacy', 'providers', '--json').stdout) as { provider: string; training: string; local: boolean; sources: { url: string }[] }[];
    expect(rows.find((r) => r.provider === 'openai')).toMatchObject({ training: 'opt-in', local: false });
    expect(rows.find((r) => r.provider === 'openai')?.sources[0]?.url).toMatch(/^https:\/\/developers\.openai\.com\//);
    expect(rows.find((r) => r.provider === 'box')).toMatchObject({ training: 'no', local: true });
  });
});
