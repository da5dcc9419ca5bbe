/**
 * The HTTP surface as an attacker on this machine sees it: a web page in the user's browser
 * (cross-origin requests, DNS rebinding), another local process (malformed and oversized
 * requests, path tricks on the static UI) and any client that reads error bodies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GatewayContext } from '../src/main/core/gateway-context.js';
import { createGatewayServer } from '../src/main/core/http/server.js';
import { OwnerSession } from '../src/main/core/http/owner-session.js';
import { PROVIDER_KEY, startHarness, type Harness } from './helpers/gateway-harness.js';
import { rawRequest, type RawResponse } from './helpers/raw-request.js';

const SECRET_MARKER = 'OUTSIDE-THE-UI-4b1e97';
const PLACEHOLDER = '__ANY_TEXT__';

let h: Harness;
let port: number;
/** The owner's session secret, from the cookie the login link set; it must never show up in a response. */
let token: string;
let ownerCookie: string;
let fixtureDir: string;
/** Every response seen by this file, checked at the end for CORS grants. */
const seen: { what: string; headers: Record<string, unknown> }[] = [];

/** A tiny UI build: the page with the token placeholder, assets, and traps outside or beside it. */
function makeRendererDir(): string {
  fixtureDir = mkdtempSync(join(tmpdir(), 'switchyard-security-'));
  writeFileSync(join(fixtureDir, 'secret.txt'), SECRET_MARKER);
  const root = join(fixtureDir, 'renderer');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), `<!doctype html><meta name="placeholder" content="${PLACEHOLDER}"><title>ui</title>`);
  writeFileSync(join(root, 'assets', 'app.js'), `const UNFILLED = '${PLACEHOLDER}';`);
  writeFileSync(join(root, 'assets', 'app.css'), 'body{margin:0}');
  writeFileSync(join(root, 'assets', 'blob.bin'), 'binary');
  writeFileSync(join(root, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  symlinkSync(join(fixtureDir, 'secret.txt'), join(root, 'leak.txt'));
  mkdirSync(join(root, 'folder.js'));
  return root;
}

beforeAll(async () => {
  h = await startHarness({ gateway: { rendererDir: makeRendererDir() } });
  port = h.gateway.port;
  const login = new URL(h.gateway.createLoginUrl());
  const res = await rawRequest(port, { method: 'GET', path: `${login.pathname}${login.search}` });
  ownerCookie = String(res.headers['set-cookie']).split(';', 1)[0] as string;
  token = ownerCookie.split('=', 2)[1] as string;
});

const owner = () => ({ cookie: ownerCookie });
afterAll(async () => {
  await h?.close();
  if (fixtureDir) rmSync(fixtureDir, { recursive: true, force: true });
});

async function request(opts: { method?: string; path: string; headers?: Record<string, string>; body?: string }): Promise<RawResponse> {
  const res = await rawRequest(port, { method: opts.method ?? 'GET', path: opts.path, headers: opts.headers, body: opts.body });
  seen.push({ what: `${opts.method ?? 'GET'} ${opts.path} ${JSON.stringify(opts.headers ?? {})}`, headers: res.headers });
  return res;
}

/** Bytes as written, for what node's client refuses to send; resolves with all the server wrote once it closes (bounded). */
function exchange(text: string | Buffer): Promise<{ status: number; raw: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let raw = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no close within 5 s; got: ${raw.slice(0, 200)}`));
    }, 5_000);
    socket.on('data', (d: Buffer) => (raw += d.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(raw)?.[1] ?? 0);
      const headers = Object.fromEntries(
        raw
          .split('\r\n\r\n', 1)[0]!
          .split('\r\n')
          .slice(1)
          .map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
      );
      seen.push({ what: JSON.stringify(String(text).slice(0, 80)), headers });
      resolve({ status, raw });
    });
    socket.write(text);
  });
}

const host = () => `Host: 127.0.0.1:${port}\r\n`;
const bearer = () => ({ authorization: `Bearer ${h.appKey}` });
const json = { 'content-type': 'application/json' };
const chatBody = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({ model: 'mock/gpt-4o-mini', messages: [{ role: 'user', content: 'x' }], ...extra });
const COMPLETION = {
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
};

/** The server is still up and answering after whatever came before. */
async function expectStillServing(): Promise<void> {
  const res = await request({ path: '/v1/models', headers: bearer() });
  expect(res.status).toBe(200);
}

describe('Host header (DNS rebinding)', () => {
  it('accepts the loopback names in any letter case', async () => {
    for (const name of [`LOCALHOST:${port}`, `LocalHost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]) {
      const res = await request({ path: '/v1/models', headers: { host: name, ...bearer() } });
      expect(res.status, name).toBe(200);
    }
  });

  it('refuses other spellings of loopback and any other name, on the API, the control API and the page', async () => {
    const names = [
      `localhost.:${port}`,
      `127.0.0.1.:${port}`,
      'localhost',
      '127.0.0.1',
      `[0:0:0:0:0:0:0:1]:${port}`,
      `[::ffff:127.0.0.1]:${port}`,
      `2130706433:${port}`,
      `localhost:${port}.evil.example`,
      `evil.example:${port}`,
    ];
    for (const name of names) {
      for (const [path, headers] of [
        ['/v1/models', bearer()],
        ['/_app/api/status', owner()],
        ['/', {}],
      ] as const) {
        const res = await request({ path, headers: { host: name, ...headers } });
        expect(res.status, `${name} ${path}`).toBe(403);
        expect(res.body).not.toContain(token);
        expect(JSON.parse(res.body)).toMatchObject({ error: { code: 403 } });
      }
    }
  });

  it('refuses a request without Host: HTTP/1.0 gets 403, HTTP/1.1 is rejected by the parser', async () => {
    const old = await exchange(`GET / HTTP/1.0\r\n\r\n`);
    expect(old.status).toBe(403);
    expect(old.raw).not.toContain(token);
    const missing = await exchange(`GET / HTTP/1.1\r\nConnection: close\r\n\r\n`);
    expect(missing.status).toBe(400);
    expect(missing.raw).not.toContain(token);
  });

  it('refuses two Host headers, whichever comes first', async () => {
    for (const pair of [
      [`127.0.0.1:${port}`, 'evil.example'],
      ['evil.example', `127.0.0.1:${port}`],
    ]) {
      const res = await exchange(`GET / HTTP/1.1\r\nHost: ${pair[0]}\r\nHost: ${pair[1]}\r\nConnection: close\r\n\r\n`);
      expect(res.status, pair.join(' + ')).toBe(403);
      expect(res.raw).not.toContain(token);
    }
  });

  it('refuses absolute-form request targets, whose authority would override Host', async () => {
    for (const target of ['http://evil.example/', `http://127.0.0.1:${port}/`, `http://127.0.0.1:${port}/v1/models`, '*']) {
      const res = await exchange(`GET ${target} HTTP/1.1\r\n${host()}Authorization: Bearer ${h.appKey}\r\nConnection: close\r\n\r\n`);
      expect(res.status, target).toBe(400);
      expect(res.raw).not.toContain(token);
    }
  });
});

describe('Origin and fetch metadata', () => {
  const foreign = () => [
    'null',
    'https://evil.example',
    `http://127.0.0.1:${port + 1}`,
    `http://localhost:${port + 1}`,
    `http://127.0.0.1:${port}.evil.example`,
    `http://localhost:${port}.evil.example`,
    `https://127.0.0.1:${port}`,
    `http://127.0.0.1:${port}/`,
    `http://evil.example@127.0.0.1:${port}`,
  ];

  it('refuses foreign origins everywhere: the page with the token, the API, the control API, assets, errors', async () => {
    const targets: [string, string, Record<string, string>][] = [
      ['GET', '/', {}],
      ['GET', '/assets/app.js', {}],
      ['GET', '/v1/models', bearer()],
      ['GET', '/v1/models', {}],
      ['POST', '/v1/chat/completions', { ...bearer(), ...json }],
      ['POST', '/v1/messages', { 'x-api-key': h.appKey, ...json }],
      ['GET', '/_app/api/status', owner()],
      ['GET', '/no/such/route', {}],
    ];
    for (const origin of foreign()) {
      for (const [method, path, headers] of targets) {
        const res = await request({ method, path, headers: { origin, ...headers }, body: method === 'POST' ? chatBody() : undefined });
        expect(res.status, `${origin} ${method} ${path}`).toBe(403);
        expect(res.body).not.toContain(token);
      }
    }
    expect(h.upstream.requests.length).toBe(0);
  });

  it('refuses cross-origin preflights and answers its own without granting anything', async () => {
    for (const origin of foreign()) {
      for (const path of ['/v1/chat/completions', '/_app/api/status', '/']) {
        const res = await request({
          method: 'OPTIONS',
          path,
          headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
        });
        expect(res.status, `${origin} ${path}`).toBe(403);
      }
    }
    const own = await request({ method: 'OPTIONS', path: '/v1/chat/completions', headers: { origin: h.gateway.url, 'access-control-request-method': 'POST' } });
    expect(own.status).toBe(204);
    expect(own.headers['access-control-allow-methods']).toBeUndefined();
  });

  it('refuses cross-site and same-site fetch metadata (another port is the same site), even without an Origin', async () => {
    for (const site of ['cross-site', 'same-site']) {
      for (const path of ['/', '/_app/api/status', '/v1/models']) {
        const res = await request({ path, headers: { 'sec-fetch-site': site, ...owner() } });
        expect(res.status, `${site} ${path}`).toBe(403);
        expect(res.body).not.toContain(token);
      }
    }
    for (const site of ['same-origin', 'none']) {
      const res = await request({ path: '/', headers: { 'sec-fetch-site': site } });
      expect(res.status, site).toBe(200);
    }
  });

  it('accepts its own origin under each loopback name', async () => {
    for (const origin of [`http://127.0.0.1:${port}`, `http://localhost:${port}`, `http://[::1]:${port}`]) {
      const res = await request({ path: '/_app/api/status', headers: { origin, ...owner() } });
      expect(res.status, origin).toBe(200);
    }
  });
});

describe('control API and the owner session', () => {
  it('answers only with the session cookie the login link set', async () => {
    const sameLength = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    const name = ownerCookie.split('=', 1)[0];
    const refused: Record<string, string>[] = [
      {},
      { cookie: `${name}=${sameLength}` },
      { cookie: `${name}=${token}x` },
      { cookie: `${name}=` },
      { cookie: `switchyard_session_${port + 1}=${token}` },
      { cookie: `session=${token}` },
      { authorization: `Bearer ${token}` },
      { authorization: `Bearer ${h.appKey}` },
      { 'x-api-key': token },
    ];
    for (const headers of refused) {
      const res = await request({ path: '/_app/api/status', headers });
      expect(res.status, JSON.stringify(headers)).toBe(401);
      expect(JSON.parse(res.body)).toMatchObject({ error: { code: 401 } });
      expect(res.body).not.toContain(token);
    }
    const viaQuery = await request({ path: `/_app/api/status?token=${token}` });
    expect(viaQuery.status).toBe(401);
    const ok = await request({ path: '/_app/api/status', headers: owner() });
    expect(ok.status).toBe(200);
    expect(ok.headers['cache-control']).toBe('no-store');
  });

  it('spends a login link once: the second visit sets no cookie', async () => {
    const login = new URL(h.gateway.createLoginUrl());
    const first = await request({ path: `${login.pathname}${login.search}` });
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/');
    const cookie = String(first.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const second = await request({ path: `${login.pathname}${login.search}` });
    expect(second.status).toBe(303);
    expect(second.headers['set-cookie']).toBeUndefined();
    const posted = await request({ method: 'POST', path: '/_app/api/session', headers: json, body: JSON.stringify({ login: login.searchParams.get('login') }) });
    expect(posted.status).toBe(401);
  });

  it('signs in a desktop window once through POST /_app/api/session, JSON only', async () => {
    const desktop = h.gateway.issueDesktopLogin();
    const form = await request({ method: 'POST', path: '/_app/api/session', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ login: desktop }) });
    expect(form.status).toBe(415);
    const res = await request({ method: 'POST', path: '/_app/api/session', headers: json, body: JSON.stringify({ login: desktop }) });
    expect(res.status).toBe(200);
    const cookie = String(res.headers['set-cookie']).split(';', 1)[0] as string;
    expect((await request({ path: '/_app/api/session', headers: { cookie } })).status).toBe(200);
    const again = await request({ method: 'POST', path: '/_app/api/session', headers: json, body: JSON.stringify({ login: desktop }) });
    expect(again.status).toBe(401);
  });

  it('does not accept the session cookie on the public API', async () => {
    const res = await request({ path: '/v1/models', headers: owner() });
    expect(res.status).toBe(401);
  });

  it('refuses other methods and unknown control routes after the session check', async () => {
    // node's client frames a DELETE body only when told its length.
    const sized = { ...json, 'content-length': '2' };
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      const anonymous = await request({ method, path: '/_app/api/status', headers: sized, body: '{}' });
      expect(anonymous.status, method).toBe(401);
      const authed = await request({ method, path: '/_app/api/status', headers: { ...owner(), ...sized }, body: '{}' });
      expect(authed.status, method).toBe(405);
    }
    expect((await request({ path: '/_app/api/nope' })).status).toBe(401);
    expect((await request({ path: '/_app/api/nope', headers: owner() })).status).toBe(404);
  });
});

describe('static UI', () => {
  it('serves pages and assets as built, carrying no credential, the page with no-store and no referrer', async () => {
    for (const path of ['/', '/index.html', '/some/client/route']) {
      const page = await request({ path });
      expect(page.status, path).toBe(200);
      expect(page.body).toContain(`content="${PLACEHOLDER}"`);
      expect(page.body).not.toContain(token);
      expect(page.headers['set-cookie']).toBeUndefined();
      expect(page.headers['cache-control']).toBe('no-store');
      expect(page.headers['referrer-policy']).toBe('no-referrer');
    }
    const asset = await request({ path: '/assets/app.js' });
    expect(asset.body).toContain(PLACEHOLDER);
    expect(asset.body).not.toContain(token);
  });

  it('sends security headers and a CSP without inline scripts', async () => {
    const page = await request({ path: '/' });
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['x-frame-options']).toBe('DENY');
    const csp = String(page.headers['content-security-policy']);
    const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    // React sets style attributes (virtual list offsets); scripts stay strictly 'self'.
    expect(directives.get('style-src')).toEqual(["'self'", "'unsafe-inline'"]);
    expect(directives.get('img-src')).toEqual(["'self'", 'data:', 'blob:']);
    expect(directives.get('connect-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
  });

  it('answers HEAD like GET without a body', async () => {
    const res = await exchange(`HEAD / HTTP/1.1\r\n${host()}Connection: close\r\n\r\n`);
    expect(res.status).toBe(200);
    expect(res.raw).toContain('content-security-policy:');
    expect(res.raw.split('\r\n\r\n')[1]).toBe('');
  });

  it('labels content types, unknown ones as octet-stream with nosniff', async () => {
    const types: Record<string, string> = {
      '/assets/app.js': 'text/javascript; charset=utf-8',
      '/assets/app.css': 'text/css; charset=utf-8',
      '/favicon.svg': 'image/svg+xml',
      '/assets/blob.bin': 'application/octet-stream',
    };
    for (const [path, type] of Object.entries(types)) {
      const res = await request({ path });
      expect(res.status, path).toBe(200);
      expect(res.headers['content-type'], path).toBe(type);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    }
  });

  it('never serves a file outside the UI folder: dot segments, encodings, backslashes, absolute paths, null bytes, symlinks', async () => {
    const secret = join(fixtureDir, 'secret.txt');
    const paths = [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/%2E%2E%2Fsecret.txt',
      '/..%2fsecret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/%252e%252e/secret.txt',
      '/..\\secret.txt',
      '/%5c..%5csecret.txt',
      `/${secret}`,
      `//${secret}`,
      `/${encodeURIComponent(secret)}`,
      '/../secret.txt%00.js',
      '/leak.txt',
      '/assets/../leak.txt',
    ];
    for (const path of paths) {
      const res = await exchange(`GET ${path} HTTP/1.1\r\n${host()}Connection: close\r\n\r\n`);
      expect(res.raw, path).not.toContain(SECRET_MARKER);
      expect([200, 400, 404], path).toContain(res.status);
    }
  });

  it('answers a folder named like a file and a null byte in a path without a server error', async () => {
    for (const path of ['/folder.js', '/assets/app.js%00', '/%00']) {
      const res = await request({ path });
      expect([200, 400, 404], path).toContain(res.status);
    }
  });

  it('answers malformed percent-encoding with 400, on the page and on the API', async () => {
    for (const [path, headers] of [
      ['/%E0%A4%A', {}],
      ['/assets/%ZZ.js', {}],
      ['/v1/models/%E0%A4%A', bearer()],
      ['/v1/models/mock%2Fgpt-4o-mini%/endpoints', bearer()],
    ] as const) {
      const res = await request({ path, headers });
      expect(res.status, path).toBe(400);
      expect(JSON.parse(res.body)).toMatchObject({ error: { code: 400 } });
    }
  });
});

describe('methods, paths and query strings', () => {
  it('answers other methods with an OpenAI-shaped 404, authenticated or not', async () => {
    for (const method of ['PUT', 'DELETE', 'PATCH', 'TRACE']) {
      for (const path of ['/v1/chat/completions', '/v1/models', '/api/v1/embeddings']) {
        const res = await request({ method, path, headers: bearer() });
        expect(res.status, `${method} ${path}`).toBe(404);
        expect(JSON.parse(res.body)).toMatchObject({ error: { code: 404, type: 'not_found_error' } });
      }
      const anonymous = await request({ method, path: '/v1/chat/completions' });
      expect(anonymous.status, method).toBe(401);
      const page = await request({ method, path: '/' });
      expect(page.status, method).toBe(404);
    }
    const messages = await request({ method: 'GET', path: '/v1/messages', headers: { 'x-api-key': h.appKey } });
    expect(messages.status).toBe(404);
    expect(JSON.parse(messages.body)).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
  });

  it('closes a CONNECT tunnel request and an upgrade request without answering them as something else', async () => {
    const connect = await exchange(`CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n`);
    expect(connect.raw).not.toContain(' 200 ');
    const upgrade = await request({ path: '/_app/api/status', headers: { connection: 'upgrade', upgrade: 'websocket', ...owner(), origin: 'https://evil.example' } });
    expect(upgrade.status).toBe(403);
    await expectStillServing();
  });

  it('ignores query strings when routing', async () => {
    expect((await request({ path: '/v1/models?x=1&y', headers: bearer() })).status).toBe(200);
    expect((await request({ path: '/v1/credits?', headers: bearer() })).status).toBe(200);
    expect((await request({ path: '/_app/api/status?a=b', headers: owner() })).status).toBe(200);
    h.upstream.enqueue({ body: COMPLETION });
    const chat = await request({ method: 'POST', path: '/v1/chat/completions?model=evil', headers: { ...bearer(), ...json }, body: chatBody() });
    expect(chat.status).toBe(200);
    expect(h.upstream.requests.at(-1)?.url).toBe('/v1/chat/completions');
  });
});

describe('malformed and hostile requests', () => {
  it('rejects request smuggling shapes with 400 and keeps serving', async () => {
    const before = h.upstream.requests.length;
    const auth = `Authorization: Bearer ${h.appKey}\r\nContent-Type: application/json\r\n`;
    const body = chatBody();
    const shapes = [
      `Content-Length: ${body.length}\r\nContent-Length: ${body.length + 1}\r\n`,
      `Content-Length: ${body.length}\r\nTransfer-Encoding: chunked\r\n`,
      'Transfer-Encoding: chunked, identity\r\n',
      'Transfer-Encoding: xchunked\r\n',
      'Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n',
      `Content-Length: +${body.length}\r\n`,
      `Content-Length : ${body.length}\r\n`,
    ];
    for (const shape of shapes) {
      const res = await exchange(`POST /v1/chat/completions HTTP/1.1\r\n${host()}${auth}${shape}Connection: close\r\n\r\n${body}`);
      expect(res.status, shape).toBe(400);
    }
    const badChunk = await exchange(`POST /v1/chat/completions HTTP/1.1\r\n${host()}${auth}Transfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n${body}\r\n0\r\n\r\n`);
    expect(badChunk.status).toBe(400);
    expect(h.upstream.requests.length).toBe(before);
    await expectStillServing();
  });

  it('answers headers over the size limit with 431', async () => {
    const res = await exchange(`GET /v1/models HTTP/1.1\r\n${host()}X-Padding: ${'a'.repeat(64 * 1024)}\r\nConnection: close\r\n\r\n`);
    expect(res.status).toBe(431);
    await expectStillServing();
  });

  it('bounds how long a client may take to send its headers and its request (slowloris)', () => {
    const { server } = createGatewayServer({} as GatewayContext, {
      owner: new OwnerSession(),
      control: async () => undefined,
      rendererDir: undefined,
      shutdownSignal: new AbortController().signal,
    });
    expect(server.headersTimeout).toBeGreaterThan(0);
    expect(server.headersTimeout).toBeLessThanOrEqual(60_000);
    expect(server.requestTimeout).toBeGreaterThan(0);
    expect(server.requestTimeout).toBeLessThanOrEqual(300_000);
  });

  it('refuses a declared body over the limit before reading it', async () => {
    const res = await exchange(`POST /v1/chat/completions HTTP/1.1\r\n${host()}Authorization: Bearer ${h.appKey}\r\nContent-Type: application/json\r\nContent-Length: 999999999999\r\n\r\n{`);
    expect(res.status).toBe(413);
  });

  it('refuses deeply nested JSON with 400 before routing, so the endpoint stays healthy for everyone', async () => {
    const before = h.upstream.requests.length;
    const deep = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
    for (const depth of [10_000, 1_000_000]) {
      const chat = await request({ method: 'POST', path: '/v1/chat/completions', headers: { ...bearer(), ...json }, body: chatBody({ messages: '@' }).replace('"@"', deep(depth)) });
      expect(chat.status, `chat ${depth}`).toBe(400);
      expect(JSON.parse(chat.body)).toMatchObject({ error: { code: 400 } });
      const messages = await request({
        method: 'POST',
        path: '/v1/messages',
        headers: { 'x-api-key': h.appKey, ...json },
        body: JSON.stringify({ model: 'mock/gpt-4o-mini', max_tokens: 5, messages: [{ role: 'user', content: 'x' }], metadata: '@' }).replace('"@"', deep(depth)),
      });
      expect(messages.status, `messages ${depth}`).toBe(400);
      expect(JSON.parse(messages.body)).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    }
    expect(h.upstream.requests.length).toBe(before);
    h.upstream.enqueue({ body: COMPLETION });
    const healthy = await request({ method: 'POST', path: '/v1/chat/completions', headers: { ...bearer(), ...json }, body: chatBody() });
    expect(healthy.status).toBe(200);
  });

  it('accepts JSON nested as deep as real tool schemas go', async () => {
    let schema: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < 40; i++) schema = { type: 'object', properties: { inner: schema } };
    h.upstream.enqueue({ body: COMPLETION });
    const tools = [{ type: 'function', function: { name: 'deep', parameters: schema } }];
    const res = await request({ method: 'POST', path: '/v1/chat/completions', headers: { ...bearer(), ...json }, body: chatBody({ tools }) });
    expect(res.status).toBe(200);
    expect((h.upstream.requests.at(-1)?.body as { tools: unknown }).tools).toEqual(tools);
  });

  it('answers invalid UTF-8 and invalid JSON without failing', async () => {
    const payload = Buffer.concat([Buffer.from('{"model":"mock/none","messages":[],"x":"'), Buffer.from([0xff, 0xfe, 0xc0, 0xaf]), Buffer.from('"}')]);
    const head = `POST /v1/chat/completions HTTP/1.1\r\n${host()}Authorization: Bearer ${h.appKey}\r\nContent-Type: application/json\r\nContent-Length: ${payload.length}\r\nConnection: close\r\n\r\n`;
    const res = await exchange(Buffer.concat([Buffer.from(head), payload]));
    expect(res.status).toBe(404);
    for (const body of ['{', '{"model":', '\u0000', '[]', '"x"', 'null']) {
      const bad = await request({ method: 'POST', path: '/v1/chat/completions', headers: { ...bearer(), ...json }, body });
      expect(bad.status, body).toBe(400);
    }
  });

  it('answers odd model ids with a 404 naming them, and sends nothing upstream', async () => {
    const before = h.upstream.requests.length;
    for (const model of ['../../etc/passwd', 'mock/../../_app/api/status', 'mock/%00', 'mock/\u0000x', 'mock/gpt-4o-mini\n', `mock/${'x'.repeat(100_000)}`, '']) {
      const res = await request({ method: 'POST', path: '/v1/chat/completions', headers: { ...bearer(), ...json }, body: chatBody({ model }) });
      expect([400, 404], JSON.stringify(model.slice(0, 30))).toContain(res.status);
      expect(JSON.parse(res.body)).toMatchObject({ error: { code: res.status } });
    }
    expect(h.upstream.requests.length).toBe(before);
  });
});

describe('what responses never carry', () => {
  it('has no stack trace, provider key, app key, session token or data dir path in any error', async () => {
    h.upstream.enqueue({ status: 401, body: { error: { message: `Incorrect API key provided: ${PROVIDER_KEY}`, type: 'invalid_request_error' } } });
    const requests = [
      request({ method: 'POST', path: '/v1/chat/completions', headers: { ...bearer(), ...json }, body: chatBody() }),
      request({ method: 'POST', path: '/v1/chat/completions', headers: { ...bearer(), ...json }, body: '{"model": nope' }),
      request({ path: '/v1/models', headers: { authorization: 'Bearer sk-sy-wrong' } }),
      request({ path: '/v1/generation?id=../../etc', headers: bearer() }),
      request({ path: '/_app/api/nope', headers: owner() }),
      request({ path: '/%E0%A4%A' }),
      request({ path: '/', headers: { origin: 'null' } }),
    ];
    for (const res of await Promise.all(requests)) {
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.body).not.toMatch(/\n\s+at |node:internal|\.ts:\d+/);
      for (const secret of [PROVIDER_KEY, h.appKey, token, h.dataDir, fixtureDir]) expect(res.body).not.toContain(secret);
    }
  });

  it('grants no cross-origin access on any response seen here, errors and static ones included', () => {
    expect(seen.length).toBeGreaterThan(100);
    for (const { what, headers } of seen) {
      expect(headers['access-control-allow-origin'], what).toBeUndefined();
      expect(headers['access-control-allow-credentials'], what).toBeUndefined();
    }
  });
});
