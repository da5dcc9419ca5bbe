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

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
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

/** Serves the web UI; index.html carries the per-launch session token for the control API. */
export async function serveStatic(res: ServerResponse, rootDir: string | undefined, path: string, sessionToken: string): Promise<void> {
  if (!rootDir) {
    const body = JSON.stringify(errorBody(404, 'The web UI is not built: run `npm run build:web`'));
    res.writeHead(404, { 'content-type': 'application/json; charset=utf-8' }).end(body);
    return;
  }
  // Client-side routes, and anything that is not a file of the UI, get the app shell.
  const file = (await uiFile(rootDir, path)) ?? join(rootDir, 'index.html');
  const ext = extname(file);
  let body: Buffer | string = await readFile(file);
  if (ext === '.html') body = body.toString('utf8').replaceAll('__SWITCHYARD_SESSION__', sessionToken);
  res.writeHead(200, {
    'content-type': TYPES[ext] ?? 'application/octet-stream',
    'cache-control': ext === '.html' ? 'no-store' : 'public, max-age=3600',
    ...SECURITY_HEADERS,
  });
  res.end(body);
}
