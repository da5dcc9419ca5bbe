import remend from 'remend';
import { parseMarkdownIntoBlocks } from 'streamdown';

/**
 * How many of the last blocks are split again when the text grows. Appended text can change
 * how the end of the text reads (a line under a paragraph makes it a heading, an indented line
 * continues a list item), never how a block two blocks back reads.
 */
const REOPENED_BLOCKS = 2;

/** Past this many characters the rest of an answer is plain text: markdown of a book-length answer costs more than it gives. */
export const MARKDOWN_LIMIT = 200_000;

export interface AnswerBlocks {
  /** Rendered as markdown; while streaming, the last one has its half-written syntax completed. */
  markdown: string[];
  /** What lies past MARKDOWN_LIMIT, block by block, shown as plain text. */
  plain: string[];
}

/**
 * Splits a growing answer into markdown blocks, keeping the blocks it split before: while an
 * answer streams, only its last blocks are read again on each update, so the work per update
 * does not grow with the answer, and a closed block is the same string (and stays memoized)
 * until the end. Text that does not extend the previous one is split from the start.
 */
export function createBlockSplitter(): (text: string, streaming: boolean) => AnswerBlocks {
  let input = '';
  let blocks: string[] = [];
  let starts: number[] = [];
  let last: { input: string; streaming: boolean; result: AnswerBlocks } | undefined;

  const split = (text: string): void => {
    let keep = 0;
    if (text.startsWith(input)) keep = Math.max(0, blocks.length - REOPENED_BLOCKS);
    const offset = keep === 0 ? 0 : (starts[keep - 1] as number) + (blocks[keep - 1] as string).length;
    const tail = parseMarkdownIntoBlocks(text.slice(offset));
    blocks = blocks.slice(0, keep);
    starts = starts.slice(0, keep);
    let at = offset;
    for (const block of tail) {
      blocks.push(block);
      starts.push(at);
      at += block.length;
    }
    input = text;
  };

  return (raw, streaming) => {
    // The splitter's offsets count characters of the text it was given; CRLF would shift them.
    const text = raw.includes('\r') ? raw.replace(/\r\n?/g, '\n') : raw;
    if (last && last.input === text && last.streaming === streaming) return last.result;
    if (text !== input) split(text);
    let cut = starts.findIndex((start) => start >= MARKDOWN_LIMIT);
    if (cut === -1) cut = blocks.length;
    const markdown = blocks.slice(0, cut);
    const open = markdown.length - 1;
    if (streaming && open >= 0 && cut === blocks.length) markdown[open] = remend(markdown[open] as string);
    const result = { markdown, plain: blocks.slice(cut) };
    last = { input: text, streaming, result };
    return result;
  };
}
