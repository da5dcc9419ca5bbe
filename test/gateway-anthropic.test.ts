import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { calcPrice } from '@pydantic/genai-prices';
import type { AnthropicMessagesRequest } from '../src/main/core/protocol/anthropic-wire.js';
import { loadBody, loadChunks, loadDdTraceJson, loadHttprr, loadVcrYaml } from './helpers/fixtures.js';
import { messageOf, recordedDeltas, recordedEvents, recordedStreamUsage, requestOf, type RecordedMessage, type RecordedUsage } from './helpers/anthropic-recordings.js';
import { replyFromRecording, type UpstreamRequest } from './helpers/mock-upstream.js';
import { startHarness, type Harness } from './helpers/gateway-harness.js';

const PROVIDER_KEY = 'sk-ant-test';
const MODELS = [
  'claude-3-opus-20240229',
  'claude-sonnet-4-20250514',
  'claude-sonnet-4-0',
  'claude-sonnet-4-5',
  'claude-sonnet-4-5-20250929',
  'claude-haiku-4-5',
];

// ---------------------------------------------------------------------------------------------
// Recording readers

function textOf(message: RecordedMessage): string {
  return message.content.filter((b) => b.type === 'text').map((b) => b.text).join('');
}

/** OpenAI semantics: prompt tokens include cache reads and writes. */
function expectedUsage(u: RecordedUsage) {
  const cached = u.cache_read_input_tokens ?? 0;
  const written = u.cache_creation_input_tokens ?? 0;
  return {
    prompt_tokens: u.input_tokens + cached + written,
    completion_tokens: u.output_tokens,
    prompt_tokens_details: { cached_tokens: cached, cache_write_tokens: written },
  };
}

/** The price genai-prices gives Anthropic's own usage, each token class at its own rate. */
function catalogCost(upstreamModel: string, u: RecordedUsage): number {
  const price = calcPrice(
    {
      input_tokens: u.input_tokens + (u.cache_read_input_tokens ?? 0) + (u.cache_creation_input_tokens ?? 0),
      cache_read_tokens: u.cache_read_input_tokens || undefined,
      cache_write_tokens: u.cache_creation_input_tokens || undefined,
      output_tokens: u.output_tokens,
    },
    upstreamModel,
    { providerId: 'anthropic' },
  );
  if (!price) throw new Error(`genai-prices has no price for ${upstreamModel}`);
  return price.total_price;
}

// ---------------------------------------------------------------------------------------------
// Client-side readers

interface ReasoningDetailJson {
  type: string;
  text?: string;
  signature?: string;
  data?: string;
  format?: string;
  index?: number;
}

interface UsageJson {
  prompt_tokens: number;
  completion_tokens: number;
  prompt_tokens_details?: { cached_tokens?: number; cache_write_tokens?: number };
  cost?: number;
}

interface StreamResult {
  ids: Set<string>;
  roles: string[];
  text: string;
  reasoning: string;
  details: ReasoningDetailJson[];
  tools: Map<number, { id: string; name: string; args: string }>;
  finish: string | null;
  usage: UsageJson | undefined;
}

let h: Harness;
let client: OpenAI;

async function streamChat(body: Record<string, unknown>): Promise<StreamResult> {
  const stream = await client.chat.completions.create({ model: 'claude/claude-3-opus-20240229', messages: [{ role: 'user', content: 'x' }], ...body, stream: true } as OpenAI.ChatCompletionCreateParamsStreaming);
  const out: StreamResult = { ids: new Set(), roles: [], text: '', reasoning: '', details: [], tools: new Map(), finish: null, usage: undefined };
  for await (const chunk of stream) {
    out.ids.add(chunk.id);
    if (chunk.usage) out.usage = chunk.usage as UsageJson;
    const choice = chunk.choices[0];
    if (!choice) continue;
    const delta = choice.delta as typeof choice.delta & { reasoning?: string; reasoning_details?: ReasoningDetailJson[] };
    if (delta.role) out.roles.push(delta.role);
    out.text += delta.content ?? '';
    out.reasoning += delta.reasoning ?? '';
    out.details.push(...(delta.reasoning_details ?? []));
    out.finish = choice.finish_reason ?? out.finish;
    for (const call of delta.tool_calls ?? []) {
      const entry = out.tools.get(call.index) ?? { id: '', name: '', args: '' };
      entry.id += call.id ?? '';
      entry.name += call.function?.name ?? '';
      entry.args += call.function?.arguments ?? '';
      out.tools.set(call.index, entry);
    }
  }
  return out;
}

function lastSent(before: number): UpstreamRequest & { body: AnthropicMessagesRequest } {
  expect(h.upstream.requests.length).toBe(before + 1);
  return h.upstream.requests[before] as UpstreamRequest & { body: AnthropicMessagesRequest };
}

async function rowOf(id: string) {
  const rows = await h.usageRows((all) => all.some((r) => r.id === id));
  const row = rows.find((r) => r.id === id);
  if (!row) throw new Error(`no usage row for ${id}`);
  return row;
}

beforeAll(async () => {
  h = await startHarness({
    // The failure tests break streams of this one endpoint in a row; the circuit breaker is the routing suites' subject.
    config: { providers: { claude: { type: 'anthropic', baseUrl: '${UPSTREAM}/v1', models: MODELS } }, routing: { failureThreshold: 100 } },
    vaultKeys: { claude: [PROVIDER_KEY] },
  });
  client = new OpenAI({ baseURL: h.baseURL, apiKey: h.appKey, maxRetries: 0 });
});
afterAll(async () => {
  await h?.close();
});

describe('openai SDK -> gateway -> Anthropic Messages API (JSON)', () => {
  it('answers a text request, sends Anthropic headers with the key only in x-api-key, and logs the priced row', async () => {
    const rec = loadHttprr('anthropic/langchaingo__TestClient_CreateMessage.httprr')[0]!;
    const recorded = requestOf(rec);
    const message = messageOf(rec);
    h.upstream.enqueue(replyFromRecording(rec));
    const before = h.upstream.requests.length;
    const completion = await client.chat.completions.create({
      model: 'claude/claude-3-opus-20240229',
      messages: [{ role: 'user', content: recorded.messages[0]!.content as string }],
      max_tokens: recorded.max_tokens,
      temperature: recorded.temperature,
    });

    const sent = lastSent(before);
    expect(sent.method).toBe('POST');
    expect(sent.path).toBe('/v1/messages');
    expect(sent.headers['x-api-key']).toBe(PROVIDER_KEY);
    expect(sent.headers['anthropic-version']).toBe('2023-06-01');
    expect(sent.headers['content-type']).toBe('application/json');
    expect(sent.headers.authorization).toBeUndefined();
    expect(sent.url).not.toContain(PROVIDER_KEY);
    expect(sent.rawBody).not.toContain(PROVIDER_KEY);
    expect(JSON.stringify(sent.headers)).not.toContain(h.appKey);
    expect(sent.body).toEqual({ ...recorded, model: 'claude-3-opus-20240229' });

    expect(completion.id).toMatch(/^gen-/);
    expect(completion.choices[0]?.message.content).toBe(textOf(message));
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage).toMatchObject(expectedUsage(message.usage));
    const cost = (completion.usage as unknown as { cost: number }).cost;
    expect(cost).toBeCloseTo(catalogCost('claude-3-opus-20240229', message.usage), 10);

    const row = await rowOf(completion.id);
    expect(row).toMatchObject({
      provider: 'claude', model: 'claude/claude-3-opus-20240229', upstream_model: 'claude-3-opus-20240229', status: 200, streamed: false,
      finish_reason: 'stop', prompt_tokens: message.usage.input_tokens, completion_tokens: message.usage.output_tokens,
    });
    expect(row.cost).toBeCloseTo(cost, 10);
  });

  it.each([
    ['vercel__anthropic-text.json', 'claude-sonnet-4-5-20250929'],
    ['vercel__anthropic-tool-no-args.json', 'claude-3-opus-20240229'],
  ])('replays %s', async (file, model) => {
    const message = JSON.parse(loadBody(`anthropic/${file}`)) as RecordedMessage;
    h.upstream.enqueue({ body: message });
    const completion = await client.chat.completions.create({
      model: `claude/${model}`,
      messages: [{ role: 'user', content: 'x' }],
      tools: [{ type: 'function', function: { name: 'updateIssueList', parameters: { type: 'object', properties: {} } } }],
    });
    const choice = completion.choices[0]!;
    expect(choice.message.content).toBe(textOf(message));
    const tools = message.content.filter((b) => b.type === 'tool_use');
    expect(choice.message.tool_calls ?? []).toEqual(
      tools.map((b) => ({ id: b.id, type: 'function', function: { name: b.name, arguments: JSON.stringify(b.input) } })),
    );
    expect(choice.finish_reason).toBe(tools.length > 0 ? 'tool_calls' : 'stop');
    expect(completion.usage).toMatchObject(expectedUsage(message.usage));
  });

  it('sends tool definitions and returns a tool call (recorded request and answer)', async () => {
    const rec = loadDdTraceJson('anthropic/dd-trace__anthropic_v1_messages_post_28bbec95.json');
    const recorded = requestOf(rec);
    h.upstream.enqueue(replyFromRecording(rec));
    const before = h.upstream.requests.length;
    const completion = await client.chat.completions.create({
      model: 'claude/claude-sonnet-4-5-20250929',
      messages: [{ role: 'user', content: recorded.messages[0]!.content as string }],
      max_tokens: recorded.max_tokens,
      temperature: recorded.temperature,
      tools: recorded.tools!.map((t) => ({ type: 'function' as const, function: { name: t.name, description: t.description, parameters: t.input_schema } })),
    });
    expect(lastSent(before).body).toEqual(recorded);
    const call = completion.choices[0]?.message.tool_calls?.[0];
    const recordedCall = messageOf(rec).content.find((b) => b.type === 'tool_use')!;
    expect(call).toEqual({ id: recordedCall.id, type: 'function', function: { name: 'add', arguments: JSON.stringify(recordedCall.input) } });
    expect(JSON.parse(call?.type === 'function' ? call.function.arguments : '')).toEqual({ a: 1, b: 2 });
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('returns parallel tool calls and sends their results back as one user turn (recorded round trip)', async () => {
    const [first, second] = loadVcrYaml('anthropic/pydantic-ai__test_multiple_parallel_tool_calls.yaml');
    const opening = requestOf(first!);
    const followUp = requestOf(second!);
    const tools = opening.tools!.map((t) => ({ type: 'function' as const, function: { name: t.name, description: t.description, parameters: t.input_schema } }));
    const question = (opening.messages[0]!.content as { text: string }[])[0]!.text;
    const messages: OpenAI.ChatCompletionMessageParam[] = [
      { role: 'system', content: opening.system as string },
      { role: 'user', content: [{ type: 'text', text: question }] },
    ];

    h.upstream.enqueue(replyFromRecording(first!));
    let before = h.upstream.requests.length;
    const turn = await client.chat.completions.create({ model: 'claude/claude-haiku-4-5', messages, tools, tool_choice: 'auto' });
    const sentFirst = lastSent(before).body;
    expect(sentFirst.messages).toEqual(opening.messages);
    expect(sentFirst.system).toEqual([{ type: 'text', text: opening.system }]);
    expect(sentFirst).toMatchObject({ tools: opening.tools, tool_choice: opening.tool_choice, max_tokens: opening.max_tokens });

    const assistant = turn.choices[0]!.message;
    const calls = assistant.tool_calls ?? [];
    const recordedCalls = messageOf(first!).content.filter((b) => b.type === 'tool_use');
    expect(calls.map((c) => (c.type === 'function' ? [c.id, c.function.name, JSON.parse(c.function.arguments)] : []))).toEqual(
      recordedCalls.map((b) => [b.id, b.name, b.input]),
    );
    expect(turn.choices[0]?.finish_reason).toBe('tool_calls');

    const results = followUp.messages[2]!.content as { tool_use_id: string; content: string }[];
    h.upstream.enqueue(replyFromRecording(second!));
    before = h.upstream.requests.length;
    const answer = await client.chat.completions.create({
      model: 'claude/claude-haiku-4-5',
      messages: [
        ...messages,
        { role: 'assistant', content: assistant.content, tool_calls: calls },
        ...results.map((r): OpenAI.ChatCompletionToolMessageParam => ({ role: 'tool', tool_call_id: r.tool_use_id, content: r.content })),
      ],
      tools,
      tool_choice: 'auto',
    });
    // pydantic-ai also sent the default is_error: false.
    const expected = followUp.messages.map((m) =>
      typeof m.content === 'string' ? m : { ...m, content: m.content.map((b) => (b.type === 'tool_result' ? { ...b, is_error: undefined } : b)) },
    );
    expect(lastSent(before).body.messages).toEqual(JSON.parse(JSON.stringify(expected)));
    expect(answer.choices[0]?.message.content).toBe(textOf(messageOf(second!)));
  });

  it('sends image URLs and base64 data URLs as Anthropic image sources (recorded requests)', async () => {
    for (const [rec, model] of [
      [loadVcrYaml('anthropic/pydantic-ai__test_image_url_input.yaml')[0]!, 'claude-haiku-4-5'],
      [loadVcrYaml('anthropic/dd-trace__anthropic_create_image.yaml')[0]!, 'claude-3-opus-20240229'],
    ] as const) {
      const recorded = requestOf(rec);
      const [text, image] = recorded.messages[0]!.content;
      if (typeof text !== 'object' || text.type !== 'text' || typeof image !== 'object' || image.type !== 'image') throw new Error('not an image request');
      const url = image.source.type === 'url' ? image.source.url : `data:${image.source.media_type};base64,${image.source.data}`;
      h.upstream.enqueue(replyFromRecording(rec));
      const before = h.upstream.requests.length;
      const completion = await client.chat.completions.create({
        model: `claude/${model}`,
        messages: [{ role: 'user', content: [{ type: 'text', text: text.text }, { type: 'image_url', image_url: { url } }] }],
        max_tokens: recorded.max_tokens,
      });
      expect(lastSent(before).body.messages).toEqual(recorded.messages);
      const message = messageOf(rec);
      expect(completion.choices[0]?.message.content).toBe(textOf(message));
      expect(completion.choices[0]?.finish_reason).toBe(message.stop_reason === 'max_tokens' ? 'length' : 'stop');
    }
  });

  it('surfaces thinking as reasoning with signed reasoning_details and replays it next turn (recorded round trip)', async () => {
    const [first, second] = loadVcrYaml('anthropic/pydantic-ai__test_anthropic_model_thinking_part.yaml');
    const opening = requestOf(first!);
    const followUp = requestOf(second!);
    const budget = (opening.thinking as { budget_tokens: number }).budget_tokens;
    const text = (m: AnthropicMessagesRequest['messages'][number]) => [{ type: 'text' as const, text: (m.content as { text: string }[])[0]!.text }];

    h.upstream.enqueue(replyFromRecording(first!));
    let before = h.upstream.requests.length;
    const turn = await client.chat.completions.create({
      model: 'claude/claude-sonnet-4-5',
      messages: [{ role: 'user', content: text(opening.messages[0]!) }],
      max_tokens: opening.max_tokens,
      reasoning: { max_tokens: budget },
    } as OpenAI.ChatCompletionCreateParamsNonStreaming);
    // pydantic-ai sent an explicit "stream": false; the gateway leaves the default unsaid.
    expect(lastSent(before).body).toEqual({ ...opening, stream: undefined });

    const recordedThinking = messageOf(first!).content.find((b) => b.type === 'thinking')!;
    const message = turn.choices[0]!.message as typeof turn.choices[0]['message'] & { reasoning: string; reasoning_details: ReasoningDetailJson[] };
    expect(message.reasoning).toBe(recordedThinking.thinking);
    expect(message.reasoning_details).toEqual([
      { type: 'reasoning.text', text: recordedThinking.thinking, signature: recordedThinking.signature, format: 'anthropic-claude-v1', index: 0 },
    ]);
    expect(message.content).toBe(textOf(messageOf(first!)));

    h.upstream.enqueue(replyFromRecording(second!));
    before = h.upstream.requests.length;
    const next = await client.chat.completions.create({
      model: 'claude/claude-sonnet-4-5',
      messages: [
        { role: 'user', content: text(followUp.messages[0]!) },
        { role: 'assistant', content: message.content, reasoning_details: message.reasoning_details } as OpenAI.ChatCompletionAssistantMessageParam,
        { role: 'user', content: text(followUp.messages[2]!) },
      ],
      max_tokens: followUp.max_tokens,
      reasoning: { max_tokens: budget },
    } as OpenAI.ChatCompletionCreateParamsNonStreaming);
    const sent = lastSent(before).body;
    expect(sent.messages).toEqual(followUp.messages);
    expect(sent.thinking).toEqual(followUp.thinking);
    expect((next.choices[0]!.message as unknown as { reasoning: string }).reasoning).toBe(
      messageOf(second!).content.find((b) => b.type === 'thinking')!.thinking,
    );
  });

  it('passes top-level cache_control and prices cache reads and writes at their own rates (recorded session)', async () => {
    for (const rec of loadVcrYaml('anthropic/pydantic-ai__test_anthropic_cache_real_api.yaml')) {
      const recorded = requestOf(rec);
      const message = messageOf(rec);
      h.upstream.enqueue(replyFromRecording(rec));
      const before = h.upstream.requests.length;
      const completion = await client.chat.completions.create({
        model: 'claude/claude-sonnet-4-5',
        messages: [
          { role: 'system', content: recorded.system as string },
          ...recorded.messages.map((m) => ({ role: m.role, content: (m.content as { text: string }[]).map((b) => ({ type: 'text' as const, text: b.text })) })),
        ] as OpenAI.ChatCompletionMessageParam[],
        max_tokens: recorded.max_tokens,
        cache_control: recorded.cache_control,
      } as OpenAI.ChatCompletionCreateParamsNonStreaming);
      const sent = lastSent(before).body;
      expect(sent.cache_control).toEqual(recorded.cache_control);
      expect(sent.messages).toEqual(recorded.messages);
      expect(completion.usage).toMatchObject(expectedUsage(message.usage));
      const cost = (completion.usage as unknown as { cost: number }).cost;
      expect(cost).toBeCloseTo(catalogCost('claude-sonnet-4-5', message.usage), 10);
      const row = await rowOf(completion.id);
      expect(row).toMatchObject({
        cached_tokens: message.usage.cache_read_input_tokens ?? 0,
        cache_write_tokens: message.usage.cache_creation_input_tokens ?? 0,
        prompt_tokens: expectedUsage(message.usage).prompt_tokens,
      });
      expect(row.cost).toBeCloseTo(cost, 10);
    }
  });
});

describe('openai SDK -> gateway -> Anthropic Messages API (streaming)', () => {
  it('streams text with a role chunk, finish_reason, a usage chunk with cost, and logs the row', async () => {
    const rec = loadHttprr('anthropic/langchaingo__TestClient_CreateMessageStream.httprr')[0]!;
    const recorded = requestOf(rec);
    const events = recordedEvents(rec.response.body);
    h.upstream.enqueue(replyFromRecording(rec, { splitMidEvent: true }));
    const before = h.upstream.requests.length;
    const got = await streamChat({
      messages: [{ role: 'user', content: recorded.messages[0]!.content }],
      max_tokens: recorded.max_tokens,
      temperature: recorded.temperature,
    });
    const sent = lastSent(before);
    expect(sent.body).toEqual({ ...recorded, model: 'claude-3-opus-20240229' });
    expect(sent.headers.accept).toBe('text/event-stream');

    expect(got.roles).toEqual(['assistant']);
    expect(got.ids.size).toBe(1);
    const id = [...got.ids][0]!;
    expect(id).toMatch(/^gen-/);
    expect(got.text).toBe(recordedDeltas(events, 'text_delta', 'text'));
    expect(got.finish).toBe('stop');
    const usage = recordedStreamUsage(events);
    expect(got.usage).toMatchObject(expectedUsage(usage));
    expect(got.usage?.cost).toBeCloseTo(catalogCost('claude-3-opus-20240229', usage), 10);
    const row = await rowOf(id);
    expect(row).toMatchObject({ streamed: true, status: 200, finish_reason: 'stop', prompt_tokens: usage.input_tokens, completion_tokens: usage.output_tokens });
    expect(row.cost).toBeCloseTo(got.usage!.cost!, 10);
  });

  it('streams a tool call whose argument deltas reassemble to the recorded JSON (recorded request too)', async () => {
    const rec = loadVcrYaml('anthropic/dd-trace__anthropic_completion_tools_stream.yaml')[0]!;
    const recorded = requestOf(rec);
    const events = recordedEvents(rec.response.body);
    h.upstream.enqueue(replyFromRecording(rec, { splitMidEvent: true }));
    const before = h.upstream.requests.length;
    const got = await streamChat({
      messages: recorded.messages,
      max_tokens: recorded.max_tokens,
      tools: recorded.tools!.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.input_schema } })),
    });
    expect(lastSent(before).body).toEqual(recorded);
    const toolStart = events.find((e) => e.content_block?.type === 'tool_use')!.content_block!;
    expect([...got.tools.entries()]).toEqual([[0, { id: toolStart.id, name: toolStart.name, args: recordedDeltas(events, 'input_json_delta', 'partial_json') }]]);
    expect(JSON.parse(got.tools.get(0)!.args)).toEqual({ location: 'San Francisco, CA' });
    expect(got.text).toBe(recordedDeltas(events, 'text_delta', 'text'));
    expect(got.finish).toBe('tool_calls');
    expect(got.usage).toMatchObject(expectedUsage(recordedStreamUsage(events)));
  });

  it('streams a tool call without arguments as "{}" and the SDK assembles it', async () => {
    const sse = loadChunks('anthropic/vercel__anthropic-tool-no-args.chunks.txt', { eventFromType: true });
    const events = recordedEvents(sse);
    h.upstream.enqueue({ sse });
    const stream = client.chat.completions.stream({
      model: 'claude/claude-sonnet-4-5-20250929',
      messages: [{ role: 'user', content: 'update' }],
      tools: [{ type: 'function', function: { name: 'updateIssueList', parameters: { type: 'object', properties: {} } } }],
    });
    const final = await stream.finalChatCompletion();
    const toolStart = events.find((e) => e.content_block?.type === 'tool_use')!.content_block!;
    expect(final.choices[0]?.message.tool_calls).toEqual([{ id: toolStart.id, type: 'function', function: { name: toolStart.name, arguments: '{}' } }]);
    expect(final.choices[0]?.message.content).toBe(recordedDeltas(events, 'text_delta', 'text'));
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('streams thinking as reasoning deltas and a signed detail that replays as the recorded thinking block', async () => {
    const rec = loadVcrYaml('anthropic/pydantic-ai__test_anthropic_model_thinking_part_stream.yaml')[0]!;
    const recorded = requestOf(rec);
    const events = recordedEvents(rec.response.body);
    h.upstream.enqueue(replyFromRecording(rec));
    let before = h.upstream.requests.length;
    const budget = (recorded.thinking as { budget_tokens: number }).budget_tokens;
    const got = await streamChat({
      model: 'claude/claude-sonnet-4-0',
      messages: recorded.messages,
      max_tokens: recorded.max_tokens,
      reasoning: { max_tokens: budget },
    });
    expect(lastSent(before).body).toEqual(recorded);

    const thinking = recordedDeltas(events, 'thinking_delta', 'thinking');
    const signature = recordedDeltas(events, 'signature_delta', 'signature');
    expect(thinking.length).toBeGreaterThan(0);
    expect(got.reasoning).toBe(thinking);
    expect(got.text).toBe(recordedDeltas(events, 'text_delta', 'text'));
    expect(got.details.every((d) => d.type === 'reasoning.text' && d.index === 0 && d.format === 'anthropic-claude-v1')).toBe(true);
    expect(got.details.map((d) => d.text ?? '').join('')).toBe(thinking);
    expect(got.details.map((d) => d.signature ?? '').join('')).toBe(signature);
    expect(got.finish).toBe('stop');
    expect(got.usage).toMatchObject(expectedUsage(recordedStreamUsage(events)));

    h.upstream.enqueue({ body: JSON.parse(loadBody('anthropic/vercel__anthropic-text.json')) as object });
    before = h.upstream.requests.length;
    await client.chat.completions.create({
      model: 'claude/claude-sonnet-4-0',
      messages: [
        { role: 'user', content: 'How do I cross the street?' },
        { role: 'assistant', content: got.text, reasoning_details: got.details } as OpenAI.ChatCompletionAssistantMessageParam,
        { role: 'user', content: 'and a river?' },
      ],
      reasoning: { max_tokens: budget },
    } as OpenAI.ChatCompletionCreateParamsNonStreaming);
    expect(lastSent(before).body.messages[1]).toEqual({
      role: 'assistant',
      content: [{ type: 'thinking', thinking, signature }, { type: 'text', text: got.text }],
    });
  });

  it('leaves thinking out with reasoning.exclude but still counts and prices it (recorded JSON and stream)', async () => {
    const rec = loadVcrYaml('anthropic/pydantic-ai__test_anthropic_model_thinking_part.yaml')[0]!;
    const recorded = requestOf(rec);
    const message = messageOf(rec);
    const budget = (recorded.thinking as { budget_tokens: number }).budget_tokens;
    expect(message.content.some((b) => b.type === 'thinking')).toBe(true);
    h.upstream.enqueue(replyFromRecording(rec));
    let before = h.upstream.requests.length;
    const completion = await client.chat.completions.create({
      model: 'claude/claude-sonnet-4-5',
      messages: [{ role: 'user', content: (recorded.messages[0]!.content as { text: string }[])[0]!.text }],
      max_tokens: recorded.max_tokens,
      reasoning: { max_tokens: budget, exclude: true },
    } as OpenAI.ChatCompletionCreateParamsNonStreaming);
    // The model still thinks: the budget goes upstream as without `exclude`.
    expect(lastSent(before).body.thinking).toEqual(recorded.thinking);
    const answer = completion.choices[0]!.message as unknown as Record<string, unknown>;
    expect(answer).not.toHaveProperty('reasoning');
    expect(answer).not.toHaveProperty('reasoning_details');
    expect(answer.content).toBe(textOf(message));
    expect(completion.usage).toMatchObject(expectedUsage(message.usage));
    expect((completion.usage as unknown as { cost: number }).cost).toBeCloseTo(catalogCost('claude-sonnet-4-5', message.usage), 10);

    const streamed = loadVcrYaml('anthropic/pydantic-ai__test_anthropic_model_thinking_part_stream.yaml')[0]!;
    const events = recordedEvents(streamed.response.body);
    expect(recordedDeltas(events, 'thinking_delta', 'thinking').length).toBeGreaterThan(0);
    h.upstream.enqueue(replyFromRecording(streamed));
    before = h.upstream.requests.length;
    const got = await streamChat({
      model: 'claude/claude-sonnet-4-0',
      messages: requestOf(streamed).messages,
      max_tokens: requestOf(streamed).max_tokens,
      reasoning: { max_tokens: budget, exclude: true },
    });
    expect(lastSent(before).body.thinking).toEqual({ type: 'enabled', budget_tokens: budget });
    expect(got.reasoning).toBe('');
    expect(got.details).toEqual([]);
    expect(got.text).toBe(recordedDeltas(events, 'text_delta', 'text'));
    const usage = recordedStreamUsage(events);
    expect(got.usage).toMatchObject(expectedUsage(usage));
    const row = await rowOf([...got.ids][0]!);
    expect(row).toMatchObject({ completion_tokens: usage.output_tokens, status: 200 });
    expect(row.cost).toBeCloseTo(catalogCost('claude-sonnet-4-0', usage), 10);
  });

  it('streams redacted thinking as encrypted reasoning_details', async () => {
    const rec = loadVcrYaml('anthropic/pydantic-ai__test_anthropic_model_thinking_part_redacted_stream.yaml')[0]!;
    const recorded = requestOf(rec);
    const events = recordedEvents(rec.response.body);
    h.upstream.enqueue(replyFromRecording(rec));
    const before = h.upstream.requests.length;
    const got = await streamChat({
      model: 'claude/claude-sonnet-4-5-20250929',
      messages: recorded.messages,
      max_tokens: recorded.max_tokens,
      reasoning: { max_tokens: (recorded.thinking as { budget_tokens: number }).budget_tokens },
    });
    expect(lastSent(before).body).toEqual(recorded);
    const redacted = events.filter((e) => e.content_block?.type === 'redacted_thinking').map((e) => e.content_block!.data);
    expect(redacted.length).toBe(2);
    expect(got.details).toEqual(redacted.map((data, index) => ({ type: 'reasoning.encrypted', data, format: 'anthropic-claude-v1', index })));
    expect(got.reasoning).toBe('');
    expect(got.text).toBe(recordedDeltas(events, 'text_delta', 'text'));
    expect(got.usage).toMatchObject(expectedUsage(recordedStreamUsage(events)));
  });

  it.each([
    ['dd-trace__anthropic_completion_stream_cache_write.yaml', 'cache_write_tokens'],
    ['dd-trace__anthropic_completion_stream_cache_read.yaml', 'cached_tokens'],
  ] as const)('sends cache_control on the system prompt and prices the streamed cache tokens (%s)', async (file, column) => {
    const rec = loadVcrYaml(`anthropic/${file}`)[0]!;
    const recorded = requestOf(rec);
    const events = recordedEvents(rec.response.body);
    h.upstream.enqueue(replyFromRecording(rec));
    const before = h.upstream.requests.length;
    const got = await streamChat({
      model: 'claude/claude-sonnet-4-20250514',
      messages: [{ role: 'system', content: recorded.system }, ...recorded.messages],
      max_tokens: recorded.max_tokens,
      temperature: recorded.temperature,
    });
    expect(lastSent(before).body).toEqual(recorded);

    const usage = recordedStreamUsage(events);
    const cacheTokens = column === 'cached_tokens' ? usage.cache_read_input_tokens : usage.cache_creation_input_tokens;
    expect(cacheTokens).toBeGreaterThan(0);
    expect(got.usage).toMatchObject(expectedUsage(usage));
    expect(got.usage?.cost).toBeCloseTo(catalogCost('claude-sonnet-4-20250514', usage), 10);
    expect(got.text).toBe(recordedDeltas(events, 'text_delta', 'text'));
    expect(got.finish).toBe('length');
    const row = await rowOf([...got.ids][0]!);
    expect(row).toMatchObject({ [column]: cacheTokens, prompt_tokens: expectedUsage(usage).prompt_tokens, streamed: true, finish_reason: 'length' });
    expect(row.cost).toBeCloseTo(got.usage!.cost!, 10);
  });
});

describe(':online and the web plugin -> Anthropic web search server tool', () => {
  // No recorded web search exchange exists (test/fixtures/anthropic/SOURCES.md lists none): the
  // replies are synthetic, shaped exactly like the examples of Anthropic's web search tool docs
  // (https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/web-search-tool: "Claude
  // Shannon" answer, its blocks, citation and usage verbatim), with the envelope fields every
  // message has (type, model, id) filled in as in the Messages API reference.
  const SOURCE = { url: 'https://en.wikipedia.org/wiki/Claude_Shannon', title: 'Claude Shannon - Wikipedia' };
  const CITED_TEXT =
    'Claude Elwood Shannon (April 30, 1916 – February 24, 2001) was an American mathematician, electrical engineer, computer scientist, cryptographer and i...';
  const SEARCH_ID = 'srvtoolu_01WYG3ziw53XMcoyKL4XcZmE';
  const INTRO = "I'll search for when Claude Shannon was born.";
  const LEAD = 'Based on the search results, ';
  const CLAIM = 'Claude Shannon was born on April 30, 1916, in Petoskey, Michigan';
  const citation = { type: 'web_search_result_location', ...SOURCE, encrypted_index: 'Eo8BCioIAhgBIiQyYjQ0OWJmZi1lNm..', cited_text: CITED_TEXT };
  const searchResult = {
    type: 'web_search_tool_result',
    tool_use_id: SEARCH_ID,
    content: [{ type: 'web_search_result', ...SOURCE, encrypted_content: 'EqgfCioIARgBIiQ3YTAwMjY1Mi1mZjM5LTQ1NGUtODgxNC1kNjNjNTk1ZWI3Y...', page_age: 'April 30, 2025' }],
  };
  const docsAnswer = {
    id: 'msg_a930390d3a',
    type: 'message',
    role: 'assistant',
    model: 'claude-sonnet-4-5',
    content: [
      { type: 'text', text: INTRO },
      { type: 'server_tool_use', id: SEARCH_ID, name: 'web_search', input: { query: 'claude shannon birth date' } },
      searchResult,
      { text: LEAD, type: 'text' },
      { text: CLAIM, type: 'text', citations: [citation] },
    ],
    usage: { input_tokens: 6039, output_tokens: 931, server_tool_use: { web_search_requests: 1 } },
    stop_reason: 'end_turn',
  };
  const annotation = {
    type: 'url_citation',
    url_citation: { ...SOURCE, content: CITED_TEXT, start_index: (INTRO + LEAD).length, end_index: (INTRO + LEAD + CLAIM).length },
  };
  /** genai-prices prices Anthropic's searches ($10 per 1000) alongside the tokens. */
  const searchCost = (model: string, u: RecordedUsage, searches: number) => {
    const price = calcPrice({ input_tokens: u.input_tokens, output_tokens: u.output_tokens, web_searches: searches }, model, { providerId: 'anthropic' });
    if (!price) throw new Error(`genai-prices has no price for ${model}`);
    return price.total_price;
  };

  it(':online adds the web search tool, maps the citation to a url_citation annotation, and prices the search', async () => {
    h.upstream.enqueue({ body: docsAnswer });
    const before = h.upstream.requests.length;
    const completion = await client.chat.completions.create({
      model: 'claude/claude-sonnet-4-5:online',
      messages: [{ role: 'user', content: 'When was Claude Shannon born?' }],
    });
    const sent = lastSent(before).body as unknown as Record<string, unknown>;
    expect(sent.tools).toEqual([{ type: 'web_search_20250305', name: 'web_search' }]);
    expect(sent).not.toHaveProperty('web_search_options');
    expect(sent.model).toBe('claude-sonnet-4-5');

    const message = completion.choices[0]!.message as typeof completion.choices[0]['message'] & { annotations?: unknown[] };
    expect(message.content).toBe(INTRO + LEAD + CLAIM);
    expect(message.tool_calls).toBeUndefined();
    expect(message.annotations).toEqual([annotation]);
    expect(completion.choices[0]!.finish_reason).toBe('stop');
    expect(completion.usage).toMatchObject({ prompt_tokens: 6039, completion_tokens: 931, server_tool_use: { web_search_requests: 1 } });
    const cost = (completion.usage as unknown as { cost: number }).cost;
    expect(cost).toBeCloseTo(searchCost('claude-sonnet-4-5', docsAnswer.usage, 1), 10);
    expect(cost).toBeGreaterThan(catalogCost('claude-sonnet-4-5', docsAnswer.usage));
    expect((await rowOf(completion.id)).cost).toBeCloseTo(cost, 10);
  });

  it("takes the web plugin's max_uses and domain filter, and its tool goes after the client's own tools", async () => {
    h.upstream.enqueue({ body: docsAnswer });
    const before = h.upstream.requests.length;
    await client.chat.completions.create({
      model: 'claude/claude-sonnet-4-5',
      messages: [{ role: 'user', content: 'When was Claude Shannon born?' }],
      tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: {} } } }],
      plugins: [{ id: 'web', max_uses: 3, include_domains: ['wikipedia.org'] }],
    } as OpenAI.ChatCompletionCreateParamsNonStreaming);
    expect(lastSent(before).body.tools).toEqual([
      { name: 'lookup', input_schema: { type: 'object', properties: {} } },
      { type: 'web_search_20250305', name: 'web_search', max_uses: 3, allowed_domains: ['wikipedia.org'] },
    ]);

    // A web plugin that is switched off asks for nothing.
    h.upstream.enqueue({ body: docsAnswer });
    const next = h.upstream.requests.length;
    await client.chat.completions.create({
      model: 'claude/claude-sonnet-4-5',
      messages: [{ role: 'user', content: 'x' }],
      plugins: [{ id: 'web', enabled: false }],
    } as OpenAI.ChatCompletionCreateParamsNonStreaming);
    expect(lastSent(next).body).not.toHaveProperty('tools');
  });

  it('streams the answer with the citation as an annotations delta, and the searches in the usage chunk', async () => {
    // The docs' streaming example (server_tool_use, input_json_delta, web_search_tool_result)
    // with the message_start envelope and the cited text block completed as the streaming and
    // citations docs show them (citations arrive as citations_delta on their text block).
    const event = (type: string, data: Record<string, unknown>) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
    const sse = [
      event('message_start', { message: { ...docsAnswer, id: 'msg_abc123', content: [], stop_reason: null, usage: { input_tokens: 6039, output_tokens: 1 } } }),
      event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
      event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: INTRO } }),
      event('content_block_stop', { index: 0 }),
      event('content_block_start', { index: 1, content_block: { type: 'server_tool_use', id: SEARCH_ID, name: 'web_search', input: {} } }),
      event('content_block_delta', { index: 1, delta: { type: 'input_json_delta', partial_json: '{"query":"claude shannon birth date"}' } }),
      event('content_block_stop', { index: 1 }),
      event('content_block_start', { index: 2, content_block: searchResult }),
      event('content_block_stop', { index: 2 }),
      event('content_block_start', { index: 3, content_block: { type: 'text', text: '' } }),
      event('content_block_delta', { index: 3, delta: { type: 'text_delta', text: LEAD } }),
      event('content_block_stop', { index: 3 }),
      event('content_block_start', { index: 4, content_block: { type: 'text', text: '', citations: [] } }),
      event('content_block_delta', { index: 4, delta: { type: 'citations_delta', citation } }),
      event('content_block_delta', { index: 4, delta: { type: 'text_delta', text: CLAIM } }),
      event('content_block_stop', { index: 4 }),
      event('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 931, server_tool_use: { web_search_requests: 1 } } }),
      event('message_stop', {}),
    ].join('');
    h.upstream.enqueue({ sse });
    const stream = await client.chat.completions.create({
      model: 'claude/claude-sonnet-4-5:online',
      messages: [{ role: 'user', content: 'When was Claude Shannon born?' }],
      stream: true,
    });
    let text = '';
    const annotations: unknown[] = [];
    let usage: (OpenAI.CompletionUsage & { cost?: number; server_tool_use?: unknown }) | undefined;
    let id = '';
    for await (const chunk of stream) {
      id = chunk.id;
      const delta = chunk.choices[0]?.delta as { content?: string; annotations?: unknown[]; tool_calls?: unknown } | undefined;
      expect(delta?.tool_calls).toBeUndefined();
      text += delta?.content ?? '';
      annotations.push(...(delta?.annotations ?? []));
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe(INTRO + LEAD + CLAIM);
    expect(annotations).toEqual([annotation]);
    expect(usage).toMatchObject({ prompt_tokens: 6039, completion_tokens: 931, server_tool_use: { web_search_requests: 1 } });
    expect(usage?.cost).toBeCloseTo(searchCost('claude-sonnet-4-5', { input_tokens: 6039, output_tokens: 931 }, 1), 10);
    expect((await rowOf(id)).cost).toBeCloseTo(usage!.cost!, 10);
  });
});

describe('Anthropic failures in the OpenRouter shape', () => {
  const post = (body: Record<string, unknown>) =>
    fetch(`${h.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.appKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude/claude-3-opus-20240229', messages: [{ role: 'user', content: 'x' }], ...body }),
    });
  const errorOf = async (res: Response) => (await res.json()) as { error: { code: number; message: string; metadata?: Record<string, unknown> } };

  it.each([
    ['dd-trace__anthropic_completion_error.yaml', 400],
    ['pydantic-ai__test_model_name_suggestion[anthropic].yaml', 404],
    ['pydantic-ai__test_anthropic_explicit_effort_xhigh_unsupported_model_errors.yaml', 400],
  ])('keeps the provider message of %s', async (file, status) => {
    const rec = loadVcrYaml(`anthropic/${file}`)[0]!;
    const recorded = JSON.parse(rec.response.body) as { error: { type: string; message: string } };
    h.upstream.enqueue(replyFromRecording(rec));
    const res = await post({});
    expect(res.status).toBe(status);
    const { error } = await errorOf(res);
    expect(error.message).toBe(recorded.error.message);
    expect(error.metadata).toMatchObject({ provider: 'claude', upstream_status: status, type: recorded.error.type });
  });

  it('maps a rejected provider key (401) to 502 with the provider message and never the key', async () => {
    const rec = loadVcrYaml('anthropic/dd-trace__anthropic_completion_invalid_api_key.yaml')[0]!;
    h.upstream.enqueue(replyFromRecording(rec));
    const res = await post({});
    expect(res.status).toBe(502);
    const text = await res.text();
    expect(text).toContain('invalid x-api-key');
    expect(text).not.toContain(PROVIDER_KEY);
  });

  it('refuses json_object and n > 1 with 400 before calling Anthropic', async () => {
    const before = h.upstream.requests.length;
    const json = await post({ response_format: { type: 'json_object' } });
    expect(json.status).toBe(400);
    expect((await errorOf(json)).error.message).toContain('json_schema');
    const many = await post({ n: 3 });
    expect(many.status).toBe(400);
    expect(h.upstream.requests.length).toBe(before);
  });

  it('refuses embeddings for an Anthropic model', async () => {
    const before = h.upstream.requests.length;
    await expect(client.embeddings.create({ model: 'claude/claude-3-opus-20240229', input: 'x' })).rejects.toMatchObject({ status: 400 });
    expect(h.upstream.requests.length).toBe(before);
  });

  it('ends the stream with an error chunk when Anthropic sends an error event, after the text before it', async () => {
    // No recording of a mid-stream error exists (see test/fixtures/anthropic/SOURCES.md): the
    // recorded text stream is cut before message_delta and the documented error event appended.
    // Sent as one body so the text and the error arrive in the same read.
    const recordedSse = loadBody('anthropic/extracted/stream_text.sse');
    const head = recordedSse.slice(0, recordedSse.indexOf('event: message_delta'));
    const sse = `${head}event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n`;
    h.upstream.enqueue({ headers: { 'content-type': 'text/event-stream' }, body: sse });
    const res = await post({ stream: true });
    expect(res.status).toBe(200);
    const text = await res.text();
    const events = text.split('\n\n').filter(Boolean);
    expect(events.at(-1)).toBe('data: [DONE]');
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.slice('data: '.length)) as {
      id: string;
      error?: { code: number; message: string; metadata: Record<string, unknown> };
      choices: { delta: { content?: string }; finish_reason: string | null }[];
    });
    const failure = chunks.at(-1)!;
    expect(failure.choices[0]?.finish_reason).toBe('error');
    expect(failure.error).toMatchObject({ code: 502, message: expect.stringContaining('Overloaded'), metadata: { type: 'overloaded_error' } });
    expect(chunks.slice(0, -1).map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe(recordedDeltas(recordedEvents(head), 'text_delta', 'text'));
    const row = await rowOf(failure.id);
    expect(row).toMatchObject({ streamed: true, status: 502, finish_reason: 'error', error_code: 'upstream_error' });
    // What message_start reported was consumed, and is logged and priced.
    const started = recordedStreamUsage(recordedEvents(head));
    expect(row).toMatchObject({ prompt_tokens: started.input_tokens, completion_tokens: started.output_tokens });
    expect(row.cost).toBeCloseTo(catalogCost('claude-3-opus-20240229', started), 10);
  });

  it.each([
    ['in the middle of a text delta, before any message_delta', 'event: ping', 'message_start'],
    ['in the middle of message_stop, after the message_delta', 'event: message_stop', 'message_delta'],
  ] as const)('logs the usage seen so far when the connection drops %s (recording cut mid-stream)', async (_where, cutBefore, source) => {
    const recordedSse = loadBody('anthropic/extracted/stream_text.sse');
    // The socket dies 10 bytes into the event that starts with `cutBefore`.
    const cutAt = Buffer.byteLength(recordedSse.slice(0, recordedSse.indexOf(cutBefore))) + 10;
    h.upstream.enqueue({ sse: recordedSse, cutAfterBytes: cutAt });
    const res = await post({ stream: true });
    const events = (await res.text()).split('\n\n').filter(Boolean);
    expect(events.at(-1)).toBe('data: [DONE]');
    const failure = JSON.parse(events.at(-2)!.slice('data: '.length)) as { id: string; choices: { finish_reason: string }[] };
    expect(failure.choices[0]?.finish_reason).toBe('error');

    const seen = recordedEvents(recordedSse.slice(0, recordedSse.indexOf(cutBefore)));
    const usage = recordedStreamUsage(seen);
    const reported = source === 'message_start' ? seen[0]!.message!.usage.output_tokens : seen.find((e) => e.type === 'message_delta')!.usage!.output_tokens;
    expect(usage.output_tokens).toBe(reported);
    const row = await rowOf(failure.id);
    expect(row).toMatchObject({
      status: 502,
      error_code: 'upstream_stream_cut',
      prompt_tokens: usage.input_tokens,
      completion_tokens: usage.output_tokens,
    });
    expect(row.completion_tokens).toBeGreaterThan(0);
    expect(row.cost).toBeCloseTo(catalogCost('claude-3-opus-20240229', usage), 10);
  });

  it('ends the stream with an error chunk when Anthropic stops before message_stop', async () => {
    const recordedSse = loadBody('anthropic/extracted/stream_text.sse');
    h.upstream.enqueue({ sse: recordedSse.slice(0, recordedSse.indexOf('event: message_stop')) });
    const res = await post({ stream: true });
    const events = (await res.text()).split('\n\n').filter(Boolean);
    expect(events.at(-1)).toBe('data: [DONE]');
    const failure = JSON.parse(events.at(-2)!.slice('data: '.length)) as { id: string; choices: { finish_reason: string }[] };
    expect(failure.choices[0]?.finish_reason).toBe('error');
    const row = await rowOf(failure.id);
    expect(row).toMatchObject({ streamed: true, status: 502, finish_reason: 'error', error_code: 'upstream_stream_cut' });
  });
});
