/**
 * POST /v1/messages and /v1/messages/count_tokens through the real Anthropic SDK: native
 * pass-through to an Anthropic-typed provider replaying Anthropic recordings, and translation
 * to an OpenAI-compatible provider replaying OpenAI recordings.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import { countTokens } from 'gpt-tokenizer/encoding/cl100k_base';
import { usageDbPath } from '../src/main/core/paths.js';
import { AppKeyStore } from '../src/main/core/secrets/app-keys.js';
import { openDb } from '../src/main/core/usage/usage-db.js';
import { loadBody, loadDdTraceJson, loadVcrYaml } from './helpers/fixtures.js';
import { CANCEL_BOUND_MS, replyFromRecording, upstreamCloseDelay } from './helpers/mock-upstream.js';
import { startHarness, type Harness } from './helpers/gateway-harness.js';
import { postMessages } from './helpers/post-messages.js';
import { interleaveToolCalls, recordedCalls } from './helpers/interleaved-tool-calls.js';

const OPENAI_KEY = 'sk-openai-upstream-canary-11';
const ANTHROPIC_KEY = 'sk-ant-upstream-canary-22';

const OPENAI_PRICE = { prompt: 0.00000015, completion: 0.0000006, cacheRead: 0.000000075 };
const CLAUDE_PRICE = { prompt: 0.000003, completion: 0.000015, cacheRead: 0.0000003, cacheWrite: 0.00000375 };

const config = {
  providers: {
    mock: {
      type: 'openai-compatible',
      baseUrl: '${UPSTREAM}/v1',
      models: ['gpt-4o-mini'],
      pricing: { prompt: '0.00000015', completion: '0.0000006', input_cache_read: '0.000000075' },
    },
    oai: { type: 'openai', baseUrl: '${UPSTREAM}/oai/v1', models: ['gpt-5-mini'], pricing: { prompt: '0', completion: '0' } },
    gem: { type: 'google', baseUrl: '${UPSTREAM}/gemini/v1beta', models: ['gemini-3-pro-preview'], pricing: { prompt: '0', completion: '0' } },
    claude: {
      type: 'anthropic',
      baseUrl: '${UPSTREAM}/anthropic/v1',
      models: ['claude-sonnet-4-5', 'claude-3-opus-20240229'],
      pricing: { prompt: '0.000003', completion: '0.000015', input_cache_read: '0.0000003', input_cache_write: '0.00000375' },
    },
  },
};
const vaultKeys = { mock: [OPENAI_KEY], oai: [OPENAI_KEY], gem: ['gemini-key'], claude: [ANTHROPIC_KEY] };

function claudeCost(u: { input: number; output: number; cacheRead?: number; cacheWrite?: number }): number {
  return (
    u.input * CLAUDE_PRICE.prompt +
    (u.cacheRead ?? 0) * CLAUDE_PRICE.cacheRead +
    (u.cacheWrite ?? 0) * CLAUDE_PRICE.cacheWrite +
    u.output * CLAUDE_PRICE.completion
  );
}

function openAiCost(u: { prompt: number; completion: number; cached?: number }): number {
  const cached = u.cached ?? 0;
  return (u.prompt - cached) * OPENAI_PRICE.prompt + cached * OPENAI_PRICE.cacheRead + u.completion * OPENAI_PRICE.completion;
}

interface SseBlock {
  event: string | undefined;
  data: string;
}

/** A raw SSE body as (event, data) pairs, read independently of the product's parser. */
function sseBlocks(text: string): SseBlock[] {
  return text
    .split(/\r?\n\r?\n/)
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const lines = block.split(/\r?\n/);
      const event = lines.find((l) => l.startsWith('event:'))?.slice(6).trim();
      const data = lines
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).replace(/^ /, ''))
        .join('\n');
      return { event, data };
    });
}

interface AnthropicRecordedEvent {
  type: string;
  index?: number;
  content_block?: { type: string; id?: string; name?: string; signature?: string };
  delta?: { type?: string; text?: string; partial_json?: string; thinking?: string; signature?: string; stop_reason?: string };
  usage?: { input_tokens?: number; output_tokens?: number; cache_creation_input_tokens?: number; cache_read_input_tokens?: number };
  message?: { usage: { input_tokens: number; output_tokens: number; cache_creation_input_tokens?: number; cache_read_input_tokens?: number } };
}

function anthropicEvents(sse: string): AnthropicRecordedEvent[] {
  return sseBlocks(sse).map((b) => JSON.parse(b.data) as AnthropicRecordedEvent);
}

function deltasOf(events: AnthropicRecordedEvent[], field: 'text' | 'partial_json' | 'thinking'): string {
  return events.map((e) => (e.type === 'content_block_delta' ? (e.delta?.[field] ?? '') : '')).join('');
}

interface OpenAiRecordedChunk {
  choices: {
    delta: {
      content?: string | null;
      reasoning_content?: string | null;
      tool_calls?: { index: number; id?: string; function?: { name?: string; arguments?: string } }[];
    };
    finish_reason: string | null;
  }[];
  usage?: {
    prompt_tokens: number;
    completion_tokens: number;
    prompt_tokens_details?: { cached_tokens?: number };
    completion_tokens_details?: { reasoning_tokens?: number };
  } | null;
}

function openAiChunks(sse: string): OpenAiRecordedChunk[] {
  return sseBlocks(sse)
    .filter((b) => b.data !== '[DONE]')
    .map((b) => JSON.parse(b.data) as OpenAiRecordedChunk);
}

function lastUsage(chunks: OpenAiRecordedChunk[]): NonNullable<OpenAiRecordedChunk['usage']> {
  const usage = chunks.findLast((c) => c.usage)?.usage;
  if (!usage) throw new Error('recording has no usage chunk');
  return usage;
}

const hello = { max_tokens: 256, messages: [{ role: 'user' as const, content: 'Hello, how are you?' }] };

let h: Harness;
let client: Anthropic;

beforeAll(async () => {
  h = await startHarness({ config, vaultKeys });
  client = new Anthropic({ baseURL: h.gateway.url, apiKey: h.appKey, maxRetries: 0 });
});
afterAll(async () => {
  await h?.close();
});

describe('native pass-through to an Anthropic provider', () => {
  it('relays the recorded message, sends the body unchanged but for the model, with the provider key, and logs the priced row', async () => {
    const recorded = JSON.parse(loadBody('anthropic/vercel__anthropic-text.json')) as Anthropic.Message;
    h.upstream.enqueue({ body: recorded });
    const before = h.upstream.requests.length;
    const params = {
      model: 'claude/claude-sonnet-4-5',
      max_tokens: 256,
      system: [{ type: 'text' as const, text: 'Be brief.', cache_control: { type: 'ephemeral' as const } }],
      messages: [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'Hello, how are you?' }] }],
      temperature: 0.5,
      metadata: { user_id: 'user-1' },
    };
    const message = await client.messages.create(params, {
      headers: { 'anthropic-version': '2023-06-01', 'anthropic-beta': 'prompt-caching-2024-07-31' },
    });

    expect(message.id).toMatch(/^gen-/);
    expect(message.content).toEqual(recorded.content);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage).toMatchObject({ input_tokens: 12, output_tokens: 29 });
    const cost = claudeCost({ input: 12, output: 29 });
    expect((message.usage as unknown as { cost: number }).cost).toBeCloseTo(cost, 12);

    const sent = h.upstream.requests[before];
    expect(sent?.path).toBe('/anthropic/v1/messages');
    expect(sent?.body).toEqual({ ...params, model: 'claude-sonnet-4-5' });
    expect(sent?.headers['x-api-key']).toBe(ANTHROPIC_KEY);
    expect(sent?.headers['anthropic-version']).toBe('2023-06-01');
    expect(sent?.headers['anthropic-beta']).toBe('prompt-caching-2024-07-31');
    expect(sent?.headers.authorization).toBeUndefined();
    expect(JSON.stringify(sent?.headers)).not.toContain(h.appKey);

    const rows = await h.usageRows((all) => all.some((r) => r.id === message.id));
    expect(rows.find((r) => r.id === message.id)).toMatchObject({
      model: 'claude/claude-sonnet-4-5',
      provider: 'claude',
      upstream_model: 'claude-sonnet-4-5',
      status: 200,
      prompt_tokens: 12,
      completion_tokens: 29,
      streamed: false,
      finish_reason: 'stop',
      app_key: 'test-tool',
    });
    expect(rows.find((r) => r.id === message.id)?.cost).toBeCloseTo(cost, 12);
  });

  it('relays a recorded tool_use answer as is', async () => {
    const recording = loadDdTraceJson('anthropic/dd-trace__anthropic_v1_messages_post_28bbec95.json');
    h.upstream.enqueue(replyFromRecording(recording));
    const recorded = JSON.parse(recording.response.body) as Anthropic.Message;
    const message = await client.messages.create({
      ...hello,
      model: 'claude/claude-sonnet-4-5',
      tools: [{ name: 'get_weather', input_schema: { type: 'object', properties: { location: { type: 'string' } } } }],
    });
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toEqual(recorded.content);
  });

  it('streams the recorded events in order (pings included), with the generation id and the cost added', async () => {
    const sse = loadBody('anthropic/extracted/stream_text.sse');
    h.upstream.enqueue({ sse, splitMidEvent: true });
    const res = await postMessages(h, { ...hello, model: 'claude/claude-3-opus-20240229', stream: true });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const got = sseBlocks(await res.text());
    const recorded = sseBlocks(sse);
    expect(got.map((b) => b.event)).toEqual(recorded.map((b) => b.event));
    const gotEvents = got.map((b) => JSON.parse(b.data) as AnthropicRecordedEvent & { message?: { id: string } });
    expect(gotEvents.map((e) => e.type)).toEqual(got.map((b) => b.event));
    const id = res.headers.get('x-generation-id');
    expect(gotEvents[0]?.message?.id).toBe(id);
    const recordedEvents = anthropicEvents(sse);
    expect(deltasOf(gotEvents, 'text')).toBe(deltasOf(recordedEvents, 'text'));
    const delta = gotEvents.find((e) => e.type === 'message_delta') as unknown as { usage: { output_tokens: number; cost: number } };
    expect(delta.usage.output_tokens).toBe(13);
    expect(delta.usage.cost).toBeCloseTo(claudeCost({ input: 15, output: 13 }), 12);

    const rows = await h.usageRows((all) => all.some((r) => r.id === id));
    expect(rows.find((r) => r.id === id)).toMatchObject({ status: 200, streamed: true, prompt_tokens: 15, completion_tokens: 13, finish_reason: 'stop' });
  });

  it('streams a recorded tool_use whose input_json_delta pieces the SDK reassembles', async () => {
    const sse = loadBody('anthropic/extracted/stream_tool_use.sse');
    h.upstream.enqueue({ sse });
    const stream = client.messages.stream({ ...hello, model: 'claude/claude-3-opus-20240229' });
    const pieces: string[] = [];
    stream.on('inputJson', (partial) => pieces.push(partial));
    const message = await stream.finalMessage();
    const recorded = anthropicEvents(sse);
    const tool = message.content.find((b) => b.type === 'tool_use');
    expect(tool?.type === 'tool_use' && tool.input).toEqual(JSON.parse(deltasOf(recorded, 'partial_json')));
    expect(pieces.join('')).toBe(deltasOf(recorded, 'partial_json'));
    expect(message.stop_reason).toBe('tool_use');
    const rows = await h.usageRows((all) => all.some((r) => r.id === message.id));
    expect(rows.find((r) => r.id === message.id)).toMatchObject({ prompt_tokens: 599, completion_tokens: 135, finish_reason: 'tool_calls' });
  });

  it('streams recorded thinking with its signature', async () => {
    const sse = loadBody('anthropic/extracted/stream_thinking.sse');
    h.upstream.enqueue({ sse });
    const message = await client.messages
      .stream({ ...hello, model: 'claude/claude-sonnet-4-5', thinking: { type: 'enabled', budget_tokens: 1024 }, max_tokens: 2048 })
      .finalMessage();
    const recorded = anthropicEvents(sse);
    const thinking = message.content[0];
    expect(thinking?.type).toBe('thinking');
    if (thinking?.type !== 'thinking') return;
    expect(thinking.thinking).toBe(deltasOf(recorded, 'thinking'));
    expect(thinking.signature).toBe(recorded.find((e) => e.delta?.type === 'signature_delta')?.delta?.signature);
    const text = message.content[1];
    expect(text?.type === 'text' && text.text).toBe(deltasOf(recorded, 'text'));
  });

  it('prices a streamed cache write at the cache-write rate', async () => {
    const sse = loadBody('anthropic/extracted/stream_cache_write.sse');
    h.upstream.enqueue({ sse });
    const message = await client.messages.stream({ ...hello, model: 'claude/claude-sonnet-4-5' }).finalMessage();
    const recorded = anthropicEvents(sse);
    const start = recorded[0]?.message?.usage;
    const output = recorded.findLast((e) => e.type === 'message_delta')?.usage?.output_tokens ?? 0;
    const write = start?.cache_creation_input_tokens ?? 0;
    expect(write).toBeGreaterThan(0);
    const rows = await h.usageRows((all) => all.some((r) => r.id === message.id));
    const row = rows.find((r) => r.id === message.id);
    expect(row).toMatchObject({ cache_write_tokens: write, prompt_tokens: (start?.input_tokens ?? 0) + write, completion_tokens: output });
    expect(row?.cost).toBeCloseTo(claudeCost({ input: start?.input_tokens ?? 0, cacheWrite: write, output }), 12);
  });

  it('counts tokens through the provider', async () => {
    h.upstream.enqueue({ body: { input_tokens: 14 } });
    const before = h.upstream.requests.length;
    const counted = await client.messages.countTokens({ model: 'claude/claude-sonnet-4-5', messages: hello.messages });
    expect(counted.input_tokens).toBe(14);
    const sent = h.upstream.requests[before];
    expect(sent?.path).toBe('/anthropic/v1/messages/count_tokens');
    expect(sent?.body).toEqual({ model: 'claude-sonnet-4-5', messages: hello.messages });
    expect(sent?.headers['x-api-key']).toBe(ANTHROPIC_KEY);
  });
});

describe('a stream the client cancels on /v1/messages', () => {
  async function cancelAfterText(model: string, sse: string, text: string): Promise<{ id: string | null; received: string }> {
    h.upstream.enqueue({ sse, chunkDelayMs: 150 });
    const controller = new AbortController();
    const res = await fetch(`${h.gateway.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'x-api-key': h.appKey },
      body: JSON.stringify({ ...hello, model, stream: true }),
      signal: controller.signal,
    });
    const reader = res.body!.getReader();
    let raw = '';
    const received = () => deltasOf(sseBlocks(raw).filter((b) => b.data.startsWith('{')).map((b) => JSON.parse(b.data) as AnthropicRecordedEvent), 'text');
    while (!received().endsWith(text)) raw += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    return { id: res.headers.get('x-generation-id'), received: received() };
  }

  async function generationOf(id: string | null) {
    await h.usageRows((all) => all.some((r) => r.id === id));
    const res = await fetch(`${h.baseURL}/generation?id=${id}`, { headers: { authorization: `Bearer ${h.appKey}` } });
    return ((await res.json()) as { data: { status: number; usage_estimated: boolean; tokens_prompt: number; tokens_completion: number; total_cost: number } }).data;
  }

  it('counts the text an Anthropic provider streamed before its final usage, on top of what message_start reported', async () => {
    const { id, received } = await cancelAfterText('claude/claude-3-opus-20240229', loadBody('anthropic/extracted/stream_text.sse'), '5');
    const gen = await generationOf(id);
    // message_start reported 15 input and 3 output tokens; the text alone is more than 3 tokens.
    expect(gen).toMatchObject({ status: 499, usage_estimated: true, tokens_prompt: 15 });
    expect(gen.tokens_completion).toBeGreaterThanOrEqual(countTokens(received));
    expect(gen.total_cost).toBeCloseTo(claudeCost({ input: 15, output: gen.tokens_completion }), 12);
  });

  it('counts the prompt and the text of a translated stream cancelled before its usage chunk', async () => {
    const sse = loadBody('openai/extracted/stream_text_include_usage.sse');
    const { id, received } = await cancelAfterText('mock/gpt-4o-mini', sse, '3');
    const gen = await generationOf(id);
    expect(gen).toMatchObject({ status: 499, usage_estimated: true });
    expect(gen.tokens_prompt).toBeGreaterThan(0);
    expect(gen.tokens_completion).toBeGreaterThanOrEqual(countTokens(received));
    expect(gen.total_cost).toBeCloseTo(openAiCost({ prompt: gen.tokens_prompt, completion: gen.tokens_completion }), 12);
  });
});

describe('translation to an OpenAI-compatible provider', () => {
  it('translates the request and the recorded answer, with usage and cost', async () => {
    const recorded = JSON.parse(loadBody('openai/vercel__openai-text.json')) as {
      choices: { message: { content: string } }[];
      usage: { prompt_tokens: number; completion_tokens: number };
    };
    h.upstream.enqueue({ body: recorded });
    const before = h.upstream.requests.length;
    // Sampling fields the SDK's types no longer list, as older clients still send them.
    const params = {
      model: 'mock/gpt-4o-mini',
      max_tokens: 300,
      system: 'You invent holidays.',
      messages: [{ role: 'user' as const, content: 'Invent a new holiday' }],
      temperature: 0.7,
      top_p: 0.9,
      top_k: 5,
      stop_sequences: ['THE END'],
    };
    const message = await client.messages.create(params);
    expect(message).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'mock/gpt-4o-mini',
      content: [{ type: 'text', text: recorded.choices[0]?.message.content }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: {
        input_tokens: recorded.usage.prompt_tokens,
        output_tokens: recorded.usage.completion_tokens,
        cache_read_input_tokens: 0,
        cache_creation_input_tokens: 0,
      },
    });
    expect(message.id).toMatch(/^gen-/);
    const cost = openAiCost({ prompt: recorded.usage.prompt_tokens, completion: recorded.usage.completion_tokens });
    expect((message.usage as unknown as { cost: number }).cost).toBeCloseTo(cost, 12);

    const sent = h.upstream.requests[before];
    expect(sent?.path).toBe('/v1/chat/completions');
    expect(sent?.headers.authorization).toBe(`Bearer ${OPENAI_KEY}`);
    expect(sent?.body).toEqual({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'You invent holidays.' },
        { role: 'user', content: 'Invent a new holiday' },
      ],
      max_tokens: 300,
      temperature: 0.7,
      top_p: 0.9,
      stop: ['THE END'],
    });
    const rows = await h.usageRows((all) => all.some((r) => r.id === message.id));
    const row = rows.find((r) => r.id === message.id);
    expect(row).toMatchObject({ provider: 'mock', prompt_tokens: recorded.usage.prompt_tokens, finish_reason: 'stop', status: 200 });
    expect(row?.cost).toBeCloseTo(cost, 12);
  });

  it('sends max_completion_tokens to OpenAI itself', async () => {
    h.upstream.enqueue({ body: JSON.parse(loadBody('openai/vercel__openai-text.json')) as object });
    const before = h.upstream.requests.length;
    await client.messages.create({ ...hello, model: 'oai/gpt-5-mini' });
    const sent = h.upstream.requests[before];
    expect(sent?.path).toBe('/oai/v1/chat/completions');
    expect(sent?.body).toMatchObject({ max_completion_tokens: 256 });
    expect(sent?.body).not.toHaveProperty('max_tokens');
  });

  it('translates tools, a tool round trip and images, and returns the recorded tool call as tool_use', async () => {
    const recording = loadDdTraceJson('openai/dd-trace__openai_chat_completions_post_6c0d752b.json');
    h.upstream.enqueue(replyFromRecording(recording));
    const before = h.upstream.requests.length;
    const message = await client.messages.create({
      model: 'mock/gpt-4o-mini',
      max_tokens: 100,
      tools: [{ name: 'add', description: 'Adds', input_schema: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } } } }],
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
      messages: [
        { role: 'user', content: 'What is 1 + 2, and 3 + 4?' },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Let me add.' },
            { type: 'tool_use', id: 'toolu_1', name: 'add', input: { a: 3, b: 4 } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: '7' }, { type: 'image', source: { type: 'url', url: 'https://example.com/sum.png' } }] },
            { type: 'text', text: 'Now 1 + 2.' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
          ],
        },
      ],
    });
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toEqual([{ type: 'tool_use', id: 'call_MDO16P3oyId52n98egufj3Wo', name: 'add', input: { a: 1, b: 2 } }]);

    const sent = h.upstream.requests[before]?.body as Record<string, unknown>;
    expect(sent.tools).toEqual([
      { type: 'function', function: { name: 'add', description: 'Adds', parameters: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } } } } },
    ]);
    expect(sent.tool_choice).toBe('required');
    expect(sent.parallel_tool_calls).toBe(false);
    expect(sent.messages).toEqual([
      { role: 'user', content: 'What is 1 + 2, and 3 + 4?' },
      { role: 'assistant', content: 'Let me add.', tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'add', arguments: '{"a":3,"b":4}' } }] },
      { role: 'tool', tool_call_id: 'toolu_1', content: '7' },
      {
        role: 'user',
        content: [
          { type: 'image_url', image_url: { url: 'https://example.com/sum.png' } },
          { type: 'text', text: 'Now 1 + 2.' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
        ],
      },
    ]);
  });

  it('streams text as the Anthropic event sequence, usage and cost in message_delta', async () => {
    const sse = loadBody('openai/extracted/stream_text_include_usage.sse');
    h.upstream.enqueue({ sse, splitMidEvent: true });
    const before = h.upstream.requests.length;
    const res = await postMessages(h, { ...hello, model: 'mock/gpt-4o-mini', stream: true });
    expect(res.status).toBe(200);
    const blocks = sseBlocks(await res.text());
    const events = blocks.map((b) => JSON.parse(b.data) as AnthropicRecordedEvent);
    expect(blocks.map((b) => b.event)).toEqual(events.map((e) => e.type));
    const types = events.map((e) => e.type);
    expect(types.slice(0, 3)).toEqual(['message_start', 'ping', 'content_block_start']);
    expect(types.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
    expect(new Set(types.slice(3, -3))).toEqual(new Set(['content_block_delta']));
    expect(events.filter((e) => e.index !== undefined).every((e) => e.index === 0)).toBe(true);

    const chunks = openAiChunks(sse);
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(deltasOf(events, 'text')).toBe(text);
    const usage = lastUsage(chunks);
    const delta = events.at(-2) as unknown as {
      delta: { stop_reason: string };
      usage: { input_tokens: number; output_tokens: number; cost: number };
    };
    expect(delta.delta.stop_reason).toBe('end_turn');
    expect(delta.usage).toMatchObject({ input_tokens: usage.prompt_tokens, output_tokens: usage.completion_tokens });
    expect(delta.usage.cost).toBeCloseTo(openAiCost({ prompt: usage.prompt_tokens, completion: usage.completion_tokens }), 12);
    expect((h.upstream.requests[before]?.body as { stream: boolean; stream_options: unknown })).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it('streams recorded tool-call argument deltas as input_json_delta that reassemble to the same JSON', async () => {
    const sse = loadBody('openai/extracted/stream_tool_call_arg_deltas.sse');
    h.upstream.enqueue({ sse });
    const stream = client.messages.stream({ ...hello, model: 'mock/gpt-4o-mini' });
    const pieces: string[] = [];
    stream.on('inputJson', (partial) => pieces.push(partial));
    const message = await stream.finalMessage();
    const [call] = recordedCalls(sse);
    expect(pieces.join('')).toBe(call?.args);
    expect(message.content).toEqual([{ type: 'tool_use', id: call?.id, name: call?.name, input: JSON.parse(call?.args ?? '') }]);
    expect(message.stop_reason).toBe('tool_use');
    const rows = await h.usageRows((all) => all.some((r) => r.id === message.id));
    expect(rows.find((r) => r.id === message.id)).toMatchObject({ finish_reason: 'tool_calls', streamed: true });
  });

  it('streams recorded parallel tool calls as consecutive tool_use blocks', async () => {
    const sse = loadBody('openai/extracted/stream_parallel_tool_calls.sse');
    h.upstream.enqueue({ sse });
    const message = await client.messages.stream({ ...hello, model: 'mock/gpt-4o-mini' }).finalMessage();
    const calls = recordedCalls(sse);
    expect(calls.length).toBeGreaterThan(1);
    expect(message.content).toEqual(calls.map((c) => ({ type: 'tool_use', id: c.id, name: c.name, input: JSON.parse(c.args) })));
  });

  it('streams interleaved parallel call deltas as one tool_use block per call, each complete when the SDK sees it stop', async () => {
    const sse = interleaveToolCalls(loadBody('openai/extracted/stream_parallel_tool_calls.sse'));
    const calls = recordedCalls(sse);
    h.upstream.enqueue({ sse });
    const stream = client.messages.stream({ ...hello, model: 'mock/gpt-4o-mini' });
    const events: { type: string; index?: number }[] = [];
    const stoppedBlocks: unknown[] = [];
    stream.on('streamEvent', (event) => events.push(event));
    stream.on('contentBlock', (block) => stoppedBlocks.push(block));
    const message = await stream.finalMessage();
    const expected = calls.map((c) => ({ type: 'tool_use', id: c.id, name: c.name, input: JSON.parse(c.args) as unknown }));
    expect(message.content).toEqual(expected);
    // As in Anthropic's own streams, a block's events run from its start to its one stop, none after.
    const runs = events.filter((e) => e.type.startsWith('content_block_')).map((e) => `${e.type} ${String(e.index)}`);
    expect(runs.filter((run, i) => run !== runs[i - 1])).toEqual(
      calls.flatMap((_, i) => [`content_block_start ${i}`, `content_block_delta ${i}`, `content_block_stop ${i}`]),
    );
    expect(events.slice(-2).map((e) => e.type)).toEqual(['message_delta', 'message_stop']);
    expect(stoppedBlocks).toEqual(expected);
  });

  it('streams recorded reasoning_content as a thinking block before the text, with reasoning tokens logged', async () => {
    const sse = loadBody('openai/extracted/compat_deepseek_stream_reasoning_content.sse');
    h.upstream.enqueue({ sse });
    const message = await client.messages.stream({ ...hello, model: 'mock/gpt-4o-mini' }).finalMessage();
    const chunks = openAiChunks(sse);
    const reasoning = chunks.map((c) => c.choices[0]?.delta.reasoning_content ?? '').join('');
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(message.content).toEqual([
      { type: 'thinking', thinking: reasoning, signature: '' },
      { type: 'text', text },
    ]);
    const usage = lastUsage(chunks);
    const thinkingTokens = usage.completion_tokens_details?.reasoning_tokens ?? 0;
    expect(thinkingTokens).toBeGreaterThan(0);
    expect(message.usage.output_tokens_details).toEqual({ thinking_tokens: thinkingTokens });
    const rows = await h.usageRows((all) => all.some((r) => r.id === message.id));
    expect(rows.find((r) => r.id === message.id)).toMatchObject({ reasoning_tokens: thinkingTokens, completion_tokens: usage.completion_tokens });
  });

  it('maps cached prompt tokens to cache_read_input_tokens and a length stop to max_tokens', async () => {
    const rec = loadVcrYaml('openai/dd-trace__chat_completion_stream_prompt_caching_cache_read.yaml')[0];
    if (!rec) throw new Error('recording missing');
    h.upstream.enqueue(replyFromRecording(rec));
    const message = await client.messages.stream({ ...hello, model: 'mock/gpt-4o-mini' }).finalMessage();
    const usage = lastUsage(openAiChunks(rec.response.body));
    const cached = usage.prompt_tokens_details?.cached_tokens ?? 0;
    expect(cached).toBeGreaterThan(0);
    expect(message.stop_reason).toBe('max_tokens');
    expect(message.usage).toMatchObject({ input_tokens: usage.prompt_tokens - cached, cache_read_input_tokens: cached });
    const rows = await h.usageRows((all) => all.some((r) => r.id === message.id));
    const row = rows.find((r) => r.id === message.id);
    expect(row).toMatchObject({ prompt_tokens: usage.prompt_tokens, cached_tokens: cached, finish_reason: 'length' });
    expect(row?.cost).toBeCloseTo(openAiCost({ prompt: usage.prompt_tokens, completion: usage.completion_tokens, cached }), 12);
  });

  it('answers count_tokens with a clear 501 in Anthropic shape, without calling the provider', async () => {
    const before = h.upstream.requests.length;
    const res = await fetch(`${h.gateway.url}/v1/messages/count_tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': h.appKey },
      body: JSON.stringify({ model: 'mock/gpt-4o-mini', messages: hello.messages }),
    });
    expect(res.status).toBe(501);
    expect(res.headers.get('x-should-retry')).toBe('false');
    const body = (await res.json()) as { type: string; error: { type: string; message: string } };
    expect(body).toEqual({ type: 'error', error: { type: 'api_error', message: expect.stringContaining('tokenizer') } });
    expect(h.upstream.requests.length).toBe(before);
  });

  it('refuses what has no OpenAI form (a server tool, a search result block) with a 400 naming it, without calling the provider', async () => {
    const before = h.upstream.requests.length;
    const res = await postMessages(h, { ...hello, model: 'mock/gpt-4o-mini', tools: [{ type: 'bash_20250124', name: 'bash' }] });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { type: string; error: { type: string; message: string } };
    expect(body.type).toBe('error');
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toContain('tools.0.type');
    expect(body.error.message).toContain('server tools');

    const block = { type: 'search_result', source: 'https://example.com', title: 't', content: [] };
    const nested = await postMessages(h, { ...hello, model: 'mock/gpt-4o-mini', messages: [{ role: 'user', content: [block] }] });
    expect(nested.status).toBe(400);
    expect(((await nested.json()) as { error: { message: string } }).error.message).toContain('messages.0.content.0.type: Input tag does not match');
    expect(h.upstream.requests.length).toBe(before);
  });
});

describe('translation to a Gemini provider (through its OpenAI form)', () => {
  it('returns a recorded tool call with its thought signature, which the next turn sends back on the call', async () => {
    const sse = loadBody('gemini/extracted/stream_tool_call_thought_signature.sse');
    const signature = /"thoughtSignature": "([^"]+)"/.exec(sse)?.[1];
    expect(signature).toBeDefined();
    h.upstream.enqueue({ sse });
    const tools = [{ name: 'get_country', input_schema: { type: 'object' as const, properties: {} } }];
    const question = { role: 'user' as const, content: 'Which country am I in?' };
    const first = await client.messages.stream({ model: 'gem/gemini-3-pro-preview', max_tokens: 256, tools, messages: [question] }).finalMessage();
    expect(first.stop_reason).toBe('tool_use');
    const call = first.content.find((b) => b.type === 'tool_use');
    expect(call).toMatchObject({ type: 'tool_use', name: 'get_country', input: {} });
    if (call?.type !== 'tool_use') return;

    h.upstream.enqueue({ body: JSON.parse(loadBody('gemini/vercel__google-text.json')) as object });
    const before = h.upstream.requests.length;
    await client.messages.create({
      model: 'gem/gemini-3-pro-preview',
      max_tokens: 256,
      tools,
      messages: [
        question,
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: 'France' }] },
      ],
    });
    const sent = h.upstream.requests[before]?.body as { contents: { role: string; parts: Record<string, unknown>[] }[] };
    const modelTurn = sent.contents.find((c) => c.role === 'model');
    expect(modelTurn?.parts).toEqual([{ functionCall: expect.objectContaining({ name: 'get_country' }), thoughtSignature: signature }]);
  });

  it('streams recorded Gemini thoughts before the answer, and the text signature after it comes back on the next turn', async () => {
    const sse = loadBody('gemini/extracted/stream_thinking_thought_parts.sse');
    const parts = sseBlocks(sse).flatMap(
      (b) => (JSON.parse(b.data) as { candidates: { content: { parts: { text?: string; thought?: boolean }[] } }[] }).candidates[0]?.content.parts ?? [],
    );
    const thoughts = parts.filter((p) => p.thought).map((p) => p.text ?? '').join('');
    const answer = parts.filter((p) => !p.thought).map((p) => p.text ?? '').join('');
    expect(thoughts).not.toBe('');
    h.upstream.enqueue({ sse });
    const message = await client.messages.stream({ ...hello, model: 'gem/gemini-3-pro-preview' }).finalMessage();
    // The signature Gemini put on a text part follows the text instead of splitting it.
    const signature = /"thoughtSignature": "([^"]+)"/.exec(sse)?.[1];
    expect(message.content).toEqual([
      { type: 'thinking', thinking: thoughts, signature: '' },
      { type: 'text', text: answer },
      { type: 'redacted_thinking', data: expect.any(String) },
    ]);

    h.upstream.enqueue({ body: JSON.parse(loadBody('gemini/vercel__google-text.json')) as object });
    const before = h.upstream.requests.length;
    await client.messages.create({
      ...hello,
      model: 'gem/gemini-3-pro-preview',
      messages: [...hello.messages, { role: 'assistant', content: message.content }, { role: 'user', content: 'Thanks!' }],
    });
    const sent = h.upstream.requests[before]?.body as { contents: { role: string; parts: Record<string, unknown>[] }[] };
    expect(sent.contents.find((c) => c.role === 'model')?.parts).toEqual([{ text: answer, thoughtSignature: signature }]);
  });
});

describe('errors in Anthropic shape', () => {
  let e: Harness | undefined;
  afterEach(async () => {
    await e?.close();
    e = undefined;
  });

  it('answers a bad app key with 401 authentication_error, by x-api-key and by Bearer', async () => {
    e = await startHarness({ config, vaultKeys });
    const attempts: Record<string, string>[] = [{ 'x-api-key': 'sk-sy-wrong' }, { authorization: 'Bearer sk-sy-wrong' }, {}];
    for (const headers of attempts) {
      const res = await postMessages(e, { ...hello, model: 'mock/gpt-4o-mini' }, headers);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ type: 'error', error: { type: 'authentication_error', message: expect.any(String) } });
    }
    const bad = new Anthropic({ baseURL: e.gateway.url, apiKey: 'sk-sy-wrong', maxRetries: 0 });
    await expect(bad.messages.create({ ...hello, model: 'mock/gpt-4o-mini' })).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
    expect(e.upstream.requests).toHaveLength(0);
  });

  it('accepts the app key as a Bearer token (the SDK authToken option)', async () => {
    e = await startHarness({ config, vaultKeys });
    e.upstream.enqueue({ body: JSON.parse(loadBody('anthropic/vercel__anthropic-text.json')) as object });
    const bearer = new Anthropic({ baseURL: e.gateway.url, apiKey: null, authToken: e.appKey, maxRetries: 0 });
    const message = await bearer.messages.create({ ...hello, model: 'claude/claude-sonnet-4-5' });
    expect(message.stop_reason).toBe('end_turn');
  });

  it('answers an unknown model with 404 not_found_error and logs the row', async () => {
    e = await startHarness({ config, vaultKeys });
    const harness = e;
    const res = await postMessages(harness, { ...hello, model: 'nobody/nothing' });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ type: 'error', error: { type: 'not_found_error', message: expect.stringContaining('nobody/nothing') } });
    const rows = await harness.usageRows((all) => all.length === 1);
    expect(rows[0]).toMatchObject({ status: 404, error_code: 'model_not_found', model: 'nobody/nothing' });
  });

  it('answers an upstream 5xx with 502 api_error, natively and translated, with the provider message', async () => {
    e = await startHarness({ config, vaultKeys });
    const harness = e;
    harness.upstream.enqueue({ status: 500, body: { type: 'error', error: { type: 'api_error', message: 'Internal server error' } } });
    const native = await postMessages(harness, { ...hello, model: 'claude/claude-sonnet-4-5' });
    expect(native.status).toBe(502);
    expect(await native.json()).toEqual({ type: 'error', error: { type: 'api_error', message: expect.stringContaining('Internal server error') } });

    harness.upstream.enqueue({ status: 503, body: { error: { message: 'The engine is currently overloaded', type: 'server_error' } } });
    const translated = await postMessages(harness, { ...hello, model: 'mock/gpt-4o-mini' });
    expect(translated.status).toBe(502);
    expect(await translated.json()).toEqual({ type: 'error', error: { type: 'api_error', message: expect.stringContaining('overloaded') } });

    const rows = await harness.usageRows((all) => all.length === 2);
    expect(rows.map((r) => [r.status, r.error_code])).toEqual([
      [502, 'upstream_error'],
      [502, 'upstream_error'],
    ]);
  });

  it('ends a native stream with an error event when the provider sends one, keeping its type', async () => {
    e = await startHarness({ config, vaultKeys });
    const harness = e;
    const sse = loadBody('anthropic/extracted/stream_text.sse');
    const firstDelta = sse.indexOf('event: content_block_delta');
    const overloaded = 'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n';
    harness.upstream.enqueue({ sse: sse.slice(0, firstDelta) + overloaded });
    const res = await postMessages(harness, { ...hello, model: 'claude/claude-3-opus-20240229', stream: true });
    expect(res.status).toBe(200);
    const blocks = sseBlocks(await res.text());
    expect(blocks.map((b) => b.event)).toEqual(['message_start', 'content_block_start', 'error']);
    expect(JSON.parse(blocks.at(-1)?.data ?? '')).toEqual({
      type: 'error',
      error: { type: 'overloaded_error', message: expect.stringContaining('Overloaded') },
    });
    const rows = await harness.usageRows((all) => all.length === 1);
    expect(rows[0]).toMatchObject({ status: 502, finish_reason: 'error', streamed: true, prompt_tokens: 15 });

    harness.upstream.enqueue({ sse: sse.slice(0, firstDelta) + overloaded });
    const stream = new Anthropic({ baseURL: harness.gateway.url, apiKey: harness.appKey, maxRetries: 0 }).messages.stream({
      ...hello,
      model: 'claude/claude-3-opus-20240229',
    });
    await expect(stream.finalMessage()).rejects.toMatchObject({ error: { error: { type: 'overloaded_error' } } });
  });

  it('refuses an app key over its spend limit with 402 billing_error before anything goes upstream', async () => {
    e = await startHarness({ config, vaultKeys });
    const db = openDb(usageDbPath(e.dataDir));
    const { key } = new AppKeyStore(db).create({ name: 'tight', limitUsd: 0.000001 });
    db.close();
    const res = await postMessages(e, { ...hello, model: 'claude/claude-sonnet-4-5' }, { 'x-api-key': key });
    expect(res.status).toBe(402);
    expect(await res.json()).toEqual({ type: 'error', error: { type: 'billing_error', message: expect.stringContaining('spend limit') } });
    expect(e.upstream.requests).toHaveLength(0);
  });

  it('aborts the upstream request within 1 s when the client goes away mid-stream, and logs the row as 499', async () => {
    e = await startHarness({ config, vaultKeys });
    const harness = e;
    harness.upstream.enqueue({ sse: loadBody('openai/extracted/stream_text_include_usage.sse'), chunkDelayMs: 200 });
    const res = await postMessages(harness, { ...hello, model: 'mock/gpt-4o-mini', stream: true });
    const reader = res.body?.getReader();
    const first = await reader?.read();
    expect(new TextDecoder().decode(first?.value)).toContain('event: message_start');
    const leftAt = performance.now();
    await reader?.cancel();
    const ended = await upstreamCloseDelay(harness.upstream.requests[0]!, leftAt);
    expect(ended.closed).toBe('aborted');
    expect(ended.afterMs).toBeLessThanOrEqual(CANCEL_BOUND_MS);
    const rows = await harness.usageRows((all) => all.length === 1);
    expect(rows[0]).toMatchObject({ status: 499, streamed: true });
  });

  it('ends a translated stream cut mid-way with an error event after the text already sent', async () => {
    e = await startHarness({ config, vaultKeys });
    const harness = e;
    const sse = loadBody('openai/extracted/stream_text_include_usage.sse');
    harness.upstream.enqueue({ sse, cutAfterBytes: Math.floor(sse.length / 2) });
    const res = await postMessages(harness, { ...hello, model: 'mock/gpt-4o-mini', stream: true });
    const blocks = sseBlocks(await res.text());
    const events = blocks.map((b) => JSON.parse(b.data) as AnthropicRecordedEvent & { error?: { type: string } });
    expect(events[0]?.type).toBe('message_start');
    expect(events.some((ev) => ev.type === 'content_block_delta')).toBe(true);
    expect(events.at(-1)).toEqual({ type: 'error', error: { type: 'api_error', message: expect.stringContaining('ended the stream unexpectedly') } });
    expect(events.some((ev) => ev.type === 'message_stop')).toBe(false);
    const rows = await harness.usageRows((all) => all.length === 1);
    expect(rows[0]).toMatchObject({ status: 502, error_code: 'upstream_stream_cut', finish_reason: 'error' });
  });

  it('keeps the usage a native stream reported before it was cut, from message_start and from message_delta', async () => {
    e = await startHarness({ config, vaultKeys });
    const harness = e;
    const sse = loadBody('anthropic/extracted/stream_text.sse');
    const recorded = anthropicEvents(sse);
    const start = recorded[0]?.message?.usage;
    const delta = recorded.find((ev) => ev.type === 'message_delta')?.usage;
    if (!start || !delta?.output_tokens) throw new Error('recording lacks its usage');
    const cuts = [
      { at: sse.indexOf('event: content_block_delta') + 10, output: start.output_tokens },
      { at: sse.indexOf('event: message_stop') + 10, output: delta.output_tokens },
    ];
    for (const [i, cut] of cuts.entries()) {
      harness.upstream.enqueue({ sse, cutAfterBytes: Buffer.byteLength(sse.slice(0, cut.at)) });
      const res = await postMessages(harness, { ...hello, model: 'claude/claude-3-opus-20240229', stream: true });
      const blocks = sseBlocks(await res.text());
      expect(blocks.at(-1)?.event).toBe('error');
      const rows = await harness.usageRows((all) => all.length === i + 1);
      const row = rows.find((r) => r.id === res.headers.get('x-generation-id'));
      expect(row).toMatchObject({
        status: 502,
        error_code: 'upstream_stream_cut',
        finish_reason: 'error',
        prompt_tokens: start.input_tokens,
        completion_tokens: cut.output,
      });
      expect(row?.cost).toBeCloseTo(claudeCost({ input: start.input_tokens, output: cut.output }), 12);
    }
  });

  it("keeps the usage a translated stream's provider reported before the cut (Gemini reports it with every event)", async () => {
    e = await startHarness({ config, vaultKeys });
    const harness = e;
    const sse = loadBody('gemini/extracted/stream_text_alt_sse.sse');
    const events = sseBlocks(sse).map((b) => JSON.parse(b.data) as { usageMetadata: { promptTokenCount: number } });
    const lastDataStart = sse.lastIndexOf('data:');
    harness.upstream.enqueue({ sse, cutAfterBytes: Buffer.byteLength(sse.slice(0, lastDataStart + 20)) });
    const res = await postMessages(harness, { ...hello, model: 'gem/gemini-3-pro-preview', stream: true });
    const blocks = sseBlocks(await res.text());
    expect(blocks.some((b) => b.event === 'content_block_delta')).toBe(true);
    expect(blocks.at(-1)?.event).toBe('error');
    const rows = await harness.usageRows((all) => all.length === 1);
    expect(rows[0]).toMatchObject({
      status: 502,
      error_code: 'upstream_stream_cut',
      finish_reason: 'error',
      prompt_tokens: events.at(-2)?.usageMetadata.promptTokenCount,
      completion_tokens: 0,
    });
  });
});
