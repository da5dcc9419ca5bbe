import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDACTED, redactSecret } from '../src/main/core/policy/redact-secret.js';
import { runCli, startServe, type ServeProcess } from './helpers/cli.js';
import { startMockUpstream, type MockUpstream, type UpstreamRequest } from './helpers/mock-upstream.js';

/**
 * Canaries: distinctive fake secrets sent down every path a request can take, then looked for
 * everywhere the gateway writes. The only place an app key may appear is the stdout of
 * `app-keys create`, which shows it once, by design.
 */
const tag = () => randomBytes(12).toString('hex');
const VAULT_KEY = `sk-canary-vault-${tag()}`;
const ENV_KEY = `sk-canary-env-${tag()}`;
const FORGED_APP_KEY = `sk-sy-${randomBytes(32).toString('base64url')}`;
const PASSPHRASE = `passphrase-${tag()}`;

let dataDir: string;
let upstream: MockUpstream;
let serve: ServeProcess;
let appKey: string;
let limitedAppKey: string;
let env: NodeJS.ProcessEnv;
/** Every response the gateway gave: status line, headers and body. */
const seen: string[] = [];
/** Every CLI output that must be secret-free. */
const cliOutputs: string[] = [];

/** The secret and a long inner slice of it, so a truncated or re-prefixed copy is found too. */
function needles(): { name: string; value: string }[] {
  const secrets = { VAULT_KEY, ENV_KEY, FORGED_APP_KEY, appKey, limitedAppKey, PASSPHRASE };
  return Object.entries(secrets).flatMap(([name, value]) => [
    { name, value },
    { name: `${name} (inner part)`, value: value.slice(8, 28) },
  ]);
}

function leaksIn(where: string, haystack: string | Buffer): string[] {
  const text = typeof haystack === 'string' ? haystack : haystack.toString('latin1');
  return needles().filter((n) => text.includes(n.value)).map((n) => `${n.name} in ${where}`);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

/** An upstream that is careless with what it was sent: its errors echo the Authorization header. */
function echoAuth(status: number) {
  return (req: UpstreamRequest) => ({ status, body: { error: { message: `Incorrect API key provided: ${req.headers.authorization}`, type: 'invalid_request_error' } } });
}

/**
 * Failure paths, each served as its own model: routing cools an endpoint down after repeated
 * failures, and every path must really reach the upstream.
 */
const TROUBLE = ['reject-401', 'reject-400', 'reject-500', 'hang', 'cut'];

const completion = {
  id: 'chatcmpl-canary', object: 'chat.completion', created: 1, model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
};
const chunk = (content: string) =>
  `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`;

async function record(res: Response): Promise<Response> {
  const body = await res.text();
  seen.push(`${res.status}\n${[...res.headers].map(([k, v]) => `${k}: ${v}`).join('\n')}\n\n${body}`);
  return new Response(body, { status: res.status, headers: res.headers });
}

function send(path: string, key: string, body?: Record<string, unknown>) {
  return fetch(`${serve.url}${path}`, {
    method: body ? 'POST' : 'GET',
    headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body && JSON.stringify(body),
  }).then(record);
}

/** POST /v1/messages the way Anthropic clients authenticate. */
function sendAnthropic(key: string, body: Record<string, unknown>) {
  return fetch(`${serve.url}/v1/messages`, {
    method: 'POST',
    headers: { 'x-api-key': key, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
    body: JSON.stringify(body),
  }).then(record);
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'switchyard-canary-'));
  upstream = await startMockUpstream();
  upstream.on('GET', '/v1/models', echoAuth(401));
  upstream.on('POST', '/v1/embeddings', echoAuth(500));
  upstream.on('POST', '/v1/chat/completions', (req) => {
    const prompt = JSON.stringify(req.body);
    if (prompt.includes('reject-401')) return echoAuth(401)(req);
    if (prompt.includes('reject-400')) return echoAuth(400)(req);
    if (prompt.includes('reject-500')) return echoAuth(500)(req);
    if (prompt.includes('hang')) return { hang: true };
    if (prompt.includes('cut')) return { sse: chunk('one') + chunk('two') + chunk('three'), cutAfterBytes: 200 };
    if ((req.body as { stream?: boolean }).stream) {
      return { sse: `${chunk('hi')}data: ${JSON.stringify({ id: 'c', choices: [], usage: completion.usage })}\n\ndata: [DONE]\n\n` };
    }
    return { body: completion };
  });

  const model = { type: 'openai-compatible', baseUrl: `${upstream.url}/v1`, dataPolicy: { local: false }, pricing: { prompt: '0.000001', completion: '0.000002' } };
  const configPath = join(dataDir, 'config.json');
  writeFileSync(configPath, JSON.stringify({
    server: { upstreamTimeoutMs: 1500 },
    providers: {
      vaulted: { ...model, models: ['gpt-4o-mini', ...TROUBLE] },
      envkey: { ...model, models: ['gpt-4o-mini', ...TROUBLE], apiKeyEnv: 'CANARY_PROVIDER_KEY' },
      // No model list: discovery asks the upstream, which answers 401 echoing the key.
      discovered: { ...model, apiKeyEnv: 'CANARY_PROVIDER_KEY' },
    },
  }));
  env = {
    SWITCHYARD_VAULT: 'file',
    SWITCHYARD_VAULT_PASSPHRASE: PASSPHRASE,
    CANARY_PROVIDER_KEY: ENV_KEY,
    // Debug output of Node's HTTP client and server, where headers could surface.
    NODE_DEBUG: 'http,undici',
  };
  const stored = runCli(['keys', 'set', 'vaulted', '--data-dir', dataDir], { input: `${VAULT_KEY}\n`, env });
  expect(stored.status, stored.stderr).toBe(0);
  cliOutputs.push(stored.stdout, stored.stderr);
  const created = runCli(['app-keys', 'create', '--name', 'canary-tool', '--data-dir', dataDir], { env });
  const limited = runCli(['app-keys', 'create', '--name', 'canary-limited', '--limit', '5', '--period', 'daily', '--data-dir', dataDir], { env });
  appKey = created.stdout.split('\n')[0] as string;
  limitedAppKey = limited.stdout.split('\n')[0] as string;
  expect(appKey).toMatch(/^sk-sy-/);
  expect(limitedAppKey).toMatch(/^sk-sy-/);
  cliOutputs.push(created.stderr, limited.stderr);
  serve = await startServe(['--config', configPath], dataDir, env);
}, 120_000);

afterAll(async () => {
  if (serve?.child.exitCode === null) await serve.stop();
  await upstream?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const ask = (model: string, content: string, extra: Record<string, unknown> = {}) => ({
  model, messages: [{ role: 'user', content }], max_tokens: 20, ...extra,
});

describe('secret redaction', () => {
  it('removes every copy of the key from upstream text and leaves other text alone', () => {
    const text = `{"error":{"message":"Incorrect API key provided: Bearer ${VAULT_KEY}. Key ${VAULT_KEY} is revoked"}}`;
    const redacted = redactSecret(text, VAULT_KEY);
    expect(redacted).not.toContain(VAULT_KEY);
    expect(redacted).toBe(`{"error":{"message":"Incorrect API key provided: Bearer ${REDACTED}. Key ${REDACTED} is revoked"}}`);
    expect(redactSecret(text, undefined)).toBe(text);
  });
});

describe('canary secrets', () => {
  it('reach the upstream, so the paths below really carry them', async () => {
    expect((await send('/v1/chat/completions', appKey, ask('vaulted/gpt-4o-mini', 'hello'))).status).toBe(200);
    expect((await send('/v1/chat/completions', limitedAppKey, ask('envkey/gpt-4o-mini', 'hello', { stream: true }))).status).toBe(200);
    const auths = upstream.requests.map((r) => r.headers.authorization);
    expect(auths).toContain(`Bearer ${VAULT_KEY}`);
    expect(auths).toContain(`Bearer ${ENV_KEY}`);
  });

  it('never appear in responses, files, logs or CLI output, whatever path a request takes', async () => {
    for (const [key, provider] of [[appKey, 'vaulted'], [limitedAppKey, 'envkey']] as const) {
      expect((await sendAnthropic(key, ask(`${provider}/gpt-4o-mini`, 'hello'))).status).toBe(200);
      const cut = await send('/v1/chat/completions', key, ask(`${provider}/cut`, 'cut', { stream: true }));
      expect(await cut.text()).toContain('"finish_reason":"error"');
      for (const trouble of TROUBLE.filter((t) => t !== 'cut')) await send('/v1/chat/completions', key, ask(`${provider}/${trouble}`, trouble));
      await sendAnthropic(key, ask(`${provider}/reject-401`, 'reject-401'));
      await send('/v1/embeddings', key, { model: `${provider}/reject-500`, input: 'reject-500' });
    }
    for (const trouble of TROUBLE) {
      for (const key of [VAULT_KEY, ENV_KEY]) {
        const reached = upstream.requests.some((r) => r.headers.authorization === `Bearer ${key}` && r.rawBody.includes(trouble));
        expect(reached, `${trouble} reached the upstream with ${key === VAULT_KEY ? 'the vault' : 'the env'} key`).toBe(true);
      }
    }
    // A limited key over its limit, an unknown model, a forged app key, a malformed body.
    await send('/v1/chat/completions', limitedAppKey, ask('envkey/gpt-4o-mini', 'hello', { max_tokens: 10_000_000 }));
    await send('/v1/chat/completions', appKey, ask('nobody/none', 'hello'));
    expect((await send('/v1/chat/completions', FORGED_APP_KEY, ask('vaulted/gpt-4o-mini', 'hello'))).status).toBe(401);
    expect((await send('/v1/key', FORGED_APP_KEY)).status).toBe(401);
    await fetch(`${serve.url}/v1/chat/completions`, {
      method: 'POST', headers: { authorization: `Bearer ${appKey}`, 'content-type': 'application/json' }, body: '{"model": ',
    }).then(record);
    // Read endpoints, the web UI and its control API.
    for (const path of ['/v1/models', '/v1/key', '/v1/credits', '/v1/activity', '/api/v1/models', '/v1/models/vaulted%2Fgpt-4o-mini']) {
      expect((await send(path, appKey)).status).toBe(200);
    }
    await fetch(`${serve.url}/`).then(record);
    const login = await fetch(serve.loginUrl, { redirect: 'manual' }).then(record);
    const cookie = String(login.headers.get('set-cookie')).split(';', 1)[0] as string;
    const status = await fetch(`${serve.url}/_app/api/status`, { headers: { cookie } }).then(record);
    expect(status.status).toBe(200);
    const recent = ((await status.json()) as { recent: { id: string }[] }).recent;
    expect(recent.length).toBeGreaterThan(0);
    for (const { id } of recent.slice(0, 5)) await send(`/v1/generation?id=${id}`, appKey);

    // Everything the CLI shows about keys and usage.
    for (const args of [['usage', '--json'], ['usage', '--csv'], ['usage'], ['app-keys', 'list'], ['app-keys', 'list', '--json'], ['keys', 'list']]) {
      const out = runCli([...args, '--data-dir', dataDir], { env });
      expect(out.status, out.stderr).toBe(0);
      cliOutputs.push(out.stdout, out.stderr);
    }
    const rows = JSON.parse(runCli(['usage', '--json', '--data-dir', dataDir], { env }).stdout) as { status: number }[];
    expect(rows.length).toBeGreaterThanOrEqual(20);

    const leaks: string[] = [];
    seen.forEach((response, i) => leaks.push(...leaksIn(`response #${i}`, response)));
    cliOutputs.forEach((out, i) => leaks.push(...leaksIn(`CLI output #${i}`, out)));
    // With the server still running, the WAL holds the recent rows.
    const files = filesUnder(dataDir);
    expect(files.some((f) => f.endsWith('usage.db-wal'))).toBe(true);
    for (const file of files) leaks.push(...leaksIn(`${file} (server running)`, readFileSync(file)));

    expect(await serve.stop()).toBe(0);
    for (const file of filesUnder(dataDir)) leaks.push(...leaksIn(`${file} (after shutdown)`, readFileSync(file)));
    leaks.push(...leaksIn('serve stdout', serve.stdout()), ...leaksIn('serve stderr', serve.stderr()));
    // The debug channels were really on, so their silence means something.
    expect(serve.stderr()).toMatch(/HTTP \d+|UNDICI \d+/);
    expect(leaks).toEqual([]);
  }, 120_000);
});
