/**
 * The floor for a Node gateway: node:http in, undici out, bytes passed through untouched
 * (no parsing, no logging, no auth). Run in its own process:
 * `node .bench-tmp/lean-proxy.mjs --upstream http://127.0.0.1:PORT` (built by bench/run.ts).
 * Prints `READY {"port":N}` once listening on 127.0.0.1.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { Pool } from 'undici';
import { announceReady, stringFlag } from './child-io.js';

const upstream = stringFlag('--upstream');
if (!upstream) throw new Error('--upstream URL is required');
const pool = new Pool(upstream, { connections: 256, keepAliveTimeout: 60_000 });

// Hop-by-hop headers belong to one connection, and undici refuses most of them.
const hopByHop = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'expect', 'host', 'proxy-connection', 'te', 'trailer']);

function forwardable(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const kept: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !hopByHop.has(name)) kept[name] = value;
  }
  return kept;
}

async function relay(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const upstreamResponse = await pool.request({
    method: req.method === 'GET' ? 'GET' : 'POST',
    path: req.url ?? '/',
    headers: forwardable(req.headers),
    body: req.method === 'GET' ? null : req,
  });
  res.writeHead(upstreamResponse.statusCode, forwardable(upstreamResponse.headers));
  await pipeline(upstreamResponse.body, res);
}

const server = createServer((req, res) => {
  relay(req, res).catch(() => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
    res.end();
  });
});
server.keepAliveTimeout = 120_000;
server.listen(0, '127.0.0.1', () => announceReady(server));
process.on('SIGTERM', () => process.exit(0));
