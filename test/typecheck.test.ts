import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TSC = join(ROOT, 'node_modules', '.bin', 'tsc');

describe('the whole codebase typechecks', () => {
  for (const project of ['tsconfig.node.json', 'tsconfig.web.json']) {
    it(project, () => {
      const result = spawnSync(TSC, ['-p', project, '--noEmit'], { cwd: ROOT, encoding: 'utf8', timeout: 240_000 });
      expect(result.stdout + result.stderr).toBe('');
      expect(result.status).toBe(0);
    }, 240_000);
  }
});

describe('layering (DESIGN.md §1)', () => {
  it('src/main/core never imports electron', () => {
    const result = spawnSync('grep', ['-rlE', `from ['"]electron['"]|require\\(['"]electron['"]\\)`, join(ROOT, 'src/main/core')], { encoding: 'utf8' });
    expect(result.stdout).toBe('');
  });
});
