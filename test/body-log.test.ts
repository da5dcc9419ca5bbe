import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BodyLog } from '../src/main/core/policy/body-log.js';
import { PrivacyStore } from '../src/main/core/policy/privacy-store.js';
import { usageDbPath } from '../src/main/core/paths.js';
import { AppKeyStore } from '../src/main/core/secrets/app-keys.js';
import { openDb, type Db } from '../src/main/core/usage/usage-db.js';
import { runCli } from './helpers/cli.js';
import { loadBody } from './helpers/fixtures.js';
import { startHarness, type Harness } from './helpers/gateway-harness.js';

const TEXT = JSON.parse(loadBody('openai/vercel__openai-text.json')) as object;
const STREAM = loadBody('openai/extracted/stream_text_include_usage.sse');

/** Every file under `dir`, recursively, with its bytes. */
function filesUnder(dir: string): { path: string; bytes: Buffer }[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    return e.isDirectory() ? filesUnder(path) : [{ path, bytes: readFileSync(path) }];
  });
}

function found(dir: string, needle: string | Buffer): string[] {
  return filesUnder(dir).filter((f) => f.bytes.includes(needle)).map((f) => f.path);
}

let h: Harness | undefined;
let db: Db | undefined;
afterEach(async () => {
  db?.close();
  db = undefined;
  await h?.close();
  h = undefined;
});

async function send(harness: Harness, key: string, prompt: string, stream: boolean) {
  harness.upstream.enqueue(stream ? { sse: STREAM } : { body: TEXT });
  const res = await fetch(`${harness.baseURL}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'mock/gpt-4o-mini', stream, messages: [{ role: 'user', content: prompt }] }),
  });
  expect(res.status).toBe(200);
  return res.text();
}

describe('prompt and completion logging', () => {
  it('is off by default: a canary prompt is found nowhere in the db, the WAL or the data dir', async () => {
    h = await startHarness();
    const canary = 'canary-prompt-4b1d9e77-do-not-store';
    await send(h, h.appKey, canary, false);
    await send(h, h.appKey, canary, true);
    await h.usageRows((rows) => rows.length === 2);
    expect(h.upstream.requests.every((r) => JSON.stringify(r.body).includes(canary))).toBe(true);
    const dataDir = h.dataDir;
    expect(existsSync(`${usageDbPath(dataDir)}-wal`)).toBe(true);
    expect(found(dataDir, canary)).toEqual([]);
    await h.gateway.close();
    expect(found(dataDir, canary)).toEqual([]);
  });

  it('opted in per key: kept compressed with its retention, pruned when it expires (fake clock), gone from file and WAL', async () => {
    h = await startHarness();
    db = openDb(usageDbPath(h.dataDir));
    const { key, appKey } = new AppKeyStore(db).create({ name: 'logged' });
    new PrivacyStore(db).setForKey(appKey.id, { logging: { bodies: true, retentionDays: 7 } });
    await new Promise((r) => setTimeout(r, 150));
    await send(h, key, 'remember-me-prompt', false);
    const streamed = await send(h, key, 'remember-me-stream', true);
    await send(h, h.appKey, 'not-logged-prompt', false);
    await h.usageRows((rows) => rows.length === 3);

    const history = new BodyLog(db).history(appKey.id);
    expect(history).toHaveLength(2);
    expect(history.map((e) => JSON.parse(e.prompt).messages[0].content).sort()).toEqual(['remember-me-prompt', 'remember-me-stream']);
    expect(history.find((e) => e.prompt.includes('remember-me-stream'))?.completion).toBe(streamed);
    const day = 86_400_000;
    expect(Date.parse(history[0]!.expires_at) - Date.parse(history[0]!.created_at)).toBe(7 * day);

    const blobs = db.prepare('SELECT prompt FROM request_bodies').pluck().all() as Buffer[];
    expect(blobs.every((b) => b.length > 16)).toBe(true);
    expect(found(h.dataDir, 'remember-me-prompt')).toEqual([]);

    // Six days on, nothing has expired; eight days on, everything has.
    expect(new BodyLog(db, () => Date.now() + 6 * day).prune()).toBe(0);
    expect(new BodyLog(db, () => Date.now() + 8 * day).prune()).toBe(2);
    expect(new BodyLog(db).history(appKey.id)).toEqual([]);
    expect(statSync(`${usageDbPath(h.dataDir)}-wal`).size).toBe(0);
    for (const blob of blobs) expect(found(h.dataDir, blob)).toEqual([]);
  });

  it('a key\'s history can be deleted from the CLI', async () => {
    h = await startHarness();
    db = openDb(usageDbPath(h.dataDir));
    const { key, appKey } = new AppKeyStore(db).create({ name: 'tool' });
    new PrivacyStore(db).setForKey(appKey.id, { logging: { bodies: true } });
    await new Promise((r) => setTimeout(r, 150));
    await send(h, key, 'forget-me', false);
    await h.usageRows((rows) => rows.length === 1);
    const history = runCli(['privacy', 'history', 'tool', '--json', '--data-dir', h.dataDir]);
    expect((JSON.parse(history.stdout) as { prompt: string }[])[0]?.prompt).toContain('forget-me');
    const forget = runCli(['privacy', 'forget', 'tool', '--data-dir', h.dataDir]);
    expect(forget.stderr).toContain('deleted 1 logged exchange');
    expect(new BodyLog(db).history(appKey.id)).toEqual([]);
  });
});
