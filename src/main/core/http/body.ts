import type { IncomingMessage } from 'node:http';
import { GatewayError } from '../../../shared/errors.js';

export const DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024;

function tooLarge(limit: number): GatewayError {
  // The rest of the body is never read, so the connection cannot be reused.
  return new GatewayError(413, 'body_too_large', `Request body exceeds ${limit} bytes`, { limit_bytes: limit }, {
    connection: 'close',
  });
}

/**
 * Reads the whole body with 'data'/'end' listeners: a stream's async iterator costs a few µs per
 * request, and every API request passes here. Past the limit the request is destroyed, as
 * leaving a `for await` over it did.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(tooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        stop();
        req.destroy();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      stop();
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    };
    const onError = (err: Error) => {
      stop();
      reject(err);
    };
    // The client left before the body ended: nothing more will come.
    const onClose = () => {
      stop();
      reject(new GatewayError(400, 'incomplete_body', 'The request body ended before its declared length'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

/**
 * Deeper JSON is refused at the edge: what reads a body later (zod, JSON.stringify for the
 * upstream request) recurses, and a stack overflow there would pass for a provider failure.
 * Real requests stay far below this; tool schemas nest a few dozen levels at most.
 */
export const MAX_JSON_DEPTH = 256;

/** Whether `value` nests containers more than `room` levels deep; never recurses past `room`. */
function nestsDeeper(value: unknown, room: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (room === 0) return true;
  if (Array.isArray(value)) {
    for (const item of value) if (nestsDeeper(item, room - 1)) return true;
    return false;
  }
  for (const key in value) if (nestsDeeper((value as Record<string, unknown>)[key], room - 1)) return true;
  return false;
}

export async function readJsonObject(req: IncomingMessage, limit: number): Promise<Record<string, unknown>> {
  const raw = await readBody(req, limit);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch (err) {
    throw new GatewayError(400, 'invalid_json', `Request body is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new GatewayError(400, 'invalid_request', 'Request body must be a JSON object');
  }
  if (nestsDeeper(parsed, MAX_JSON_DEPTH)) {
    throw new GatewayError(400, 'invalid_json', `Request body nests JSON more than ${MAX_JSON_DEPTH} levels deep`, { max_depth: MAX_JSON_DEPTH });
  }
  return parsed as Record<string, unknown>;
}
