/**
 * A real HTTP server on 127.0.0.1 that plays a provider API for integration tests: it records
 * what the gateway sent and answers with scripted or recorded replies, including the failure
 * modes a real upstream shows (slow, hanging, cut mid-body, redirecting).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Recording } from './fixtures.js';

export interface MockReply {
  /** Default 200 (302 with `redirectTo`). */
  status?: number;
  /** Override the defaults (content-type, content-length); names are case-insensitive. */
  headers?: Record<string, string>;
  /** Sent in one write with a content-length; an object is JSON-encoded. */
  body?: string | object;
  /** A raw SSE body, streamed as one write per event (split at blank lines, as recorded). */
  sse?: string;
  /** Also split every SSE event in two at its middle byte, so readers must reassemble events. */
  splitMidEvent?: boolean;
  /** Pause between SSE writes. */
  chunkDelayMs?: number;
  /** Pause before the status line. */
  delayMs?: number;
  /** Never answer; the connection stays open until the client gives up or the mock closes. */
  hang?: boolean;
  /** Send only this many body bytes, then destroy the socket. */
  cutAfterBytes?: number;
  /** Answer with a redirect to this Location. */
  redirectTo?: string;
}

export interface UpstreamRequest {
  method: string;
  /** The request target as received: pathname plus query string. */
  url: string;
  /** Pathname only. */
  path: string;
  /** Lowercased names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  rawBody: string;
  /** `rawBody` parsed as JSON, or undefined when it is empty or not JSON. */
  body: unknown;
  /** Settles when the exchange ends: 'finished' after a complete reply, 'aborted' otherwise. */
  closed: Promise<'finished' | 'aborted'>;
  /** performance.now() when the exchange ended (the socket closed, or the reply finished). */
  closedAt: Promise<number>;
}

export type MockHandler = (request: UpstreamRequest) => MockReply | Promise<MockReply>;
export type MockResponder = MockReply | MockHandler;
/** Keyed by `"METHOD /pathname"`, e.g. `{ 'GET /v1/models': { body: {...} } }`; `*` matches any method. */
export type MockRoutes = Record<string, MockResponder>;

export interface MockUpstream {
  /** `http://127.0.0.1:PORT`; an OpenAI-compatible baseUrl is `${url}/v1`. */
  url: string;
  /** Every request received, in arrival order, recorded once its body has been read. */
  requests: UpstreamRequest[];
  /** One-shot replies for requests that match no route, used in FIFO order. */
  enqueue(...responders: MockResponder[]): void;
  /** A standing reply for method + pathname (exact string or RegExp); the latest registration wins. */
  on(method: string, path: string | RegExp, responder: MockResponder): void;
  close(): Promise<void>;
}

interface Route {
  method: string;
  path: string | RegExp;
  responder: MockResponder;
}

/**
 * Resolution order for each request: the routes (latest first), then the enqueued replies,
 * otherwise a 404 whose message names the unrouted request.
 */
export async function startMockUpstream(routes: MockRoutes = {}): Promise<MockUpstream> {
  const routeList: Route[] = Object.entries(routes).map(([key, responder]) => {
    const [method = '', path = ''] = key.split(' ', 2);
    if (!method || !path.startsWith('/')) throw new Error(`mock route key must be "METHOD /path": ${key}`);
    return { method, path, responder };
  });
  const queue: MockResponder[] = [];
  const requests: UpstreamRequest[] = [];

  function pick(request: UpstreamRequest): MockResponder | undefined {
    for (let i = routeList.length - 1; i >= 0; i--) {
      const route = routeList[i];
      if (!route) continue;
      const methodMatches = route.method === '*' || route.method.toUpperCase() === request.method;
      const pathMatches = typeof route.path === 'string' ? route.path === request.path : route.path.test(request.path);
      if (methodMatches && pathMatches) return route.responder;
    }
    return queue.shift();
  }

  const server = http.createServer((req, res) => {
    let ended: (at: number) => void = () => undefined;
    const closedAt = new Promise<number>((resolve) => (ended = resolve));
    const closed = new Promise<'finished' | 'aborted'>((resolve) => {
      res.once('close', () => {
        ended(performance.now());
        resolve(res.writableFinished ? 'finished' : 'aborted');
      });
    });
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => {
      const request = recordRequest(req, Buffer.concat(parts).toString('utf8'), closed, closedAt);
      requests.push(request);
      const responder = pick(request) ?? unrouted(request);
      void answer(res, request, responder);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    enqueue: (...responders) => {
      queue.push(...responders);
    },
    on: (method, path, responder) => {
      routeList.push({ method, path, responder });
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** A reply that replays a recorded response; `overrides` add failure modes or pacing. */
export function replyFromRecording(recording: Recording, overrides: MockReply = {}): MockReply {
  const { status, headers, body } = recording.response;
  const isSse = (headers['content-type'] ?? '').toLowerCase().includes('text/event-stream');
  return { status, headers, ...(isSse ? { sse: body } : { body }), ...overrides };
}

function recordRequest(
  req: http.IncomingMessage,
  rawBody: string,
  closed: Promise<'finished' | 'aborted'>,
  closedAt: Promise<number>,
): UpstreamRequest {
  const url = req.url ?? '/';
  const headers: Record<string, string> = {};
  for (const [name, values] of Object.entries(req.headersDistinct)) {
    if (values) headers[name] = values.join(', ');
  }
  return {
    method: req.method ?? 'GET',
    url,
    path: new URL(url, 'http://mock.invalid').pathname,
    headers,
    rawBody,
    body: parseJsonOrUndefined(rawBody),
    closed,
    closedAt,
  };
}

function parseJsonOrUndefined(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function unrouted(request: UpstreamRequest): MockReply {
  return {
    status: 404,
    body: {
      error: { message: `mock upstream has no reply for ${request.method} ${request.url}`, type: 'mock_unrouted' },
    },
  };
}

async function answer(res: http.ServerResponse, request: UpstreamRequest, responder: MockResponder): Promise<void> {
  let reply: MockReply;
  try {
    reply = typeof responder === 'function' ? await responder(request) : responder;
  } catch (error) {
    reply = { status: 500, body: { error: { message: `mock handler threw: ${String(error)}`, type: 'mock_handler' } } };
  }
  if (reply.hang) return;
  if (reply.delayMs) await pause(reply.delayMs, res);
  if (res.destroyed) return;

  if (reply.redirectTo !== undefined) {
    res.writeHead(reply.status ?? 302, mergeHeaders({ location: reply.redirectTo }, reply.headers));
    res.end();
    return;
  }

  let chunks: Buffer[];
  let defaults: Record<string, string>;
  if (reply.sse !== undefined) {
    chunks = sseChunks(reply.sse, reply.splitMidEvent ?? false);
    defaults = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' };
  } else {
    const text = reply.body === undefined || typeof reply.body === 'string' ? (reply.body ?? '') : JSON.stringify(reply.body);
    const body = Buffer.from(text);
    chunks = body.length === 0 ? [] : [body];
    defaults = { 'content-length': String(body.length) };
    if (reply.body !== undefined) defaults['content-type'] = 'application/json';
  }
  res.writeHead(reply.status ?? 200, mergeHeaders(defaults, reply.headers));
  await writeChunks(res, chunks, reply);
}

async function writeChunks(res: http.ServerResponse, chunks: Buffer[], reply: MockReply): Promise<void> {
  let sent = 0;
  for (const [index, chunk] of chunks.entries()) {
    if (res.destroyed) return;
    if (index > 0) await pause(reply.chunkDelayMs ?? 0, res);
    if (res.destroyed) return;
    const cut = reply.cutAfterBytes;
    if (cut !== undefined && sent + chunk.length >= cut) {
      await write(res, chunk.subarray(0, cut - sent));
      res.destroy();
      return;
    }
    await write(res, chunk);
    sent += chunk.length;
  }
  if (reply.cutAfterBytes !== undefined) {
    res.destroy();
    return;
  }
  res.end();
}

function write(res: http.ServerResponse, chunk: Buffer): Promise<void> {
  return new Promise((resolve) => {
    if (chunk.length === 0) {
      res.flushHeaders();
      resolve();
      return;
    }
    res.write(chunk, () => resolve());
  });
}

/** Waits `ms` (a macrotask at least, so consecutive writes leave as separate packets) or until `res` closes. */
function pause(ms: number, res: http.ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      res.off('close', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    res.once('close', done);
  });
}

/** Splits an SSE body after each blank-line event terminator (LF or CRLF), keeping every byte. */
function sseChunks(sse: string, splitMidEvent: boolean): Buffer[] {
  const events: Buffer[] = [];
  const boundary = /\r?\n\r?\n/g;
  let start = 0;
  for (let match = boundary.exec(sse); match; match = boundary.exec(sse)) {
    const end = match.index + match[0].length;
    events.push(Buffer.from(sse.slice(start, end)));
    start = end;
  }
  if (start < sse.length) events.push(Buffer.from(sse.slice(start)));
  if (!splitMidEvent) return events;
  return events.flatMap((event) => {
    const middle = Math.floor(event.length / 2);
    return middle === 0 ? [event] : [event.subarray(0, middle), event.subarray(middle)];
  });
}

function mergeHeaders(defaults: Record<string, string>, overrides: Record<string, string> = {}): Record<string, string> {
  const merged = { ...defaults };
  for (const [name, value] of Object.entries(overrides)) merged[name.toLowerCase()] = value;
  return merged;
}

/** A client that leaves stops the upstream request (and its bill) within this long. */
export const CANCEL_BOUND_MS = 1_000;

/** Longer than any bound a test asserts: a request still open by then counts as never closed. */
const CLOSE_WAIT_MS = 5_000;

/**
 * How the upstream exchange ended and how long after `leftAt` (performance.now() when the client
 * went away), measured here in the upstream, where a cancelled request stops costing money.
 */
export async function upstreamCloseDelay(
  request: UpstreamRequest,
  leftAt: number,
): Promise<{ closed: 'finished' | 'aborted' | 'open'; afterMs: number }> {
  let timer: NodeJS.Timeout | undefined;
  const open = new Promise<'open'>((resolve) => (timer = setTimeout(() => resolve('open'), CLOSE_WAIT_MS)));
  const closed = await Promise.race([request.closed, open]);
  clearTimeout(timer);
  if (closed === 'open') return { closed, afterMs: Number.POSITIVE_INFINITY };
  return { closed, afterMs: (await request.closedAt) - leftAt };
}
