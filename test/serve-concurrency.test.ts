import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBody } from './helpers/fixtures.js';
import { startMockUpstream, type MockUpstream } from './helpers/mock-upstream.js';
import { runCli, startServe, type ServeProcess } from './helpers/cli.js';

/** Above Node's default of 10 listeners per event target. */
const CONCURRENT = 24;

let dir: string;
let upstream: MockUpstream;
let serve: ServeProcess;
let appKey: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'switchyard-concurrency-'));
  const dataDir = join(dir, 'data');
  upstream = await startMockUpstream();
  writeFileSync(
    join(dir, 'config.json'),
    // Declared local: keyless (a loopback URL alone is cloud and needs a key).
    JSON.stringify({ providers: { mock: { type: 'openai-compatible', baseUrl: `${upstream.url}/v1`, models: ['m'], dataPolicy: { local: true }, pricing: { prompt: '0.000001', completion: '0.000002' } } } }),
  );
  const created = runCli(['app-keys', 'create', '--name', 'load', '--data-dir', dataDir]);
  expect(created.status).toBe(0);
  appKey = created.stdout.split('\n')[0] as string;
  serve = await startServe(['--port', '0', '--config', join(dir, 'config.json')], dataDir);
}, 120_000);

afterAll(async () => {
  if (serve && serve.child.exitCode === null) await serve.stop();
  await upstream?.close();
  rmSync(dir, { recursive: true, force: true });
});

function post(body: Record<string, unknown>): Promise<Response> {
  return fetch(`${serve.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${appKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'mock/m', messages: [{ role: 'user', content: 'hi' }], ...body }),
  });
}

describe('serve under concurrent load', () => {
  it(`prints no warning with ${CONCURRENT} requests in flight at once (JSON and streams)`, async () => {
    upstream.on('POST', '/v1/chat/completions', (req) =>
      (req.body as { stream?: boolean }).stream
        ? { sse: loadBody('openai/extracted/stream_text_include_usage.sse'), delayMs: 300 }
        : { body: JSON.parse(loadBody('openai/vercel__openai-text.json')) as object, delayMs: 300 },
    );
    const answers = await Promise.all(
      Array.from({ length: CONCURRENT }, async (_, i) => {
        const res = await post({ stream: i % 2 === 1 });
        await res.text();
        return res.status;
      }),
    );
    expect(answers).toEqual(Array.from({ length: CONCURRENT }, () => 200));
    const requests = upstream.requests.filter((r) => r.path === '/v1/chat/completions');
    expect(requests).toHaveLength(CONCURRENT);
    // Warnings are printed on a later tick: SIGTERM, then read everything the server wrote.
    expect(await serve.stop()).toBe(0);
    // Any process warning Node prints starts with "(node:PID)".
    expect(serve.stderr()).not.toMatch(/MaxListenersExceededWarning|\(node:\d+\)/);
  });
});
