import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DOCS = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** Markdown links `[text](target)` that are not web addresses. */
function localLinks(markdown: string): string[] {
  return [...markdown.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1] as string).filter((t) => !/^[a-z]+:/i.test(t));
}

/** GitHub's anchor for a heading: lowercase, punctuation dropped, spaces to dashes. */
function anchors(markdown: string): Set<string> {
  const headings = markdown.split('\n').filter((l) => /^#{1,6} /.test(l)).map((l) => l.replace(/^#+ /, ''));
  return new Set(headings.map((h) => h.toLowerCase().replace(/[^\w\s-]/g, '').trim().replace(/\s/g, '-')));
}

describe('product documentation', () => {
  it('has the HTTP API, configuration and architecture in docs/, linked from the README', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    for (const doc of ['docs/http-api.md', 'docs/config.md', 'docs/architecture.md']) expect(localLinks(readme)).toContain(doc);
  });

  it.each(DOCS)('%s links only to files and headings inside the repository', (doc) => {
    const text = readFileSync(join(ROOT, doc), 'utf8');
    for (const link of localLinks(text)) {
      const [path, anchor] = link.split('#') as [string, string | undefined];
      const target = path === '' ? join(ROOT, doc) : resolve(dirname(join(ROOT, doc)), path);
      expect(target.startsWith(ROOT), `${doc} links outside the repository: ${link}`).toBe(true);
      expect(existsSync(target), `${doc} links to a missing file: ${link}`).toBe(true);
      if (anchor) expect(anchors(readFileSync(target, 'utf8')), `${doc}: no heading for ${link}`).toContain(anchor);
    }
  });
});
