/**
 * OpenRouter's annotation for a web source an answer cites, whatever searched the web: OpenAI's
 * `url_citation` with the cited text added as `content`. Indices are into the message content.
 */
export interface UrlCitationAnnotation {
  type: 'url_citation';
  url_citation: { url: string; title: string; content?: string; start_index: number; end_index: number };
}

export interface CitedSource {
  url: string;
  title: string | null | undefined;
  /** What the source says, where the provider quotes it. */
  content: string | undefined;
}

export function urlCitation(source: CitedSource, start: number, end: number): UrlCitationAnnotation {
  const citation: UrlCitationAnnotation['url_citation'] = { url: source.url, title: source.title ?? '', start_index: start, end_index: end };
  if (source.content !== undefined) citation.content = source.content;
  return { type: 'url_citation', url_citation: citation };
}
