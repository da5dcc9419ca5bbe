import type { BundledTheme } from 'shiki';
import type { CodeHighlighterPlugin, HighlightOptions, HighlightResult } from 'streamdown';

/** Light and dark, in one pass: each token carries both colours (markdown.css picks one). */
const THEMES: [BundledTheme, BundledTheme] = ['github-light', 'github-dark'];
/** Highlighted finished blocks kept for a block that renders again (scrolled back into view). */
const CACHE_ENTRIES = 200;

export interface HighlightRequest {
  id: number;
  code: string;
  language: string;
  themes: [BundledTheme, BundledTheme];
  isIncomplete: boolean;
}

/** The worker's answer; no result when a newer request about the same growing block replaced it. */
export interface HighlightReply {
  id: number;
  result: HighlightResult | null;
}

/**
 * Code highlighting for Streamdown, done by shiki (@streamdown/code: JavaScript regex engine,
 * grammars loaded per language on first use) in a worker: tokenizing a long block, or compiling
 * a grammar's patterns the first time, takes tens of milliseconds, which in the page would be a
 * frame-dropping task in the middle of a streaming answer. Until a block's colours arrive it
 * shows as plain code.
 */
export function createWorkerHighlighter(): CodeHighlighterPlugin {
  let worker: Worker | undefined;
  let nextId = 0;
  const waiting = new Map<number, (result: HighlightResult | null) => void>();
  const finished = new Map<string, HighlightResult>();

  const start = (): Worker => {
    if (worker) return worker;
    worker = new Worker(new URL('./highlight-worker.ts', import.meta.url), { type: 'module', name: 'code-highlighter' });
    worker.onmessage = ({ data }: MessageEvent<HighlightReply>) => {
      const deliver = waiting.get(data.id);
      waiting.delete(data.id);
      deliver?.(data.result);
    };
    return worker;
  };

  return {
    name: 'shiki',
    type: 'code-highlighter',
    getThemes: () => THEMES,
    // The worker knows the languages; an unknown one comes back as plain text.
    supportsLanguage: () => true,
    getSupportedLanguages: () => [],
    highlight({ code, language, isIncomplete = false }: HighlightOptions, callback?: (result: HighlightResult) => void) {
      const key = `${language}\n${code}`;
      const known = finished.get(key);
      if (known) return known;
      const id = ++nextId;
      waiting.set(id, (result) => {
        if (!result) return;
        if (!isIncomplete) {
          finished.set(key, result);
          if (finished.size > CACHE_ENTRIES) finished.delete(finished.keys().next().value as string);
        }
        callback?.(result);
      });
      start().postMessage({ id, code, language, themes: THEMES, isIncomplete } satisfies HighlightRequest);
      return null;
    },
  };
}
