import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod/mini';
import { GatewayError } from '../../../shared/errors.js';
import { readJsonObject } from '../http/body.js';
import { sendJson } from '../http/respond.js';
import type { OwnerSession } from '../http/owner-session.js';

export const CONTROL_PREFIX = '/_app/api';

/** One control request, as a handler sees it. */
export interface ControlCall {
  req: IncomingMessage;
  res: ServerResponse;
  /** `:name` segments of the route's path, decoded. */
  params: Record<string, string>;
  query: URLSearchParams;
  /** The JSON body parsed with the route's shared schema (400 in the OpenAI shape when it does not fit). */
  body<T>(schema: z.ZodMiniType<T>): Promise<T>;
}

/** Returned by a handler that wrote the response itself (a stream, a download). */
export const RESPONDED = Symbol('responded');

export interface ControlRoute {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Below /_app/api, e.g. `/conversations/:id`. */
  path: string;
  /** Reachable without the owner's session: only the login itself. */
  public?: boolean;
  run(call: ControlCall): unknown;
}

export function parseWith<T>(schema: z.ZodMiniType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
  throw new GatewayError(400, 'invalid_request', `Invalid request: ${issues.join('; ')}`, { issues });
}

function match(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const segment = want[i] as string;
    const actual = got[i] as string;
    if (segment.startsWith(':')) {
      if (!actual) return undefined;
      try {
        params[segment.slice(1)] = decodeURIComponent(actual);
      } catch {
        return undefined;
      }
    } else if (segment !== actual) return undefined;
  }
  return params;
}

/**
 * The control API's front door: every route but the login needs the owner's session cookie,
 * every body is JSON (a form post from another page cannot be), and every answer is no-store.
 * Host and Origin were already checked by the server for all paths.
 */
export function createControlApi(owner: OwnerSession, routes: readonly ControlRoute[], maxBodyBytes: number) {
  return async function handleControl(req: IncomingMessage, res: ServerResponse, method: string, path: string, query: URLSearchParams) {
    const sub = path.slice(CONTROL_PREFIX.length);
    let found: { route: ControlRoute; params: Record<string, string> } | undefined;
    let pathKnown = false;
    for (const route of routes) {
      const params = match(route.path, sub);
      if (!params) continue;
      pathKnown = true;
      if (route.method === method) {
        found = { route, params };
        break;
      }
    }
    if (!found?.route.public) owner.requireOwner(req);
    if (!found) {
      throw new GatewayError(pathKnown ? 405 : 404, pathKnown ? 'method_not_allowed' : 'not_found', `No control route ${method} ${path}`);
    }
    const call: ControlCall = {
      req,
      res,
      params: found.params,
      query,
      async body(schema) {
        const type = req.headers['content-type']?.split(';', 1)[0]?.trim().toLowerCase();
        if (type !== 'application/json') throw new GatewayError(415, 'unsupported_media_type', 'Control requests must send application/json');
        return parseWith(schema, await readJsonObject(req, maxBodyBytes));
      },
    };
    const result = await found.route.run(call);
    if (result === RESPONDED) return;
    if (result === undefined) {
      res.writeHead(204, NO_STORE).end();
      return;
    }
    sendJson(res, 200, result, NO_STORE);
  };
}

const NO_STORE = { 'cache-control': 'no-store' };
