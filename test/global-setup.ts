import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Tests that spawn `switchyard` run the built CLI, as `npm run serve` does: it is rebuilt from
 * the current sources once per test run (esbuild, well under a second).
 */
export default function buildCli(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  execFileSync(process.execPath, ['scripts/build-core.mjs'], { cwd: root, stdio: 'inherit' });
}
