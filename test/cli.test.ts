import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import OpenAI from 'openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { generateText, streamText } from 'ai';
import { loadBody } from './helpers/fixtures.js';
import { startMockUpstream, type MockUpstream } from './helpers/mock-upstream.js';
import { runCli, startServe, type ServeProcess } from './helpers/cli.js';
import type { UsageRow } from '../src/shared/usage.js';

const execFileAsync = promisify(execFile);
const UPSTREAM_KEY = 'sk-env-canary-42aa';

let dir: string;
let dataDir: string;
let upstream: MockUpstream;
let serve: ServeProcess;
let appKey: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'switchyard-cli-'));
  dataDir = join(dir, 'data');
  upstream = await startMockUpstream();
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({
      providers: {
        openai: { type: 'openai', baseUrl: `${upstream.url}/v1`, apiKeyEnv: 'TEST_OPENAI_KEY', models: ['gpt-4o-mini'] },
      },
    }),
  );
  const created = runCli(['app-keys', 'create', '--name', 'cursor', '--data-dir', dataDir]);
  expect(created.status).toBe(0);
  appKey = created.stdout.split('\n')[0] as string;
  serve = await startServe(['--port', '0', '--config', join(dir, 'config.json')], dataDir, { TEST_OPENAI_KEY: UPSTREAM_KEY });
}, 120_000);

afterAll(async () => {
  if (serve && serve.child.exitCode === null) await serve.stop();
  await upstream?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('switchyard CLI and serve', () => {
  it('prints a new app key alone on stdout and lists it without the secret', () => {
    expect(appKey).toMatch(/^sk-sy-[\w-]{43}$/);
    const list = runCli(['app-keys', 'list', '--data-dir', dataDir]);
    expect(list.stdout).toContain('cursor');
    expect(list.stdout).not.toContain(appKey);
  });

  it('writes server.json and announces the URL', () => {
    const info = JSON.parse(readFileSync(join(dataDir, 'server.json'), 'utf8')) as { url: string; port: number; pid: number };
    expect(info.url).toBe(`http://127.0.0.1:${info.port}`);
    // The built CLI serves in the process that was started: no loader or wrapper process in between.
    expect(info.pid).toBe(serve.child.pid);
    expect(() => process.kill(info.pid, 0)).not.toThrow();
    expect(serve.stdout()).toContain(`Switchyard listening on ${info.url}`);
  });

  it('prints a one-time login link after the listening line, and the link works once', async () => {
    const lines = serve.stdout().split('\n');
    const listening = lines.findIndex((l) => l.startsWith('Switchyard listening on '));
    const login = lines.findIndex((l) => l.includes(serve.loginUrl));
    expect(login).toBeGreaterThan(listening);
    expect(serve.loginUrl).toMatch(new RegExp(`^${serve.url}/\\?login=[\\w-]{43}$`));
    const first = await fetch(serve.loginUrl, { redirect: 'manual' });
    expect(first.status).toBe(303);
    expect(first.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Strict/);
    const second = await fetch(serve.loginUrl, { redirect: 'manual' });
    expect(second.headers.get('set-cookie')).toBeNull();
  });

  it('creates the UI\'s built-in app key on first start; it can be limited but not revoked', () => {
    const list = JSON.parse(runCli(['app-keys', 'list', '--json', '--data-dir', dataDir]).stdout) as { name: string }[];
    expect(list.map((k) => k.name)).toContain('switchyard-ui');
    expect(runCli(['app-keys', 'set-limit', 'switchyard-ui', '--limit', '5', '--period', 'daily', '--data-dir', dataDir]).status).toBe(0);
    const revoke = runCli(['app-keys', 'revoke', 'switchyard-ui', '--data-dir', dataDir]);
    expect(revoke.status).not.toBe(0);
    expect(revoke.stderr).toContain('built-in');
    expect(runCli(['app-keys', 'set-limit', 'switchyard-ui', '--limit', 'none', '--data-dir', dataDir]).status).toBe(0);
  });

  it('serves the openai SDK with the provider key from apiKeyEnv (OpenAI prices from genai-prices)', async () => {
    upstream.enqueue({ body: JSON.parse(loadBody('openai/vercel__openai-text.json')) as object });
    const client = new OpenAI({ baseURL: `${serve.url}/v1`, apiKey: appKey, maxRetries: 0 });
    const res = await client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    expect(res.choices[0]?.message.content).toContain('Galaxy Day');
    expect((res.usage as unknown as { cost: number }).cost).toBeGreaterThan(0);
    expect(upstream.requests.at(-1)?.headers.authorization).toBe(`Bearer ${UPSTREAM_KEY}`);
  });

  it('serves the AI SDK openai-compatible provider (generateText and streamText)', async () => {
    const provider = createOpenAICompatible({ name: 'switchyard', baseURL: `${serve.url}/v1`, apiKey: appKey, includeUsage: true });
    upstream.enqueue({ body: JSON.parse(loadBody('openai/vercel__openai-text.json')) as object });
    const generated = await generateText({ model: provider('openai/gpt-4o-mini'), prompt: 'hi', maxRetries: 0 });
    expect(generated.text).toContain('Galaxy Day');
    expect(generated.usage.inputTokens).toBeGreaterThan(0);

    const sse = loadBody('openai/extracted/stream_text_include_usage.sse');
    upstream.enqueue({ sse });
    const streamed = streamText({ model: provider('openai/gpt-4o-mini'), prompt: 'hi', maxRetries: 0 });
    let text = '';
    for await (const part of streamed.textStream) text += part;
    const expected = sse
      .split('\n')
      .filter((l) => l.startsWith('data: {'))
      .map((l) => (JSON.parse(l.slice(6)) as { choices: { delta: { content?: string } }[] }).choices[0]?.delta.content ?? '')
      .join('');
    expect(text).toBe(expected);
    expect((await streamed.usage).outputTokens).toBeGreaterThan(0);
  });

  it('serves curl', async () => {
    upstream.enqueue({ body: JSON.parse(loadBody('openai/vercel__openai-text.json')) as object });
    const { stdout } = await execFileAsync('curl', [
      '-sS', `${serve.url}/v1/chat/completions`,
      '-H', `Authorization: Bearer ${appKey}`,
      '-H', 'Content-Type: application/json',
      '-d', JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
    ]);
    expect((JSON.parse(stdout) as { id: string }).id).toMatch(/^gen-/);
  });

  it('refuses a revoked key', async () => {
    const created = runCli(['app-keys', 'create', '--name', 'temp', '--data-dir', dataDir]);
    const key = created.stdout.split('\n')[0] as string;
    const ok = await fetch(`${serve.url}/v1/models`, { headers: { authorization: `Bearer ${key}` } });
    expect(ok.status).toBe(200);
    expect(runCli(['app-keys', 'revoke', 'temp', '--data-dir', dataDir]).status).toBe(0);
    const refused = await fetch(`${serve.url}/v1/models`, { headers: { authorization: `Bearer ${key}` } });
    expect(refused.status).toBe(401);
  });

  it('exits 0 on SIGTERM with every answered request in the usage log (json and csv)', async () => {
    const code = await serve.stop();
    expect(code).toBe(0);
    const json = runCli(['usage', '--json', '--data-dir', dataDir]);
    expect(json.status).toBe(0);
    const rows = JSON.parse(json.stdout) as UsageRow[];
    expect(rows.filter((r) => r.status === 200)).toHaveLength(4);
    expect(Object.keys(rows[0]!).sort()).toEqual(
      ['id', 'created_at', 'app_key', 'model', 'provider', 'upstream_model', 'status', 'prompt_tokens', 'completion_tokens',
        'cached_tokens', 'cache_write_tokens', 'reasoning_tokens', 'cost', 'latency_ms', 'ttft_ms', 'streamed',
        'finish_reason', 'error_code', 'usage_estimated'].sort(),
    );
    const since = runCli(['usage', '--json', '--since', rows.at(-1)!.created_at, '--data-dir', dataDir]);
    expect((JSON.parse(since.stdout) as UsageRow[]).every((r) => r.created_at >= rows.at(-1)!.created_at)).toBe(true);
    const csv = runCli(['usage', '--csv', '--data-dir', dataDir]);
    const lines = csv.stdout.trim().split('\r\n');
    expect(lines[0]).toBe('id,created_at,app_key,model,provider,upstream_model,status,prompt_tokens,completion_tokens,cached_tokens,cache_write_tokens,reasoning_tokens,cost,latency_ms,ttft_ms,streamed,finish_reason,error_code');
    expect(lines).toHaveLength(rows.length + 1);
  });

  it('rejects a bad config file naming the file and the field', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ providers: { x: { type: 'openai-compatible', baseUrl: 'not a url' } } }));
    const res = runCli(['serve', '--port', '0', '--data-dir', join(dir, 'other'), '--config', bad]);
    expect(res.status).not.toBe(0);
    expect(res.stderr).toContain(bad);
    expect(res.stderr).toContain('providers.x.baseUrl');
  });

  it('reads provider keys from stdin only', () => {
    const res = runCli(['keys', 'set', 'openai', 'sk-on-the-command-line', '--data-dir', dataDir]);
    expect(res.status).not.toBe(0);
    expect(res.stderr).toContain('stdin');
  });
});
