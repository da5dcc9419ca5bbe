import { memo, useState } from 'react';
import { harden } from 'rehype-harden';
import { defaultRehypePlugins, Streamdown, type Components } from 'streamdown';
import { createWorkerHighlighter } from './code-highlighter.js';
import { createBlockSplitter } from './markdown-blocks.js';
import './markdown.css';

/**
 * Markdown of answers, loaded only when the first answer shows (it is the heaviest part of the
 * UI). Streamdown's defaults allow any link and image; here links must be http(s) or mailto and
 * open outside the app, and no image loads at all, data images included: a chat must not leak
 * through an image URL.
 */
const rehypePlugins = Object.entries(defaultRehypePlugins).map(([name, plugin]) =>
  name === 'harden'
    ? [
        harden,
        {
          // The wildcard admits http(s) links only; harden's safe protocols add mailto.
          allowedLinkPrefixes: ['*'],
          allowedProtocols: [],
          allowedImagePrefixes: [],
          allowDataImages: false,
          // Relative links resolve against the app itself, never another site.
          defaultOrigin: window.location.origin,
        },
      ]
    : plugin,
) as NonNullable<Parameters<typeof Streamdown>[0]['rehypePlugins']>;

const components: Components = {
  a: ({ href, children }) => (
    <a href={href} target="_blank" rel="noreferrer noopener">
      {children}
    </a>
  ),
};

/** Code is highlighted by shiki in a worker (code-highlighter.ts). */
const plugins = { code: createWorkerHighlighter() };

const PlainBlock = memo(function PlainBlock({ text }: { text: string }) {
  // The blank lines between blocks are the paragraphs' margins here.
  return <p className="md-plain">{text.replace(/\n+$/, '')}</p>;
});

/**
 * One answer. It is split into blocks once (markdown-blocks.ts) and the blocks go to Streamdown
 * as they are, so Streamdown's memoized blocks see the same string for every closed block and
 * only the open one is parsed again; the answer keeps that one tree from its first token to the
 * saved message (finishing re-renders nothing but the last block).
 */
function Markdown({ text, streaming }: { text: string; streaming: boolean }) {
  const [split] = useState(createBlockSplitter);
  const { markdown, plain } = split(text, streaming);
  return (
    <>
      <Streamdown
        className="markdown"
        mode="streaming"
        isAnimating={streaming}
        parseIncompleteMarkdown={false}
        parseMarkdownIntoBlocksFn={() => markdown}
        rehypePlugins={rehypePlugins}
        components={components}
        plugins={plugins}
        controls={false}
        lineNumbers={false}
      >
        {text}
      </Streamdown>
      {plain.map((block, i) => (
        <PlainBlock key={i} text={block} />
      ))}
    </>
  );
}

export default memo(Markdown);
