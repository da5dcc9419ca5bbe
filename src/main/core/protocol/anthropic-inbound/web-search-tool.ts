/**
 * Anthropic's web search server tool as a /v1/messages client sends it
 * (https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/web-search-tool). Anthropic runs
 * it; for other models the gateway asks the target's own native search instead.
 */
import { z } from 'zod';

/** The versions the docs list; each is "search the web", later ones add Anthropic-side filtering. */
const WEB_SEARCH_TOOL_TYPES = ['web_search_20250305', 'web_search_20260209', 'web_search_20260318'] as const;

export const webSearchServerToolSchema = z.looseObject({
  type: z.literal(WEB_SEARCH_TOOL_TYPES),
  name: z.string(),
  max_uses: z.number().int().positive().optional(),
  allowed_domains: z.array(z.string()).nullish(),
  blocked_domains: z.array(z.string()).nullish(),
});
export type WebSearchServerTool = z.infer<typeof webSearchServerToolSchema>;

/** Whether a tool is a web search server tool, whichever its version (newer ones included). */
export function isWebSearchServerTool(tool: unknown): boolean {
  if (typeof tool !== 'object' || tool === null) return false;
  const type: unknown = (tool as { type?: unknown }).type;
  return typeof type === 'string' && type.startsWith('web_search_');
}
