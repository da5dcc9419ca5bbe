import { memo } from 'react';
import { harden } from 'rehype-harden';
import { defaultRehypePlugins, Streamdown, type Components } from 'streamdown';

/**
 * Markdown of answers, loaded only when the first answer shows (it is the heaviest part of the
 * UI). Streamdown renders block by block, memoized, and completes half-streamed syntax.
 * Its defaults allow any link and image; here links must be http(s) or mailto and open outside
 * the app, and no image loads at all, data images included: a chat must not leak through an
 * image URL.
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

/** Past this size an answer is shown as plain text: markdown of a book-length answer costs more than it gives. */
export const MARKDOWN_LIMIT = 200_000;

function Markdown({ text, streaming }: { text: string; streaming: boolean }) {
  if (text.length > MARKDOWN_LIMIT) return <pre className="md-plain">{text}</pre>;
  return (
    <Streamdown
      className="markdown"
      mode={streaming ? 'streaming' : 'static'}
      isAnimating={streaming}
      parseIncompleteMarkdown={streaming}
      rehypePlugins={rehypePlugins}
      components={components}
      controls={false}
    >
      {text}
    </Streamdown>
  );
}

export default memo(Markdown);
