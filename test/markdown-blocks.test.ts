/**
 * The chat's block splitter (src/renderer/screens/chat/markdown-blocks.ts): fed an answer as it
 * streams, piece by piece, it ends with the blocks a one-shot split of the whole answer gives,
 * keeps every closed block as the same string, completes only the open block, and hands what
 * lies past the markdown limit over as plain text.
 */
import { parseMarkdownIntoBlocks } from 'streamdown';
import { describe, expect, it } from 'vitest';
import { createBlockSplitter, MARKDOWN_LIMIT } from '../src/renderer/screens/chat/markdown-blocks.js';

/** An answer with the shapes that change meaning as they grow: headings, lists, fences, tables, setext. */
function piece(i: number): string {
  if (i % 97 === 0) return `\n\n## Section ${i}\n\n`;
  if (i % 61 === 0) return '\n\n```ts\nconst total = items.reduce((sum, x) => sum + x.cost, 0);\n\nreturn total;\n```\n\n';
  if (i % 43 === 0) return '\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n';
  if (i % 37 === 0) return '\nA heading under a line\n---\n';
  if (i % 23 === 0) return '\n1. step one\n\n   continued inside the item\n2. step two';
  if (i % 11 === 0) return '\n- an item with `code` and **bold**';
  return ` word${i}`;
}

/** Streams `pieces` through a splitter, also cut in the middle of pieces, as network chunks are. */
function streamed(pieces: string[], split = createBlockSplitter()) {
  let text = '';
  for (const p of pieces) {
    const half = Math.ceil(p.length / 2);
    text += p.slice(0, half);
    split(text, true);
    text += p.slice(half);
    split(text, true);
  }
  return { text, split };
}

describe('the chat block splitter', () => {
  it('ends with the blocks of a one-shot split, however the answer arrived', () => {
    const pieces = Array.from({ length: 1200 }, (_, i) => piece(i));
    const { text, split } = streamed(pieces);
    const blocks = split(text, false);
    expect(blocks.plain).toEqual([]);
    expect(blocks.markdown).toEqual(parseMarkdownIntoBlocks(text));
    expect(blocks.markdown.join('')).toBe(text);
  });

  it('keeps closed blocks as they were and completes only the open one while streaming', () => {
    const split = createBlockSplitter();
    const first = split('## Title\n\nSome **bold', true);
    expect(first.markdown).toEqual(['## Title\n\n', 'Some **bold**']);
    const second = split('## Title\n\nSome **bold** text\n\n- item', true);
    expect(second.markdown[0]).toBe(first.markdown[0]);
    expect(second.markdown.slice(1)).toEqual(['Some **bold** text\n\n', '- item']);
    // Finished: nothing is completed any more.
    expect(split('## Title\n\nSome **bold', false).markdown).toEqual(['## Title\n\n', 'Some **bold']);
  });

  it('reads CRLF text like LF text', () => {
    const split = createBlockSplitter();
    expect(split('# One\r\n\r\ntwo\r\n', false).markdown).toEqual(parseMarkdownIntoBlocks('# One\n\ntwo\n'));
  });

  it('gives the blocks that start past the markdown limit as plain text', () => {
    const paragraph = `**bold** ${'lorem ipsum '.repeat(20)}\n\n`;
    const count = Math.ceil((MARKDOWN_LIMIT * 1.5) / paragraph.length);
    const { text, split } = streamed(Array.from({ length: count }, () => paragraph));
    const { markdown, plain } = split(text, false);
    expect(markdown.join('').length).toBeGreaterThanOrEqual(MARKDOWN_LIMIT);
    expect(markdown.join('').length).toBeLessThan(MARKDOWN_LIMIT + paragraph.length);
    expect(plain.length).toBeGreaterThan(0);
    expect(markdown.join('') + plain.join('')).toBe(text);
  });
});
