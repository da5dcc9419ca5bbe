/**
 * Builds the headless gateway (`switchyard serve` and the other CLI commands) into
 * out/cli/switchyard.mjs: an ES module of the core's own code, so `serve` starts without a
 * TypeScript loader in the process. What the core imports lazily (`import()`: the redaction
 * detectors) goes to its own chunk in out/cli/chunks and is read only when first used.
 * Dependencies stay in node_modules (better-sqlite3 and keytar are native; the others load as
 * they do for the Electron main process).
 * Runs on `npm install` (prepare) and before `npm run serve` / `npm run switchyard`.
 */
import { build } from 'esbuild';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

// Chunk names carry a hash: clear the last build's so they do not pile up.
await rm(new URL('../out/cli/chunks', import.meta.url), { recursive: true, force: true });

await build({
  absWorkingDir: root,
  entryPoints: { switchyard: 'src/main/core/cli-entry.ts' },
  outdir: 'out/cli',
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  splitting: true,
  bundle: true,
  packages: 'external',
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // V8 keeps every module's source text for lazy compilation: without comments and indentation
  // the CLI's is ~0.4 MB of one-byte string instead of ~1 MB of two-byte (its JSDoc has "…").
  // Identifiers keep their names, so stack traces stay readable without the source map.
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: 'linked',
  logLevel: 'warning',
});
