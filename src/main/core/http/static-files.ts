import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServerResponse } from 'node:http';
import { errorBody } from '../../../shared/errors.js';

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
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
};

/** Serves the web UI; index.html carries the per-launch session token for the control API. */
export async function serveStatic(res: ServerResponse, rootDir: string | undefined, path: string, sessionToken: string): Promise<void> {
  if (!rootDir) {
    const body = JSON.stringify(errorBody(404, 'The web UI is not built: run `npm run build:web`'));
    res.writeHead(404, { 'content-type': 'application/json; charset=utf-8' }).end(body);
    return;
  }
  const relative = normalize(decodeURIComponent(path)).replace(/^([/\\])+/, '');
  let file = join(rootDir, relative);
  if (!file.startsWith(rootDir + sep) && file !== rootDir) file = join(rootDir, 'index.html');
  let ext = extname(file);
  if (!ext || !existsSync(file)) {
    // Client-side routes fall back to the app shell.
    file = join(rootDir, 'index.html');
    ext = '.html';
  }
  let body: Buffer | string = await readFile(file);
  if (ext === '.html') body = body.toString('utf8').replaceAll('__SWITCHYARD_SESSION__', sessionToken);
  res.writeHead(200, {
    'content-type': TYPES[ext] ?? 'application/octet-stream',
    'cache-control': ext === '.html' ? 'no-store' : 'public, max-age=3600',
    ...SECURITY_HEADERS,
  });
  res.end(body);
}
