/**
 * Loaders for the recorded provider traffic in test/fixtures (see test/fixtures/SOURCES.md).
 *
 * Every container format is normalised to the same `Recording` shape:
 * - bodies are decoded text: HTTP chunked framing removed, gzip/deflate/br `!!binary` bodies
 *   inflated, pydantic-ai `parsed_body` re-serialised with JSON.stringify (its keys are
 *   alphabetical, not wire order);
 * - headers are lowercased, repeated values joined with ", ", and the headers that describe
 *   the recorded framing rather than the decoded body (content-length, transfer-encoding,
 *   content-encoding, connection, keep-alive) are dropped, so a replay can frame the body itself;
 * - `path` is the request target as sent on the wire: pathname plus query string.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface RecordedResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface Recording {
  request: RecordedRequest;
  response: RecordedResponse;
}

const fixturesRoot = fileURLToPath(new URL('../fixtures/', import.meta.url));

/** Absolute path of a file under test/fixtures, e.g. `fixturePath('openai/vercel__openai-text.json')`. */
export function fixturePath(relativePath: string): string {
  const absolute = path.resolve(fixturesRoot, relativePath);
  if (!absolute.startsWith(fixturesRoot)) {
    throw new Error(`fixture path escapes test/fixtures: ${relativePath}`);
  }
  return absolute;
}

/** A verbatim body file (`*.json`, `extracted/*.sse`, `extracted/*.ndjson`) as text. */
export function loadBody(relativePath: string): string {
  return readFileSync(fixturePath(relativePath), 'utf8');
}

export interface ChunksOptions {
  /**
   * Write `event: <payload.type>` before each `data:` line, restoring the named events
   * that Anthropic sends and that the vercel format drops.
   */
  eventFromType?: boolean;
}

const typedPayload = z.object({ type: z.string() });

/**
 * A vercel/ai `*.chunks.txt` (one SSE `data:` JSON payload per line) rebuilt as an SSE body:
 * `data: <line>\n\n` per line. No `data: [DONE]` is appended: the format strips all SSE
 * framing, so it records no terminator, and the providers whose chunks files we hold
 * (Anthropic, Gemini) never send one. OpenAI-style streams with `[DONE]` come from the
 * verbatim `extracted/*.sse` files instead.
 */
export function loadChunks(relativePath: string, options: ChunksOptions = {}): string {
  const lines = loadBody(relativePath)
    .split('\n')
    .filter((line) => line.trim() !== '');
  return lines
    .map((line) => {
      const data = `data: ${line}\n\n`;
      if (!options.eventFromType) return data;
      const { type } = typedPayload.parse(JSON.parse(line));
      return `event: ${type}\n${data}`;
    })
    .join('');
}

const framingHeaders = new Set(['content-length', 'transfer-encoding', 'content-encoding', 'connection', 'keep-alive']);

function normaliseHeaders(entries: Iterable<readonly [string, string | readonly string[]]>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of entries) {
    const key = name.toLowerCase();
    if (framingHeaders.has(key)) continue;
    const joined = typeof value === 'string' ? value : value.join(', ');
    const previous = headers[key];
    headers[key] = previous === undefined ? joined : `${previous}, ${joined}`;
  }
  return headers;
}

function contentEncodingOf(entries: Iterable<readonly [string, string | readonly string[]]>): string {
  for (const [name, value] of entries) {
    if (name.toLowerCase() === 'content-encoding') {
      return (typeof value === 'string' ? value : value.join(',')).trim().toLowerCase();
    }
  }
  return '';
}

function decodeBytes(bytes: Uint8Array, contentEncoding: string): string {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (contentEncoding) {
    case '':
    case 'identity':
      return buffer.toString('utf8');
    case 'gzip':
    case 'x-gzip':
      return gunzipSync(buffer).toString('utf8');
    case 'deflate':
      return inflateSync(buffer).toString('utf8');
    case 'br':
      return brotliDecompressSync(buffer).toString('utf8');
    default:
      throw new Error(`unsupported content-encoding in recording: ${contentEncoding}`);
  }
}

function pathOf(url: string): string {
  const parsed = new URL(url);
  return `${parsed.pathname}${parsed.search}`;
}

// ---------------------------------------------------------------------------------------------
// Go httprr v1: "httprr trace v1\n", then per interaction "<reqBytes> <respBytes>\n" followed by
// exactly that many bytes of raw HTTP request and raw HTTP response.

const httprrMagic = 'httprr trace v1\n';

interface RawHttpMessage {
  startLine: string;
  headers: Array<[string, string]>;
  body: Buffer;
}

function parseRawHttp(bytes: Buffer, where: string): RawHttpMessage {
  const text = bytes.toString('latin1');
  const headerEnd = /\r?\n\r?\n/.exec(text);
  if (!headerEnd) throw new Error(`${where}: no end of HTTP header block`);
  const [startLine = '', ...headerLines] = text.slice(0, headerEnd.index).split(/\r?\n/);
  const headers = headerLines.map((line): [string, string] => {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`${where}: malformed header line ${JSON.stringify(line)}`);
    return [line.slice(0, colon).trim(), line.slice(colon + 1).trim()];
  });
  return { startLine, headers, body: bytes.subarray(headerEnd.index + headerEnd[0].length) };
}

function decodeChunkedFraming(body: Buffer, where: string): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = body.indexOf('\r\n', offset);
    if (lineEnd < 0) throw new Error(`${where}: truncated chunk size line`);
    const size = Number.parseInt(body.subarray(offset, lineEnd).toString('latin1').split(';')[0] ?? '', 16);
    if (!Number.isInteger(size) || size < 0) throw new Error(`${where}: bad chunk size`);
    if (size === 0) return Buffer.concat(parts);
    const start = lineEnd + 2;
    if (start + size > body.length) throw new Error(`${where}: chunk overruns body`);
    parts.push(body.subarray(start, start + size));
    offset = start + size + 2;
  }
}

function httprrBody(message: RawHttpMessage, where: string): string {
  const chunked = message.headers.some(
    ([name, value]) => name.toLowerCase() === 'transfer-encoding' && value.toLowerCase().includes('chunked'),
  );
  const bytes = chunked ? decodeChunkedFraming(message.body, where) : message.body;
  return decodeBytes(bytes, contentEncodingOf(message.headers));
}

/** Every interaction of a Go httprr v1 trace (`*.httprr`). */
export function loadHttprr(relativePath: string): Recording[] {
  const bytes = readFileSync(fixturePath(relativePath));
  if (bytes.subarray(0, httprrMagic.length).toString('latin1') !== httprrMagic) {
    throw new Error(`${relativePath}: not an httprr v1 trace`);
  }
  const recordings: Recording[] = [];
  let offset = httprrMagic.length;
  while (offset < bytes.length) {
    const where = `${relativePath} interaction ${recordings.length}`;
    const lineEnd = bytes.indexOf('\n', offset);
    const sizes = /^(\d+) (\d+)$/.exec(bytes.subarray(offset, lineEnd < 0 ? bytes.length : lineEnd).toString('latin1'));
    if (lineEnd < 0 || !sizes) throw new Error(`${where}: bad size line`);
    const requestStart = lineEnd + 1;
    const responseStart = requestStart + Number(sizes[1]);
    const end = responseStart + Number(sizes[2]);
    if (end > bytes.length) throw new Error(`${where}: sizes overrun the file`);

    const request = parseRawHttp(bytes.subarray(requestStart, responseStart), `${where} request`);
    const response = parseRawHttp(bytes.subarray(responseStart, end), `${where} response`);
    const requestLine = /^(\S+) (\S+) HTTP\/[\d.]+$/.exec(request.startLine);
    const statusLine = /^HTTP\/[\d.]+ (\d{3})\b/.exec(response.startLine);
    if (!requestLine?.[1] || !requestLine[2]) throw new Error(`${where}: bad request line`);
    if (!statusLine?.[1]) throw new Error(`${where}: bad status line`);

    recordings.push({
      request: {
        method: requestLine[1],
        path: pathOf(requestLine[2]),
        headers: normaliseHeaders(request.headers),
        body: httprrBody(request, `${where} request`),
      },
      response: {
        status: Number(statusLine[1]),
        headers: normaliseHeaders(response.headers),
        body: httprrBody(response, `${where} response`),
      },
    });
    offset = end;
  }
  return recordings;
}

// ---------------------------------------------------------------------------------------------
// vcrpy YAML cassettes (pydantic-ai and dd-trace flavours, including the legacy httpx layout).

const yamlScalar = z.union([z.string(), z.number(), z.boolean()]).transform(String);
const vcrHeaders = z.record(z.string(), z.array(yamlScalar)).default({});
const vcrRawBody = z.union([z.string(), z.instanceof(Uint8Array)]);
const vcrBody = z.union([vcrRawBody, z.object({ string: vcrRawBody }), z.null()]).optional();

const vcrInteraction = z.object({
  request: z.object({
    method: z.string(),
    uri: z.string(),
    headers: vcrHeaders,
    body: vcrBody,
    parsed_body: z.unknown().optional(),
  }),
  response: z.object({
    status: z.object({ code: z.number().int() }).optional(),
    status_code: z.number().int().optional(),
    headers: vcrHeaders,
    body: vcrBody,
    content: z.string().optional(),
    parsed_body: z.unknown().optional(),
  }),
});

const vcrCassette = z.object({ interactions: z.array(vcrInteraction) });

type VcrPart = {
  headers: Record<string, string[]>;
  body?: z.infer<typeof vcrBody>;
  content?: string;
  parsed_body?: unknown;
};

function vcrBodyText(part: VcrPart): string {
  if (part.parsed_body !== undefined) return JSON.stringify(part.parsed_body);
  if (part.content !== undefined) return part.content;
  const raw = typeof part.body === 'object' && part.body !== null && 'string' in part.body ? part.body.string : part.body;
  if (raw === undefined || raw === null) return '';
  if (typeof raw === 'string') return raw;
  return decodeBytes(raw, contentEncodingOf(Object.entries(part.headers)));
}

/** Every interaction of a vcrpy cassette (`*.yaml`). */
export function loadVcrYaml(relativePath: string): Recording[] {
  const cassette = vcrCassette.parse(parseYaml(loadBody(relativePath)));
  return cassette.interactions.map(({ request, response }, index) => {
    const status = response.status?.code ?? response.status_code;
    if (status === undefined) throw new Error(`${relativePath} interaction ${index}: no response status`);
    return {
      request: {
        method: request.method,
        path: pathOf(request.uri),
        headers: normaliseHeaders(Object.entries(request.headers)),
        body: vcrBodyText(request),
      },
      response: {
        status,
        headers: normaliseHeaders(Object.entries(response.headers)),
        body: vcrBodyText(response),
      },
    };
  });
}

// ---------------------------------------------------------------------------------------------
// dd-trace JSON cassettes: one interaction with raw body strings.

const ddTraceCassette = z.object({
  request: z.object({
    method: z.string(),
    url: z.string(),
    headers: z.record(z.string(), z.string()),
    body: z.string().nullable(),
  }),
  response: z.object({
    status: z.object({ code: z.number().int() }),
    headers: z.record(z.string(), z.string()),
    body: z.string(),
  }),
});

/** The single interaction of a dd-trace JSON cassette (`dd-trace__*.json`). */
export function loadDdTraceJson(relativePath: string): Recording {
  const { request, response } = ddTraceCassette.parse(JSON.parse(loadBody(relativePath)));
  return {
    request: {
      method: request.method,
      path: pathOf(request.url),
      headers: normaliseHeaders(Object.entries(request.headers)),
      body: request.body ?? '',
    },
    response: {
      status: response.status.code,
      headers: normaliseHeaders(Object.entries(response.headers)),
      body: response.body,
    },
  };
}
