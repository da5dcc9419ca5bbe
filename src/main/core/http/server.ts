import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { GatewayError } from '../../../shared/errors.js';
import type { GatewayContext } from '../gateway-context.js';
import { authenticate } from './auth.js';
import { readJsonObject } from './body.js';
import { getActivity } from './activity-handler.js';
import { getCredits } from './credits-handler.js';
import { getGeneration } from './generation-handler.js';
import { decodePath } from './decode-path.js';
import { checkHost, checkJsonContentType, checkOrigin, checkRequestTarget, loopbackOrigins } from './guards.js';
import { isGeminiPath, type GeminiRoute } from './gemini-handler.js';
import { getKey } from './key-handler.js';
import { getModel, listEndpoints, listModels } from './models-handler.js';
import { proxyOperation } from './proxy-handler.js';
import { sendError, sendJson } from './respond.js';
import { serveStatic } from './static-files.js';
import type { OwnerSession } from './owner-session.js';
import type { Operation } from '../providers/provider-adapter.js';
import type { AppKey } from '../secrets/app-keys.js';

export interface HttpOptions {
  /** Who may use the control API and the web UI's login link. */
  owner: OwnerSession;
  /** The control API (`/_app/api/…`); it checks the owner's session itself. */
  control(req: IncomingMessage, res: ServerResponse, method: string, path: string, query: URLSearchParams): Promise<void>;
  rendererDir: string | undefined;
  /** Aborts in-flight upstream requests when shutdown stops waiting for them. */
  shutdownSignal: AbortSignal;
  /** Extra POST routes under /v1 (e.g. /messages), added by later layers. */
  extraRoutes?: Map<string, ApiRoute>;
  /** Gemini's own API (POST /v1beta/models/{model}:generateContent…), which authenticates and answers in Google's way. */
  geminiRoute?: GeminiRoute;
}

/** An extra POST route under /v1 (e.g. /messages) that answers in its own wire format, errors included. */
export interface ApiRoute {
  handle(req: IncomingMessage, res: ServerResponse, request: ApiRequest): Promise<void>;
  /** Writes any error of the route, including the auth and body errors raised before `handle` runs. */
  sendError(res: ServerResponse, err: unknown): void;
}

export interface ApiRequest {
  appKey: AppKey;
  body: Record<string, unknown>;
  shutdownSignal: AbortSignal;
}

const POST_OPERATIONS: Record<string, Operation> = {
  '/chat/completions': 'chat',
  '/completions': 'completions',
  '/embeddings': 'embeddings',
};

/** `/v1/x` and `/api/v1/x` (OpenRouter's base URL) both map to `/x`. */
function apiPath(path: string): string | undefined {
  if (path.startsWith('/v1/')) return path.slice(3);
  if (path.startsWith('/api/v1/')) return path.slice(7);
  return undefined;
}

export interface GatewayServer {
  server: Server;
  setPort(port: number): void;
  /** Resolves when no request handler is running (their usage rows are recorded by then). */
  idle(): Promise<void>;
}

export function createGatewayServer(ctx: GatewayContext, opts: HttpOptions): GatewayServer {
  let port = 0;
  let inFlight = 0;
  let onIdle: (() => void) | undefined;
  let origins = loopbackOrigins(0);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    checkHost(req, port);
    checkRequestTarget(req);
    checkOrigin(req, origins);
    const method = req.method ?? 'GET';
    const rawUrl = req.url ?? '/';
    const query = rawUrl.indexOf('?');
    const path = query < 0 ? rawUrl : rawUrl.slice(0, query);
    const searchParams = () => new URLSearchParams(query < 0 ? '' : rawUrl.slice(query + 1));

    if (method === 'OPTIONS') {
      // Same-origin pages never preflight; a cross-origin preflight was refused by checkOrigin.
      res.writeHead(204).end();
      return;
    }
    if (opts.geminiRoute && method === 'POST' && isGeminiPath(path)) {
      const gemini = opts.geminiRoute;
      return gemini.handle(req, res, path, searchParams()).catch((err: unknown) => gemini.sendError(res, err));
    }
    const route = apiPath(path);
    const extra = route === undefined ? undefined : opts.extraRoutes?.get(route);
    if (route !== undefined && extra) {
      return serveExtraRoute(extra, route, req, res, method, path).catch((err: unknown) => extra.sendError(res, err));
    }
    if (route !== undefined) {
      if (method === 'POST') checkJsonContentType(req);
      const appKey = authenticate(req, ctx.appKeys, { allowXApiKey: route.startsWith('/messages') });
      if (method === 'POST') {
        const op = POST_OPERATIONS[route];
        if (!op) throw notFound(method, path);
        const body = await readJsonObject(req, ctx.maxBodyBytes);
        return proxyOperation(ctx, res, appKey, op, body, opts.shutdownSignal);
      }
      if (method === 'GET') {
        if (route === '/models') return sendJson(res, 200, listModels(ctx));
        if (route.startsWith('/models/') && route.endsWith('/endpoints')) {
          return sendJson(res, 200, listEndpoints(ctx, decodePath(route.slice(8, -'/endpoints'.length))));
        }
        if (route.startsWith('/models/')) return sendJson(res, 200, getModel(ctx, decodePath(route.slice(8))));
        // OpenRouter's own path for one model (its SDK's models.get), answered in its `{data}` shape.
        if (route.startsWith('/model/')) return sendJson(res, 200, { data: getModel(ctx, decodePath(route.slice(7))) });
        if (route === '/generation') {
          return sendJson(res, 200, getGeneration(ctx, appKey, searchParams().get('id')));
        }
        // `/auth/key` is OpenRouter's older spelling, still used by many tools.
        if (route === '/key' || route === '/auth/key') return sendJson(res, 200, getKey(ctx, appKey), NO_STORE);
        if (route === '/credits') return sendJson(res, 200, getCredits(ctx, appKey), NO_STORE);
        if (route === '/activity') {
          return sendJson(res, 200, getActivity(ctx, appKey, searchParams()), NO_STORE);
        }
      }
      throw notFound(method, path);
    }
    if (path.startsWith('/_app/api/')) return opts.control(req, res, method, path, searchParams());
    if (method === 'GET' || method === 'HEAD') {
      const params = searchParams();
      const login = params.get('login');
      if (login !== null) return redeemLoginLink(res, opts.owner, login, path, params);
      return serveStatic(res, opts.rendererDir, path);
    }
    throw notFound(method, path);
  }

  async function serveExtraRoute(
    extra: ApiRoute,
    route: string,
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    path: string,
  ): Promise<void> {
    if (method === 'POST') checkJsonContentType(req);
    const appKey = authenticate(req, ctx.appKeys, { allowXApiKey: route.startsWith('/messages') });
    if (method !== 'POST') throw notFound(method, path);
    const body = await readJsonObject(req, ctx.maxBodyBytes);
    return extra.handle(req, res, { appKey, body, shutdownSignal: opts.shutdownSignal });
  }

  // Duplicate headers are joined, not all but the first dropped: a second Host must not go unseen (guards.ts).
  const serverOptions = { keepAliveTimeout: 65_000, headersTimeout: 60_000, requestTimeout: 300_000, joinDuplicateHeaders: true };
  const server = createServer(serverOptions, (req, res) => {
    inFlight += 1;
    handle(req, res)
      .catch((err: unknown) => sendError(res, err))
      .finally(() => {
        inFlight -= 1;
        if (inFlight === 0) onIdle?.();
      });
  });
  return {
    server,
    idle: () =>
      inFlight === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            onIdle = resolve;
          }),
    setPort(p: number) {
      port = p;
      origins = loopbackOrigins(p);
    },
  };
}

/**
 * `/?login=TOKEN` (printed by `serve`): spends the token, sets the session cookie and sends the
 * browser to the same page without the token, so it stays out of history and the address bar.
 * A spent or unknown token just lands on the page, which explains how to sign in.
 */
function redeemLoginLink(res: ServerResponse, owner: OwnerSession, token: string, path: string, params: URLSearchParams): void {
  const cookie = owner.redeem(token);
  params.delete('login');
  const rest = params.toString();
  res.writeHead(303, {
    location: `${path}${rest ? `?${rest}` : ''}`,
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    ...(cookie ? { 'set-cookie': cookie } : {}),
  });
  res.end();
}

/** Spend figures change with every request. */
const NO_STORE = { 'cache-control': 'no-store' };

function notFound(method: string, path: string): GatewayError {
  return new GatewayError(404, 'not_found', `No route for ${method} ${path}`);
}
