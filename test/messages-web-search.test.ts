/**
 * Web search through POST /v1/messages: `:online`, OpenRouter's web plugin and the client's own
 * `web_search_20250305` server tool, sent natively to Anthropic (as the server tool, never as
 * OpenAI's `web_search_options`) and through translation to the target's own search.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import { calcPrice } from '@pydantic/genai-prices';
import type { UsageRow } from '../src/shared/usage.js';
import { startHarness, type Harness } from './helpers/gateway-harness.js';
import { postMessages } from './helpers/post-messages.js';

const config = {
  providers: {
    claude: { type: 'anthropic', baseUrl: '${UPSTREAM}/anthropic/v1', models: ['claude-sonnet-4-5'] },
    gem: { type: 'google', baseUrl: '${UPSTREAM}/gemini/v1beta', models: ['gemini-2.5-flash'] },
    oai: { type: 'openai', baseUrl: '${UPSTREAM}/oai/v1', models: ['gpt-4o-search-preview'] },
    or: { type: 'openrouter', baseUrl: '${UPSTREAM}/or/v1', models: ['openai/gpt-4o'], pricing: { prompt: '0', completion: '0' } },
    plain: { type: 'openai-compatible', baseUrl: '${UPSTREAM}/plain/v1', models: ['m'], pricing: { prompt: '0', completion: '0' } },
  },
};
const vaultKeys = { claude: ['sk-ant-k'], gem: ['gemini-k'], oai: ['sk-oai-k'], or: ['sk-or-k'], plain: ['sk-plain-k'] };

const WEB_SEARCH_TOOL = { type: 'web_search_20250305', name: 'web_search' } as const;
const question = { max_tokens: 1024, messages: [{ role: 'user' as const, content: 'When was Claude Shannon born?' }] };

// No recorded web search exchange exists (test/fixtures/*/SOURCES.md lists none): the upstream
// replies below are synthetic, shaped like the examples of each provider's docs.

/**
 * Anthropic's web search tool docs (https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/web-search-tool):
 * the "Claude Shannon" answer with its blocks, citation and usage, envelope fields as in the Messages API reference.
 */
const SEARCH_ID = 'srvtoolu_01WYG3ziw53XMcoyKL4XcZmE';
const SOURCE = { url: 'https://en.wikipedia.org/wiki/Claude_Shannon', title: 'Claude Shannon - Wikipedia' };
const anthropicDocsAnswer = {
  id: 'msg_a930390d3a',
  type: 'message',
  role: 'assistant',
  model: 'claude-sonnet-4-5',
  content: [
    { type: 'text', text: "I'll search for when Claude Shannon was born." },
    { type: 'server_tool_use', id: SEARCH_ID, name: 'web_search', input: { query: 'claude shannon birth date' } },
    {
      type: 'web_search_tool_result',
      tool_use_id: SEARCH_ID,
      content: [{ type: 'web_search_result', ...SOURCE, encrypted_content: 'EqgfCioIARgBIiQ3YTAwMjY1Mi1mZjM5LTQ1NGUtODgxNC1kNjNjNTk1ZWI3Y...', page_age: 'April 30, 2025' }],
    },
    { text: 'Based on the search results, ', type: 'text' },
    {
      text: 'Claude Shannon was born on April 30, 1916, in Petoskey, Michigan',
      type: 'text',
      citations: [
        {
          type: 'web_search_result_location',
          ...SOURCE,
          encrypted_index: 'Eo8BCioIAhgBIiQyYjQ0OWJmZi1lNm..',
          cited_text: 'Claude Elwood Shannon (April 30, 1916 – February 24, 2001) was an American mathematician, electrical engineer, computer scientist, cryptographer and i...',
        },
      ],
    },
  ],
  usage: { input_tokens: 6039, output_tokens: 931, server_tool_use: { web_search_requests: 1 } },
  stop_reason: 'end_turn',
  stop_sequence: null,
};

/** Gemini's Google Search docs (https://ai.google.dev/gemini-api/docs/google-search): the grounded Euro 2024 answer. */
const GEMINI_ANSWER = "Spain won Euro 2024, defeating England 2-1 in the final. This victory marks Spain's record fourth European Championship title.";
const geminiDocsAnswer = {
  candidates: [
    {
      content: { parts: [{ text: GEMINI_ANSWER }], role: 'model' },
      finishReason: 'STOP',
      index: 0,
      groundingMetadata: {
        webSearchQueries: ['UEFA Euro 2024 winner', 'who won euro 2024'],
        searchEntryPoint: { renderedContent: '<!-- HTML and CSS for the search widget -->' },
        groundingChunks: [{ web: { uri: 'https://vertexaisearch.cloud.google.com/grounding-api-redirect/1234', title: 'aljazeera.com' } }],
        groundingSupports: [{ segment: { endIndex: 56, text: 'Spain won Euro 2024, defeating England 2-1 in the final.' }, groundingChunkIndices: [0] }],
      },
    },
  ],
  usageMetadata: { promptTokenCount: 11, candidatesTokenCount: 29, totalTokenCount: 40 },
  modelVersion: 'gemini-2.5-flash',
};

/** OpenAI's web search docs (https://platform.openai.com/docs/guides/tools-web-search, Chat Completions): content with a url_citation. */
const OPENAI_ANSWER = 'Claude Shannon was born on April 30, 1916, in Petoskey, Michigan ([wikipedia.org](https://en.wikipedia.org/wiki/Claude_Shannon)).';
const openAiDocsAnswer = {
  id: 'chatcmpl-search-1',
  object: 'chat.completion',
  created: 1741294800,
  model: 'gpt-4o-search-preview-2025-03-11',
  choices: [
    {
      index: 0,
      message: {
        role: 'assistant',
        content: OPENAI_ANSWER,
        refusal: null,
        annotations: [{ type: 'url_citation', url_citation: { start_index: 65, end_index: OPENAI_ANSWER.length - 1, ...SOURCE } }],
      },
      finish_reason: 'stop',
    },
  ],
  usage: { prompt_tokens: 12, completion_tokens: 40, total_tokens: 52 },
};

let h: Harness;
let client: Anthropic;

beforeAll(async () => {
  h = await startHarness({ config, vaultKeys });
  client = new Anthropic({ baseURL: h.gateway.url, apiKey: h.appKey, maxRetries: 0 });
});
afterAll(async () => {
  await h?.close();
});

/** The request the next call sends upstream. */
function nextSent(): () => { path: string; body: Record<string, unknown> } {
  const before = h.upstream.requests.length;
  return () => {
    const sent = h.upstream.requests[before];
    if (!sent) throw new Error('nothing was sent upstream');
    return { path: sent.path, body: sent.body as Record<string, unknown> };
  };
}

async function rowOf(id: string): Promise<UsageRow> {
  const rows = await h.usageRows((all) => all.some((r) => r.id === id));
  const row = rows.find((r) => r.id === id);
  if (!row) throw new Error(`no usage row for ${id}`);
  return row;
}

describe('natively to an Anthropic provider', () => {
  it(':online sends the web search server tool (not web_search_options), relays the answer as is and prices the search', async () => {
    h.upstream.enqueue({ body: anthropicDocsAnswer });
    const sent = nextSent();
    const message = await client.messages.create({ ...question, model: 'claude/claude-sonnet-4-5:online' });

    expect(sent().path).toBe('/anthropic/v1/messages');
    expect(sent().body).toEqual({ ...question, model: 'claude-sonnet-4-5', tools: [WEB_SEARCH_TOOL] });
    expect(message.content).toEqual(anthropicDocsAnswer.content);
    expect(message.usage.server_tool_use).toEqual({ web_search_requests: 1 });

    const usage = { input_tokens: 6039, output_tokens: 931 };
    const price = calcPrice({ ...usage, web_searches: 1 }, 'claude-sonnet-4-5', { providerId: 'anthropic' });
    const tokensOnly = calcPrice(usage, 'claude-sonnet-4-5', { providerId: 'anthropic' });
    expect(price!.total_price).toBeGreaterThan(tokensOnly!.total_price);
    expect((await rowOf(message.id)).cost).toBeCloseTo(price!.total_price, 10);
  });

  it("maps the web plugin's options onto the tool after the client's tools, and the plugin does not go upstream", async () => {
    h.upstream.enqueue({ body: anthropicDocsAnswer });
    const sent = nextSent();
    const lookup = { name: 'lookup', input_schema: { type: 'object', properties: {} } };
    const res = await postMessages(h, {
      ...question,
      model: 'claude/claude-sonnet-4-5',
      tools: [lookup],
      plugins: [{ id: 'web', max_uses: 3, include_domains: ['wikipedia.org'], exclude_domains: ['example.com'] }],
    });
    expect(res.status).toBe(200);
    expect(sent().body).toEqual({
      ...question,
      model: 'claude-sonnet-4-5',
      tools: [lookup, { ...WEB_SEARCH_TOOL, max_uses: 3, allowed_domains: ['wikipedia.org'], blocked_domains: ['example.com'] }],
    });
  });

  it("passes the client's own web search tool through unchanged, and :online adds no second one", async () => {
    const own = { type: 'web_search_20250305' as const, name: 'web_search' as const, max_uses: 2, user_location: { type: 'approximate' as const, city: 'Petoskey', country: 'US' } };
    for (const model of ['claude/claude-sonnet-4-5', 'claude/claude-sonnet-4-5:online']) {
      h.upstream.enqueue({ body: anthropicDocsAnswer });
      const sent = nextSent();
      const message = await client.messages.create({ ...question, model, tools: [own] });
      expect(message.content).toEqual(anthropicDocsAnswer.content);
      expect(sent().body).toEqual({ ...question, model: 'claude-sonnet-4-5', tools: [own] });
    }
  });

  it('passes other server tools through unchanged', async () => {
    h.upstream.enqueue({ body: anthropicDocsAnswer });
    const sent = nextSent();
    const tools = [{ type: 'bash_20250124', name: 'bash' }, { type: 'text_editor_20250728', name: 'str_replace_based_edit_tool' }];
    const res = await postMessages(h, { ...question, model: 'claude/claude-sonnet-4-5', tools });
    expect(res.status).toBe(200);
    expect(sent().body.tools).toEqual(tools);
  });
});

describe('through translation', () => {
  interface TextMessage {
    content: { type: string; text?: string }[];
    usage: { input_tokens: number; output_tokens: number; server_tool_use?: { web_search_requests: number } };
  }

  it(':online and the web plugin search with Gemini grounding (googleSearch), and the searches are in the usage', async () => {
    for (const ask of [{ model: 'gem/gemini-2.5-flash:online' }, { model: 'gem/gemini-2.5-flash', plugins: [{ id: 'web', max_uses: 2 }] }]) {
      h.upstream.enqueue({ body: geminiDocsAnswer });
      const sent = nextSent();
      const res = await postMessages(h, { ...question, ...ask });
      expect(res.status).toBe(200);
      expect(sent().path).toBe('/gemini/v1beta/models/gemini-2.5-flash:generateContent');
      expect(sent().body.tools).toEqual([{ googleSearch: {} }]);
      const message = (await res.json()) as TextMessage;
      expect(message.content).toEqual([{ type: 'text', text: GEMINI_ANSWER }]);
      expect(message.usage).toMatchObject({ input_tokens: 11, output_tokens: 29, server_tool_use: { web_search_requests: 2 } });
    }
  });

  it("maps the client's web search tool to Gemini's googleSearch beside its function tools", async () => {
    h.upstream.enqueue({ body: geminiDocsAnswer });
    const sent = nextSent();
    const lookup = { name: 'lookup', input_schema: { type: 'object' as const, properties: {} } };
    const message = await client.messages.create({ ...question, model: 'gem/gemini-2.5-flash', tools: [lookup, { ...WEB_SEARCH_TOOL, max_uses: 5 }] });
    expect(message.content).toEqual([{ type: 'text', text: GEMINI_ANSWER }]);
    expect(sent().body.tools).toEqual([
      { functionDeclarations: [{ name: 'lookup', parametersJsonSchema: { type: 'object', properties: {} } }] },
      { googleSearch: {} },
    ]);
  });

  it("maps the client's web search tool and :online to OpenAI's web_search_options", async () => {
    for (const ask of [{ model: 'oai/gpt-4o-search-preview', tools: [WEB_SEARCH_TOOL] }, { model: 'oai/gpt-4o-search-preview:online' }]) {
      h.upstream.enqueue({ body: openAiDocsAnswer });
      const sent = nextSent();
      const res = await postMessages(h, { ...question, ...ask });
      expect(res.status).toBe(200);
      expect(sent().path).toBe('/oai/v1/chat/completions');
      expect(sent().body).toMatchObject({ model: 'gpt-4o-search-preview', web_search_options: {} });
      expect(sent().body).not.toHaveProperty('tools');
      expect(((await res.json()) as TextMessage).content).toEqual([{ type: 'text', text: OPENAI_ANSWER }]);
    }
  });

  it("maps the client's web search tool to OpenRouter's :online model", async () => {
    h.upstream.enqueue({ body: openAiDocsAnswer });
    const sent = nextSent();
    const res = await postMessages(h, { ...question, model: 'or/openai/gpt-4o', tools: [WEB_SEARCH_TOOL] });
    expect(res.status).toBe(200);
    expect(sent().path).toBe('/or/v1/chat/completions');
    expect(sent().body.model).toBe('openai/gpt-4o:online');
    expect(sent().body).not.toHaveProperty('tools');
    expect(sent().body).not.toHaveProperty('plugins');
  });

  it('refuses, with a 400 naming why and nothing sent, a search the target cannot run or a domain filter it cannot apply', async () => {
    const before = h.upstream.requests.length;
    const cases: [Record<string, unknown>, string][] = [
      [{ model: 'plain/m', tools: [WEB_SEARCH_TOOL] }, 'no native web search'],
      [{ model: 'gem/gemini-2.5-flash', tools: [{ ...WEB_SEARCH_TOOL, allowed_domains: ['wikipedia.org'] }] }, 'allowed_domains'],
      [{ model: 'oai/gpt-4o-search-preview', tools: [{ ...WEB_SEARCH_TOOL, blocked_domains: ['example.com'] }] }, 'blocked_domains'],
    ];
    for (const [ask, reason] of cases) {
      const res = await postMessages(h, { ...question, ...ask });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { type: string; error: { type: string; message: string } };
      expect(body).toEqual({ type: 'error', error: { type: 'invalid_request_error', message: expect.stringContaining(reason) } });
    }
    expect(h.upstream.requests.length).toBe(before);
  });
});
