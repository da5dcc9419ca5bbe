/**
 * The openai-compatible presets end to end: the openai SDK against the gateway, the gateway
 * against a mock upstream that replays recorded DeepSeek and Mistral traffic and checks requests
 * the way those APIs are known to (Mistral: unknown fields 422, tool call ids of 9 letters or
 * digits; DeepSeek: reasoning_content after tool calls). Ollama's recordings are of its native
 * /api/chat and /api/embed, not of the /v1 API the preset talks to, so its replies here are
 * synthetic, in the shapes of Ollama's openai/openai.go; only the message of its recorded tool
 * refusal carries over.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import type { UsageRow } from '../src/shared/usage.js';
import { loadBody, loadDdTraceJson, loadHttprr, loadVcrYaml } from './helpers/fixtures.js';
import { replyFromRecording, startMockUpstream, type MockReply, type MockUpstream, type UpstreamRequest } from './helpers/mock-upstream.js';
import { startHarness, type Harness } from './helpers/gateway-harness.js';
import { deepseekThinkingMode } from './helpers/deepseek-upstream.js';
import { postMessages } from './helpers/post-messages.js';

const DEEPSEEK_KEY = 'sk-deepseek-test-1';
const MISTRAL_KEY = 'mistral-test-key-1';
const PRICES = {
  deepseek: { prompt: 0.00000027, completion: 0.0000011 },
  mistral: { prompt: 0.000002, completion: 0.000006, cacheRead: 0.0000002 },
};

type Json = Record<string, unknown>;
type Params = OpenAI.ChatCompletionCreateParamsNonStreaming & Json;
type StreamParams = OpenAI.ChatCompletionCreateParamsStreaming & Json;

/** OpenRouter's fields, which the SDK's types do not know. */
interface ReasoningExtras {
  reasoning?: string;
  reasoning_content?: string;
  reasoning_details?: { type: string; text: string; format: string; index: number }[];
}

interface UsageWithCost {
  prompt_tokens: number;
  completion_tokens: number;
  cost: number;
  prompt_tokens_details?: { cached_tokens?: number };
  completion_tokens_details?: { reasoning_tokens?: number };
}

// Mistral's chat and embeddings request fields (mistralai/client-python ChatCompletionRequest,
// EmbeddingRequest; `prompt_cache_key` as the recorded pydantic-ai requests send it) and message fields.
const MISTRAL_CHAT_FIELDS = new Set([
  'model', 'messages', 'temperature', 'top_p', 'max_tokens', 'stream', 'stop', 'random_seed', 'metadata',
  'response_format', 'tools', 'tool_choice', 'presence_penalty', 'frequency_penalty', 'n', 'prediction',
  'parallel_tool_calls', 'prompt_mode', 'safe_prompt', 'prompt_cache_key',
]);
const MISTRAL_EMBEDDING_FIELDS = new Set(['model', 'input', 'encoding_format', 'output_dimension', 'output_dtype']);
const MISTRAL_MESSAGE_FIELDS: Record<string, Set<string>> = {
  system: new Set(['role', 'content']),
  user: new Set(['role', 'content']),
  assistant: new Set(['role', 'content', 'tool_calls', 'prefix']),
  tool: new Set(['role', 'content', 'tool_call_id', 'name']),
};

function mistralRefusal(status: number, message: unknown): MockReply {
  return { status, body: { object: 'error', message, type: 'invalid_request_error', param: null, code: null } };
}

/** What Mistral answers a request it refuses with, or undefined for a request it accepts. */
function mistralValidation(request: UpstreamRequest): MockReply | undefined {
  const body = request.body as Json;
  const allowed = request.path.endsWith('/embeddings') ? MISTRAL_EMBEDDING_FIELDS : MISTRAL_CHAT_FIELDS;
  const extra: { loc: (string | number)[] }[] = Object.keys(body)
    .filter((key) => !allowed.has(key))
    .map((key) => ({ loc: ['body', key] }));
  const messages = Array.isArray(body.messages) ? (body.messages as Json[]) : [];
  messages.forEach((message, index) => {
    const role = String(message.role);
    for (const key of Object.keys(message)) {
      if (!MISTRAL_MESSAGE_FIELDS[role]?.has(key)) extra.push({ loc: ['body', 'messages', index, role, key] });
    }
  });
  if (extra.length > 0) {
    return mistralRefusal(422, {
      detail: extra.map(({ loc }) => ({ type: 'extra_forbidden', loc, msg: 'Extra inputs are not permitted' })),
    });
  }
  const ids = messages.flatMap((m) => [
    ...((m.tool_calls as { id: string }[] | undefined) ?? []).map((c) => c.id),
    ...(typeof m.tool_call_id === 'string' ? [m.tool_call_id] : []),
  ]);
  const bad = ids.find((id) => !/^[a-zA-Z0-9]{9}$/.test(id));
  if (bad !== undefined) return mistralRefusal(400, `Tool call id was ${bad} but must be a-z, A-Z, 0-9, with a length of 9.`);
  return undefined;
}

function mistral(reply: MockReply): (request: UpstreamRequest) => MockReply {
  return (request) => mistralValidation(request) ?? reply;
}

let h: Harness;
let ollama: MockUpstream;
let client: OpenAI;

// Synthetic Ollama /v1 traffic (shapes of ollama/ollama openai/openai.go: ListCompletion, ChatCompletionChunk).
const OLLAMA_MODELS = {
  object: 'list',
  data: [{ id: 'llama3.2:3b', object: 'model', created: 1755697704, owned_by: 'library' }],
};

function ollamaChunk(delta: Json, finishReason: string | null): string {
  const chunk = {
    id: 'chatcmpl-381',
    object: 'chat.completion.chunk',
    created: 1755697704,
    model: 'qwen3:0.6b',
    system_fingerprint: 'fp_ollama',
    choices: [{ index: 0, delta: { role: 'assistant', content: '', ...delta }, finish_reason: finishReason }],
  };
  return `data: ${JSON.stringify(chunk)}\n\n`;
}

const OLLAMA_STREAM =
  ollamaChunk({ reasoning: 'Counting is easy.' }, null) +
  ollamaChunk({ content: '1, 2, 3' }, null) +
  ollamaChunk({}, 'stop') +
  `data: ${JSON.stringify({
    id: 'chatcmpl-381',
    object: 'chat.completion.chunk',
    created: 1755697704,
    model: 'qwen3:0.6b',
    system_fingerprint: 'fp_ollama',
    choices: [],
    usage: { prompt_tokens: 14, completion_tokens: 12, total_tokens: 26 },
  })}\n\ndata: [DONE]\n\n`;

beforeAll(async () => {
  ollama = await startMockUpstream({ 'GET /v1/models': { body: OLLAMA_MODELS } });
  h = await startHarness({
    config: {
      providers: {
        deepseek: {
          type: 'deepseek',
          baseUrl: '${UPSTREAM}',
          models: ['deepseek-v4-pro'],
          pricing: { prompt: String(PRICES.deepseek.prompt), completion: String(PRICES.deepseek.completion) },
        },
        mistral: {
          type: 'mistral',
          baseUrl: '${UPSTREAM}/v1',
          models: ['mistral-large-latest', 'magistral-medium-latest', 'mistral-embed'],
          pricing: {
            prompt: String(PRICES.mistral.prompt),
            completion: String(PRICES.mistral.completion),
            input_cache_read: String(PRICES.mistral.cacheRead),
          },
        },
        ollama: { type: 'ollama', baseUrl: `${ollama.url}/v1` },
      },
    },
    vaultKeys: { deepseek: [DEEPSEEK_KEY], mistral: [MISTRAL_KEY] },
  });
  client = new OpenAI({ baseURL: h.baseURL, apiKey: h.appKey, maxRetries: 0 });
});
afterAll(async () => {
  await h?.close();
  await ollama?.close();
});

/** Queues replies and returns the upstream requests the next calls produce, in order. */
function expectUpstream(...replies: (MockReply | ((request: UpstreamRequest) => MockReply))[]): () => UpstreamRequest[] {
  const before = h.upstream.requests.length;
  h.upstream.enqueue(...replies);
  return () => h.upstream.requests.slice(before);
}

async function rowFor(id: string): Promise<UsageRow> {
  const rows = await h.usageRows((all) => all.some((r) => r.id === id));
  const row = rows.find((r) => r.id === id);
  if (!row) throw new Error(`no usage row for ${id}`);
  return row;
}

function mistralCost(u: { prompt: number; completion: number; cached?: number }): number {
  const cached = u.cached ?? 0;
  return (u.prompt - cached) * PRICES.mistral.prompt + cached * PRICES.mistral.cacheRead + u.completion * PRICES.mistral.completion;
}

/** The `data:` payloads of a recorded SSE body, without [DONE]. */
function recordedChunks(sse: string): { choices: { delta: Json }[]; usage?: Json | null }[] {
  return sse
    .split(/\r?\n/)
    .filter((line) => line.startsWith('data: ') && line !== 'data: [DONE]')
    .map((line) => JSON.parse(line.slice(6)) as { choices: { delta: Json }[]; usage?: Json | null });
}

/** What a client reads off a chat completion stream: the id, the text and reasoning joined, each delta's content, and the usage. */
async function readStream(stream: AsyncIterable<OpenAI.ChatCompletionChunk>) {
  const out = { id: '', reasoning: '', reasoningContent: '', text: '', contents: [] as unknown[], usage: undefined as UsageWithCost | undefined };
  for await (const chunk of stream) {
    out.id = chunk.id;
    const delta = chunk.choices[0]?.delta as (OpenAI.ChatCompletionChunk.Choice.Delta & ReasoningExtras) | undefined;
    out.contents.push(delta?.content);
    out.reasoning += delta?.reasoning ?? '';
    out.reasoningContent += delta?.reasoning_content ?? '';
    out.text += delta?.content ?? '';
    if (chunk.usage) out.usage = chunk.usage as unknown as UsageWithCost;
  }
  return out;
}

describe('DeepSeek preset', () => {
  const rec = loadVcrYaml('openai/dd-trace__deepseek_streamed_reasoning_content.yaml')[0]!;
  const recordedRequest = JSON.parse(rec.request.body) as Json;
  const recorded = recordedChunks(rec.response.body);
  const recordedReasoning = recorded.map((c) => c.choices[0]?.delta.reasoning_content ?? '').join('');
  const recordedText = recorded.map((c) => c.choices[0]?.delta.content ?? '').join('');

  it('streams the recorded reasoning as reasoning (and reasoning_content), the answer, and reasoning tokens', async () => {
    const sent = expectUpstream(deepseekThinkingMode(replyFromRecording(rec)));
    const stream = await client.chat.completions.create({ ...recordedRequest, model: 'deepseek/deepseek-v4-pro', stream: true } as StreamParams);
    const { id, reasoning, reasoningContent, text, usage } = await readStream(stream);
    expect(recordedReasoning.length).toBeGreaterThan(50);
    expect(reasoning).toBe(recordedReasoning);
    expect(reasoningContent).toBe(recordedReasoning);
    expect(text).toBe(recordedText);
    expect(usage?.completion_tokens_details?.reasoning_tokens).toBe(34);
    expect(usage?.cost).toBeCloseTo(17 * PRICES.deepseek.prompt + 47 * PRICES.deepseek.completion, 12);

    const [request] = sent();
    expect(request?.path).toBe(rec.request.path);
    expect(request?.headers.authorization).toBe(`Bearer ${DEEPSEEK_KEY}`);
    expect(request?.body).toEqual({ ...recordedRequest, model: 'deepseek-v4-pro' });

    const row = await rowFor(id);
    expect(row).toMatchObject({ provider: 'deepseek', prompt_tokens: 17, completion_tokens: 47, reasoning_tokens: 34, streamed: true, finish_reason: 'stop' });
  });

  it('sends an OpenRouter-style reasoning back as the reasoning_content DeepSeek requires after a tool call', async () => {
    const sent = expectUpstream(deepseekThinkingMode(replyFromRecording(rec)));
    const toolCall = { id: 'call_00_rT2', type: 'function' as const, function: { name: 'multiply', arguments: '{"a":17,"b":23}' } };
    const stream = await client.chat.completions.create({
      model: 'deepseek/deepseek-v4-pro',
      stream: true,
      thinking: { type: 'enabled' },
      messages: [
        { role: 'user', content: 'What is 17 * 23?' },
        { role: 'assistant', content: '', tool_calls: [toolCall], reasoning: 'I should use the tool.' },
        { role: 'tool', tool_call_id: toolCall.id, content: '391' },
      ],
    } as StreamParams);
    const { text } = await readStream(stream);
    expect(text).toBe(recordedText);
    const assistant = ((sent()[0]?.body as Json).messages as Json[])[1];
    expect(assistant).toEqual({ role: 'assistant', content: '', tool_calls: [toolCall], reasoning_content: 'I should use the tool.' });
  });
});

describe('Mistral preset', () => {
  it('answers a recorded text completion; OpenAI seed and max_completion_tokens arrive as Mistral names them', async () => {
    const rec = loadDdTraceJson('mistral/dd-trace__mistral_text_nonstream_c3afa786.json');
    const recordedRequest = JSON.parse(rec.request.body) as Json;
    const answer = JSON.parse(rec.response.body) as { choices: { message: { content: string } }[]; usage: { prompt_tokens: number; completion_tokens: number } };
    const sent = expectUpstream(mistral(replyFromRecording(rec)));
    const completion = await client.chat.completions.create({
      model: 'mistral/mistral-large-latest',
      messages: [{ content: 'Why is the sky blue?', role: 'user' }],
      temperature: 0.7,
      top_p: 0.9,
      max_completion_tokens: 100,
      stream: false,
      seed: 42,
      presence_penalty: 0,
      frequency_penalty: 0,
    });
    expect(sent()[0]?.body).toEqual(recordedRequest);
    expect(sent()[0]?.headers.authorization).toBe(`Bearer ${MISTRAL_KEY}`);
    expect(completion.choices[0]?.message.content).toBe(answer.choices[0]?.message.content);
    expect(completion.choices[0]?.finish_reason).toBe('length');
    expect(completion.usage).toMatchObject({ prompt_tokens: 9, completion_tokens: 100 });
    expect((completion.usage as unknown as UsageWithCost).cost).toBeCloseTo(mistralCost({ prompt: 9, completion: 100 }), 12);
  });

  it('streams recorded text without the stream_options Mistral refuses, reading usage off the last chunk', async () => {
    const sse = loadBody('mistral/extracted/stream_text.sse');
    const recorded = recordedChunks(sse);
    const recordedUsage = recorded.at(-1)?.usage as { prompt_tokens: number; completion_tokens: number };
    const sent = expectUpstream(mistral({ sse, splitMidEvent: true }));
    const stream = await client.chat.completions.create({ model: 'mistral/mistral-large-latest', messages: [{ role: 'user', content: 'Why is the sky blue?' }], stream: true });
    const { id, text, usage } = await readStream(stream);
    expect(sent()[0]?.body).not.toHaveProperty('stream_options');
    expect(text).toBe(recorded.map((c) => c.choices[0]?.delta.content ?? '').join(''));
    expect(usage).toMatchObject({ prompt_tokens: recordedUsage.prompt_tokens, completion_tokens: recordedUsage.completion_tokens });
    expect(usage?.cost).toBeCloseTo(mistralCost({ prompt: recordedUsage.prompt_tokens, completion: recordedUsage.completion_tokens }), 12);
    const row = await rowFor(id);
    expect(row).toMatchObject({ provider: 'mistral', prompt_tokens: recordedUsage.prompt_tokens, completion_tokens: recordedUsage.completion_tokens, streamed: true });
  });

  it('keeps Mistral’s own tool call id, and renames an OpenAI-style history’s ids consistently on the next turn', async () => {
    const toolRec = loadDdTraceJson('mistral/dd-trace__mistral_tool_nonstream_8fbc71a4.json');
    const followRec = loadDdTraceJson('mistral/dd-trace__mistral_tool_result_followup_5e983449.json');
    const followRequest = JSON.parse(followRec.request.body) as { tools: OpenAI.ChatCompletionTool[] };
    const sent = expectUpstream(mistral(replyFromRecording(toolRec)), mistral(replyFromRecording(followRec)));

    const first = await client.chat.completions.create({
      model: 'mistral/mistral-large-latest',
      messages: [{ role: 'user', content: "What's the weather in NYC?" }],
      tools: followRequest.tools,
    });
    const call = first.choices[0]?.message.tool_calls?.[0];
    expect(call?.id).toBe('Caf7Pyrd8');
    expect(first.choices[0]?.finish_reason).toBe('tool_calls');

    // The same call as an OpenAI-style history carries it (id from a recorded OpenAI answer).
    const foreignId = 'call_MDO16P3oyId52n98egufj3Wo';
    const second = await client.chat.completions.create({
      model: 'mistral/mistral-large-latest',
      tools: followRequest.tools,
      messages: [
        { role: 'user', content: "What's the weather in NYC?" },
        { role: 'assistant', content: null, tool_calls: [{ ...(call as OpenAI.ChatCompletionMessageFunctionToolCall), id: foreignId }] },
        { role: 'tool', tool_call_id: foreignId, content: '{"location": "New York, NY", "temperature": 72, "unit": "fahrenheit", "forecast": "Sunny"}' },
      ],
    });
    expect(second.choices[0]?.message.content).toBe(
      (JSON.parse(followRec.response.body) as { choices: { message: { content: string } }[] }).choices[0]?.message.content,
    );
    const messages = (sent()[1]?.body as { messages: Json[] }).messages;
    const renamed = (messages[1]?.tool_calls as { id: string }[])[0]?.id;
    expect(renamed).toMatch(/^[a-zA-Z0-9]{9}$/);
    expect(messages[2]?.tool_call_id).toBe(renamed);
  });

  it('takes an Anthropic tool-use history from /v1/messages, its toolu_ ids renamed for Mistral', async () => {
    const followRec = loadDdTraceJson('mistral/dd-trace__mistral_tool_result_followup_5e983449.json');
    const sent = expectUpstream(mistral(replyFromRecording(followRec)));
    const res = await postMessages(h, {
      model: 'mistral/mistral-large-latest',
      max_tokens: 100,
      tools: [{ name: 'get_weather', description: 'Get the current weather for a location.', input_schema: { type: 'object', properties: { location: { type: 'string' } } } }],
      messages: [
        { role: 'user', content: "What's the weather in NYC?" },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_01A09q90qw90lq917835lq9', name: 'get_weather', input: { location: 'New York City' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01A09q90qw90lq917835lq9', content: '{"forecast": "Sunny"}' }] },
      ],
    });
    expect(res.status).toBe(200);
    const message = (await res.json()) as { content: { type: string; text?: string }[] };
    const recordedText = (JSON.parse(followRec.response.body) as { choices: { message: { content: string } }[] }).choices[0]?.message.content;
    expect(message.content.filter((b) => b.type === 'text').map((b) => b.text).join('')).toBe(recordedText);
    const messages = (sent()[0]?.body as { messages: Json[] }).messages;
    const callId = messages.flatMap((m) => (m.tool_calls as { id: string }[] | undefined) ?? [])[0]?.id;
    expect(callId).toMatch(/^[a-zA-Z0-9]{9}$/);
    expect(messages.find((m) => m.role === 'tool')?.tool_call_id).toBe(callId);
  });

  it('streams a recorded tool call delivered whole in one chunk with its usage', async () => {
    const sse = loadBody('mistral/extracted/stream_tool_call.sse');
    expectUpstream(mistral({ sse }));
    const stream = client.chat.completions.stream({ model: 'mistral/mistral-large-latest', messages: [{ role: 'user', content: "What's the weather in NYC?" }] });
    const final = await stream.finalChatCompletion();
    const call = final.choices[0]?.message.tool_calls?.[0];
    expect(call?.type === 'function' && [call.id, call.function.name, JSON.parse(call.function.arguments)]).toEqual([
      'aX2gaLIyo',
      'get_weather',
      { location: 'New York City' },
    ]);
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
    expect(final.usage).toMatchObject({ prompt_tokens: 72, completion_tokens: 14 });
  });

  it('answers a recorded Magistral completion with string content and the thinking as reasoning', async () => {
    const rec = loadDdTraceJson('mistral/dd-trace__mistral_reasoning_nonstream_20aaaaf3.json');
    const parts = (JSON.parse(rec.response.body) as { choices: { message: { content: { type: string; text?: string; thinking?: { text: string }[] }[] } }[] })
      .choices[0]!.message.content;
    expectUpstream(mistral(replyFromRecording(rec)));
    const completion = await client.chat.completions.create({ model: 'mistral/magistral-medium-latest', messages: [{ role: 'user', content: 'What is 2+2?' }] } as Params);
    const message = completion.choices[0]?.message as OpenAI.ChatCompletionMessage & ReasoningExtras;
    expect(message.content).toBe(parts.filter((p) => p.type === 'text').map((p) => p.text).join(''));
    expect(message.reasoning).toBe(parts.flatMap((p) => p.thinking ?? []).map((t) => t.text).join(''));
    expect(completion.usage?.prompt_tokens_details?.cached_tokens).toBe(5);
    const row = await rowFor(completion.id);
    expect(row).toMatchObject({ cached_tokens: 5, prompt_tokens: 10, completion_tokens: 63 });
    expect(row.cost).toBeCloseTo(mistralCost({ prompt: 10, completion: 63, cached: 5 }), 12);
  });

  it('streams recorded Magistral thinking as reasoning deltas and the answer as string content', async () => {
    const sse = loadBody('mistral/extracted/stream_reasoning_magistral.sse');
    const recorded = recordedChunks(sse);
    const thinking = recorded
      .flatMap((c) => (Array.isArray(c.choices[0]?.delta.content) ? (c.choices[0]?.delta.content as { thinking?: { text: string }[] }[]) : []))
      .flatMap((p) => p.thinking ?? [])
      .map((t) => t.text)
      .join('');
    const answer = recorded.map((c) => (typeof c.choices[0]?.delta.content === 'string' ? c.choices[0]?.delta.content : '')).join('');
    expectUpstream(mistral({ sse }));
    const stream = await client.chat.completions.create({ model: 'mistral/magistral-medium-latest', messages: [{ role: 'user', content: 'What is 2+2?' }], stream: true });
    const { contents, reasoning, text, usage } = await readStream(stream);
    for (const content of contents) expect(content === undefined || content === null || typeof content === 'string').toBe(true);
    expect(reasoning).toBe(thinking);
    expect(text).toBe(answer);
    expect(usage?.prompt_tokens_details?.cached_tokens).toBe(5);
  });

  it('reports the recorded prompt-cache hit of a multi-turn history, priced at the cache-read rate', async () => {
    const rec = loadVcrYaml('mistral/pydantic-ai__test_mistral_history_uses_prompt_cache.yaml')[1]!;
    const recordedRequest = JSON.parse(rec.request.body) as Params;
    const sent = expectUpstream(mistral(replyFromRecording(rec)));
    const completion = await client.chat.completions.create({ ...recordedRequest, model: 'mistral/mistral-large-latest' });
    expect(sent()[0]?.body).toEqual(recordedRequest);
    expect(completion.choices[0]?.message.content).toBe('cache probe two.');
    const row = await rowFor(completion.id);
    expect(row).toMatchObject({ prompt_tokens: 268, cached_tokens: 224, completion_tokens: 5 });
    expect(row.cost).toBeCloseTo(mistralCost({ prompt: 268, completion: 5, cached: 224 }), 12);
  });

  it('passes a recorded embeddings request and answer through', async () => {
    const rec = loadDdTraceJson('mistral/dd-trace__mistral_embeddings_22f67997.json');
    const recordedRequest = JSON.parse(rec.request.body) as { input: string[]; encoding_format: 'float' };
    const sent = expectUpstream(mistral(replyFromRecording(rec)));
    const result = await client.embeddings.create({ ...recordedRequest, model: 'mistral/mistral-embed' });
    expect(sent()[0]?.path).toBe('/v1/embeddings');
    expect(sent()[0]?.body).toEqual(recordedRequest);
    const recorded = JSON.parse(rec.response.body) as { data: { embedding: number[] }[] };
    expect(result.data.map((d) => d.embedding)).toEqual(recorded.data.map((d) => d.embedding));
  });
});

describe('Ollama preset', () => {
  it('discovers the local models from GET /v1/models, keyless', async () => {
    const deadline = Date.now() + 10_000;
    let ids: string[] = [];
    while (!ids.includes('ollama/llama3.2:3b') && Date.now() < deadline) {
      ids = (await client.models.list()).data.map((m) => m.id);
      if (!ids.includes('ollama/llama3.2:3b')) await new Promise((r) => setTimeout(r, 50));
    }
    expect(ids).toContain('ollama/llama3.2:3b');
    const listing = ollama.requests.find((r) => r.path === '/v1/models');
    expect(listing?.headers.authorization).toBeUndefined();
  });

  it('streams from /v1 without a key, with reasoning and usage, free of charge', async () => {
    const before = ollama.requests.length;
    ollama.enqueue({ sse: OLLAMA_STREAM });
    const stream = await client.chat.completions.create({
      model: 'ollama/qwen3:0.6b',
      messages: [{ role: 'user', content: 'Count to 3' }],
      max_completion_tokens: 50,
      stream: true,
    });
    const { id, reasoning, text, usage } = await readStream(stream);
    expect([reasoning, text]).toEqual(['Counting is easy.', '1, 2, 3']);
    expect(usage).toMatchObject({ prompt_tokens: 14, completion_tokens: 12, cost: 0 });

    const request = ollama.requests[before];
    expect(request?.path).toBe('/v1/chat/completions');
    expect(request?.headers.authorization).toBeUndefined();
    expect(request?.body).toMatchObject({ model: 'qwen3:0.6b', max_tokens: 50, stream_options: { include_usage: true } });
    expect(request?.body).not.toHaveProperty('max_completion_tokens');
    const row = await rowFor(id);
    expect(row).toMatchObject({ provider: 'ollama', prompt_tokens: 14, completion_tokens: 12, cost: 0 });
  });

  it('passes on the recorded refusal of a model without tools, as /v1 wraps it', async () => {
    const rec = loadHttprr('ollama/langchaingo__TestToolCall.httprr')[0]!;
    const { error: message } = JSON.parse(rec.response.body) as { error: string };
    // /v1 answers the native error in OpenAI's shape (openai.NewError in ollama's middleware/openai.go).
    ollama.enqueue({ status: rec.response.status, body: { error: { message, type: 'invalid_request_error', param: null, code: null } } });
    const failure = await client.chat.completions
      .create({
        model: 'ollama/gemma3:1b',
        messages: [{ role: 'user', content: 'What is the weather?' }],
        tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: {} } } }],
      })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect((failure as InstanceType<typeof OpenAI.APIError>).status).toBe(400);
    expect((failure as InstanceType<typeof OpenAI.APIError>).message).toContain(message);
  });
});
