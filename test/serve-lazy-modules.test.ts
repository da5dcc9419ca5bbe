import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe } from './helpers/cli.js';

/**
 * What `serve` loads before its first request (bench/NOTES.md §6–7): the redaction detectors and
 * re2js hold megabytes of heap that V8 keeps for the process's life, and most installs never
 * redact. A module-resolution hook, preloaded into the built CLI through NODE_OPTIONS, logs every
 * module the process resolves while it starts.
 */
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'switchyard-lazy-'));
  writeFileSync(
    join(dir, 'log-resolve.mjs'),
    `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(process.env.RESOLVE_LOG, result.url + '\\n');
  return result;
}
`,
  );
  writeFileSync(join(dir, 'register.mjs'), `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(dir, 'log-resolve.mjs')).href)});\n`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('serve at start-up', () => {
  it('does not load the redaction detectors or re2js', async () => {
    const log = join(dir, 'resolved.txt');
    writeFileSync(log, '');
    const serve = await startServe(['--port', '0'], join(dir, 'data'), {
      NODE_OPTIONS: `--import ${pathToFileURL(join(dir, 'register.mjs')).href}`,
      RESOLVE_LOG: log,
      SWITCHYARD_VAULT_PASSPHRASE: 'lazy-modules-test-passphrase',
    });
    const res = await fetch(`${serve.url}/`);
    expect(res.status).toBe(200);
    expect(await serve.stop()).toBe(0);

    const resolved = readFileSync(log, 'utf8').split('\n').filter(Boolean);
    // The hook saw the process start: the gateway's own dependencies are there.
    expect(resolved.some((url) => url.includes('/node_modules/undici/'))).toBe(true);
    expect(resolved.some((url) => url.includes('/node_modules/better-sqlite3/'))).toBe(true);
    for (const lazy of ['re2js', 'libphonenumber-js', 'validator']) {
      expect(resolved.filter((url) => url.includes(`/node_modules/${lazy}/`))).toEqual([]);
    }
    expect(resolved.filter((url) => /\/redact-request-[^/]*\.mjs$/.test(url))).toEqual([]);
  });
});
