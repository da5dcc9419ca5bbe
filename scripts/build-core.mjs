/**
 * Builds the headless gateway (`switchyard serve` and the other CLI commands) into
 * out/cli/switchyard.mjs: one ES module of the core's own code, so `serve` starts without a
 * TypeScript loader in the process. Dependencies stay in node_modules (better-sqlite3 and
 * keytar are native; the others load as they do for the Electron main process).
 * Runs on `npm install` (prepare) and before `npm run serve` / `npm run switchyard`.
 */
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

await build({
  absWorkingDir: root,
  entryPoints: ['src/main/core/cli.ts'],
  outfile: 'out/cli/switchyard.mjs',
  bundle: true,
  packages: 'external',
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
});
