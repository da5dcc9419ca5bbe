import { readFile, realpath, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServerResponse } from 'node:http';
import { errorBody } from '../../../shared/errors.js';
import { decodePath } from './decode-path.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
};

/** The renderer build, found by walking up from this module (source tree and bundles differ in depth). */
export function findRendererDir(start = dirname(fileURLToPath(import.meta.url))): string | undefined {
  let dir = start;
  for (let i = 0; i < 8; i++) {
    const candidate = join(dir, 'out', 'renderer');
    if (existsSync(join(candidate, 'index.html'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}

/** The one CSP of the UI, in the browser and in the desktop window alike (both load it from here). */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'content-security-policy': CONTENT_SECURITY_POLICY,
};

/**
 * The file a request path names in the UI folder, once links are resolved: a symlink or a
 * dot segment cannot lead out of it. Undefined for paths without an extension (client-side
 * routes) and for anything that is not a regular file there.
 */
async function uiFile(rootDir: string, path: string): Promise<string | undefined> {
  const relative = normalize(decodePath(path)).replace(/^([/\\])+/, '');
  const file = join(rootDir, relative);
  if (!extname(file)) return undefined;
  try {
    const [real, realRoot] = await Promise.all([realpath(file), realpath(rootDir)]);
    if (!real.startsWith(realRoot + sep)) return undefined;
    return (await stat(real)).isFile() ? real : undefined;
  } catch {
    // Missing, unreadable or not a valid path (a null byte).
    return undefined;
  }
}

/** Serves the web UI. It carries no credential: the owner's session is an HttpOnly cookie (owner-session.ts). */
export async function serveStatic(res: ServerResponse, rootDir: string | undefined, path: string): Promise<void> {
  if (!rootDir) {
    const body = JSON.stringify(errorBody(404, 'The web UI is not built: run `npm run build:web`'));
    res.writeHead(404, { 'content-type': 'application/json; charset=utf-8' }).end(body);
    return;
  }
  // Client-side routes, and anything that is not a file of the UI, get the app shell.
  const file = (await uiFile(rootDir, path)) ?? join(rootDir, 'index.html');
  const ext = extname(file);
  const body = await readFile(file);
  res.writeHead(200, {
    'content-type': TYPES[ext] ?? 'application/octet-stream',
    'cache-control': ext === '.html' ? 'no-store' : 'public, max-age=3600',
    ...SECURITY_HEADERS,
  });
  res.end(body);
}
