/**
 * OpenRouter's own TypeScript SDK, which validates every answer against OpenRouter's schemas,
 * pointed at the gateway's /api/v1: every call that maps to a route Switchyard serves.
 */
import { OpenRouter } from '@openrouter/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBody } from './helpers/fixtures.js';
import { startHarness, type Harness } from './helpers/gateway-harness.js';

const TEXT_REPLY = JSON.parse(loadBody('openai/vercel__openai-text.json')) as { choices: { message: { content: string } }[] };
const STREAM_REPLY = loadBody('openai/extracted/stream_text_include_usage.sse');
const ANTHROPIC_STREAM = loadBody('anthropic/extracted/stream_text.sse');
const EMBEDDING_REPLY = {
  object: 'list',
  model: 'text-embedding-3-small',
  data: [{ object: 'embedding', index: 0, embedding: [0.25, -0.5] }],
  usage: { prompt_tokens: 2, total_tokens: 2 },
};

let h: Harness;
let sdk: OpenRouter;

beforeAll(async () => {
  h = await startHarness({
    config: {
      providers: {
        mock: {
          type: 'openai-compatible', baseUrl: '${UPSTREAM}/v1', models: ['gpt-4o-mini', 'text-embedding-3-small'],
          pricing: { prompt: '0.00000015', completion: '0.0000006' },
        },
        claude: {
          type: 'anthropic', baseUrl: '${UPSTREAM}/anthropic/v1', models: ['claude-3-opus-20240229'],
          pricing: { prompt: '0.000003', completion: '0.000015' },
        },
        // Remote, no price override, an address genai-prices cannot know: its price is unknown.
        unpriced: { type: 'openai-compatible', baseUrl: '${UPSTREAM}/v1', models: ['mystery-model'], dataPolicy: { local: false } },
      },
    },
    vaultKeys: { mock: ['sk-mock'], unpriced: ['sk-unpriced'], claude: ['sk-ant'] },
  });
  h.upstream.on('POST', '/v1/chat/completions', (req) =>
    (req.body as { stream?: boolean }).stream ? { sse: STREAM_REPLY } : { body: TEXT_REPLY },
  );
  h.upstream.on('POST', '/v1/embeddings', { body: EMBEDDING_REPLY });
  h.upstream.on('POST', '/anthropic/v1/messages', { sse: ANTHROPIC_STREAM });
  sdk = new OpenRouter({ apiKey: h.appKey, serverURL: `${h.gateway.url}/api/v1`, retryConfig: { strategy: 'none' } });
});
afterAll(async () => {
  await h?.close();
});

const messages = [{ role: 'user' as const, content: 'Tell me about Galaxy Day' }];

type SendResult = Awaited<ReturnType<OpenRouter['chat']['send']>>;
type ChatStream = Extract<SendResult, AsyncIterable<unknown>>;
type ChatJson = Exclude<SendResult, ChatStream>;
const isStream = (res: SendResult): res is ChatStream => Symbol.asyncIterator in res;

async function sendJson(): Promise<ChatJson> {
  const res = await sdk.chat.send({ chatRequest: { model: 'mock/gpt-4o-mini', messages } });
  if (isStream(res)) throw new Error('asked for JSON, got a stream');
  return res;
}

type StreamUsage = NonNullable<(ChatStream extends AsyncIterable<infer C> ? C : never) extends { usage?: infer U } ? U : never>;

/** Streams a chat through the SDK (which validates every chunk): the text and the last usage seen. */
async function sendStream(model: string): Promise<{ text: string; usage: StreamUsage | undefined }> {
  const stream = await sdk.chat.send({ chatRequest: { model, messages, stream: true } });
  if (!isStream(stream)) throw new Error('asked for a stream, got JSON');
  let text = '';
  let usage: StreamUsage | undefined;
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta.content ?? '';
    usage = chunk.usage ?? usage;
  }
  return { text, usage };
}

describe('@openrouter/sdk against /api/v1', () => {
  it('chat.send answers JSON with the generation id and the cost', async () => {
    const res = await sendJson();
    expect(res.id).toMatch(/^gen-/);
    expect(res.choices[0]?.message.content).toBe(TEXT_REPLY.choices[0]?.message.content);
    expect(res.usage?.cost).toBeGreaterThan(0);
  });

  it('chat.send streams chunks passed through from an OpenAI upstream, usage last', async () => {
    const { text, usage } = await sendStream('mock/gpt-4o-mini');
    const expected = STREAM_REPLY.split('\n')
      .filter((l) => l.startsWith('data: {'))
      .map((l) => (JSON.parse(l.slice(6)) as { choices: { delta: { content?: string } }[] }).choices[0]?.delta.content ?? '')
      .join('');
    expect(text).toBe(expected);
    expect(usage?.cost).toBeGreaterThan(0);
  });

  it('chat.send streams chunks the gateway builds from an Anthropic stream', async () => {
    const { text, usage } = await sendStream('claude/claude-3-opus-20240229');
    expect(text).toBe('1\n2\n3\n4\n5');
    expect(usage?.completionTokens).toBe(13);
  });

  it('models.list, models.get and endpoints.list read the catalog', async () => {
    const pages = await sdk.models.list();
    const ids = pages.result.data.map((m) => m.id);
    expect(ids).toContain('mock/gpt-4o-mini');
    // OpenRouter's convention for a price not known in advance.
    expect(pages.result.data.find((m) => m.id === 'unpriced/mystery-model')?.pricing).toMatchObject({ prompt: '-1', completion: '-1' });
    const unknown = await sdk.endpoints.list({ author: 'unpriced', slug: 'mystery-model' });
    expect(unknown.data.endpoints[0]?.contextLength).toBe(0);
    const model = await sdk.models.get({ author: 'mock', slug: 'gpt-4o-mini' });
    expect(model.data.id).toBe('mock/gpt-4o-mini');
    const endpoints = await sdk.endpoints.list({ author: 'mock', slug: 'gpt-4o-mini' });
    expect(endpoints.data.endpoints[0]?.providerName).toBe('mock');
  });

  it('generations.getGeneration returns the logged record', async () => {
    const res = await sendJson();
    await h.usageRows((rows) => rows.some((r) => r.id === res.id));
    const gen = await sdk.generations.getGeneration({ id: res.id });
    expect(gen.data.id).toBe(res.id);
    expect(gen.data.totalCost).toBeCloseTo(res.usage?.cost as number, 12);
    expect(gen.data.tokensCompletion).toBe(res.usage?.completionTokens);
  });

  it('apiKeys.getCurrentKeyMetadata, credits.getCredits and analytics.getUserActivity read the spend', async () => {
    const rows = await h.usageRows((all) => all.length >= 3);
    const spent = rows.reduce((sum, r) => sum + (r.cost ?? 0), 0);
    const key = await sdk.apiKeys.getCurrentKeyMetadata();
    expect(key.data.label).toBe('test-tool');
    expect(key.data.usage).toBeCloseTo(spent, 12);
    const credits = await sdk.credits.getCredits();
    expect(credits.data.totalUsage).toBeCloseTo(spent, 12);
    expect(credits.data.totalCredits).toBeCloseTo(spent, 12);
    const activity = await sdk.analytics.getUserActivity();
    expect(activity.data.map((d) => d.model)).toContain('mock/gpt-4o-mini');
  });

  it('embeddings.generate answers the vectors', async () => {
    const res = await sdk.embeddings.generate({ requestBody: { model: 'mock/text-embedding-3-small', input: 'hello' } });
    expect(typeof res === 'object' && 'data' in res ? res.data[0]?.embedding : undefined).toEqual([0.25, -0.5]);
  });
});
