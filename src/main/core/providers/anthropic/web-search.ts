/**
 * Anthropic's web search server tool (https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/web-search-tool)
 * for `:online` and OpenRouter's web plugin: the tool goes with the request, Anthropic runs the
 * searches, and the answer's citations become OpenRouter `url_citation` annotations. The
 * `server_tool_use` and `web_search_tool_result` blocks are Anthropic's own bookkeeping and are
 * not passed on (they are not the client's tool calls).
 */
import { z } from 'zod';
import type { AnthropicMessagesRequest, AnthropicTool } from '../../protocol/anthropic-wire.js';
import type { WebSearchRequest } from '../../protocol/openai-chat-request.js';
import { urlCitation, type UrlCitationAnnotation } from '../../protocol/url-citation.js';

export interface AnthropicWebSearchTool {
  type: 'web_search_20250305';
  name: 'web_search';
  max_uses?: number;
  allowed_domains?: string[];
  blocked_domains?: string[];
}

/** The named fields of a loose (index-signed) wire type. */
type KnownFields<T> = { [K in keyof T as string extends K ? never : K]: T[K] };

/** The Messages request this adapter sends: custom tools, plus the web search server tool when asked. */
export type OutgoingMessagesRequest = Omit<KnownFields<AnthropicMessagesRequest>, 'tools'> & {
  tools?: (AnthropicTool | AnthropicWebSearchTool)[];
};

export function webSearchTool(search: WebSearchRequest): AnthropicWebSearchTool {
  const tool: AnthropicWebSearchTool = { type: 'web_search_20250305', name: 'web_search' };
  if (search.maxUses !== undefined) tool.max_uses = search.maxUses;
  if (search.includeDomains) tool.allowed_domains = search.includeDomains;
  if (search.excludeDomains) tool.blocked_domains = search.excludeDomains;
  return tool;
}

/** A text block's citation of a search result; other citation kinds (documents) are not web sources. */
const webCitationSchema = z.looseObject({
  type: z.literal('web_search_result_location'),
  url: z.string(),
  title: z.string().nullish(),
  cited_text: z.string().optional(),
});
export type WebCitation = z.infer<typeof webCitationSchema>;

export function webCitationsOf(citations: unknown): WebCitation[] {
  if (!Array.isArray(citations)) return [];
  return citations.flatMap((c) => {
    const parsed = webCitationSchema.safeParse(c);
    return parsed.success ? [parsed.data] : [];
  });
}

/** Streamed citations arrive one per `citations_delta`, on the text block they support. */
export const citationsDeltaEventSchema = z.looseObject({
  type: z.literal('content_block_delta'),
  index: z.number().int().nonnegative(),
  delta: z.looseObject({ type: z.literal('citations_delta'), citation: z.unknown() }),
});

/** The citations of one text block, which spans [start, end) of the message content. */
export function annotationsOf(citations: readonly WebCitation[], start: number, end: number): UrlCitationAnnotation[] {
  return citations.map((c) => urlCitation({ url: c.url, title: c.title, content: c.cited_text }, start, end));
}

const serverToolUsageSchema = z.looseObject({ web_search_requests: z.number().int().nonnegative().optional() });

/** `usage.server_tool_use.web_search_requests`: searches Anthropic ran (and bills) for this answer. */
export function webSearchRequestsOf(serverToolUse: unknown): number {
  // Most answers have no server tool use: a refused parse builds its whole error, on every answer.
  if (serverToolUse === undefined || serverToolUse === null) return 0;
  return serverToolUsageSchema.safeParse(serverToolUse).data?.web_search_requests ?? 0;
}
