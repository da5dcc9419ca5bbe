/**
 * Gemini's Google Search grounding (https://ai.google.dev/gemini-api/docs/google-search) for
 * `:online` and OpenRouter's web plugin: the `googleSearch` tool goes with the request, and the
 * answer's groundingMetadata becomes OpenRouter `url_citation` annotations.
 */
import { GatewayError } from '../../../../shared/errors.js';
import type { WebSearchRequest } from '../../protocol/openai-chat-request.js';
import { urlCitation, type UrlCitationAnnotation } from '../../protocol/url-citation.js';
import type { GeminiGroundingMetadata } from './gemini-wire.js';

/**
 * The search tool for a request that asks for a web search. Google Search grounding has no
 * domain filters and no cap on searches: a domain filter, which would silently not apply, is a
 * 400; `max_uses` is a ceiling, which Gemini's own choice of searches may stay under, so it goes unread.
 */
export function googleSearchTool(search: WebSearchRequest): { googleSearch: Record<string, never> } {
  if (search.includeDomains || search.excludeDomains) {
    throw new GatewayError(400, 'unsupported_parameter', "Gemini's Google Search grounding cannot filter domains: remove include_domains / exclude_domains from the web plugin", {
      param: 'plugins',
    });
  }
  return { googleSearch: {} };
}

/** Maps UTF-8 byte offsets into `text` to string (UTF-16) indices. */
function utf16Index(text: string): (byteOffset: number) => number {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length === text.length) return (offset) => Math.min(offset, text.length);
  return (offset) => bytes.subarray(0, Math.min(offset, bytes.length)).toString('utf8').length;
}

/**
 * One annotation per source of each grounded segment. Offsets are into the candidate's answer
 * text (thoughts excluded), which is the text Gemini measured them in.
 */
export function groundingAnnotations(meta: GeminiGroundingMetadata | undefined, answer: string): UrlCitationAnnotation[] {
  const chunks = meta?.groundingChunks ?? [];
  const supports = meta?.groundingSupports ?? [];
  if (chunks.length === 0 || supports.length === 0) return [];
  const index = utf16Index(answer);
  return supports.flatMap(({ segment, groundingChunkIndices }) => {
    const start = index(segment?.startIndex ?? 0);
    const end = index(segment?.endIndex ?? 0);
    return (groundingChunkIndices ?? []).flatMap((i) => {
      const web = chunks[i]?.web;
      return web ? [urlCitation({ url: web.uri, title: web.title, content: undefined }, start, end)] : [];
    });
  });
}

/** The searches Gemini ran for a candidate (Gemini 3 bills per query). */
export function searchQueryCount(meta: GeminiGroundingMetadata | undefined): number {
  return meta?.webSearchQueries?.length ?? 0;
}
