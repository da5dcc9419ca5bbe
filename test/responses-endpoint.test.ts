/**
 * POST /v1/responses through the real openai SDK (`responses.create`, JSON and streamed):
 * native pass-through to an `openai` provider replaying Responses API recordings, and
 * translation to chat-completions, Anthropic and Gemini providers replaying their recordings.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import type { ResponseStreamEvent } from 'openai/resources/responses/responses';
import { loadBody, loadChunks, loadVcrYaml } from './helpers/fixtures.js';
import { replyFromRecording } from './helpers/mock-upstream.js';
import { startHarness, type Harness } from './helpers/gateway-harness.js';
import { recordedDeltas, recordedEvents } from './helpers/anthropic-recordings.js';
import { interleaveToolCalls, recordedCalls } from './helpers/interleaved-tool-calls.js';
import { usageDbPath } from '../src/main/core/paths.js';
import { AppKeyStore } from '../src/main/core/secrets/app-keys.js';
import { openDb } from '../src/main/core/usage/usage-db.js';

const PRICE = { prompt: 0.0000025, completion: 0.00001, cached: 0.00000125 };
const MINI = { prompt: 0.00000015, completion: 0.0000006 };
const CLAUDE = { prompt: 0.000003, completion: 0.000015 };

const config = {
  providers: {
    oai: {
      type: 'openai',
      baseUrl: '${UPSTREAM}/oai/v1',
      models: ['gpt-4o', 'gpt-5'],
      pricing: { prompt: '0.0000025', completion: '0.00001', input_cache_read: '0.00000125' },
    },
    mock: { type: 'openai-compatible', baseUrl: '${UPSTREAM}/v1', models: ['gpt-4o-mini'], pricing: { prompt: '0.00000015', completion: '0.0000006' } },
    claude: { type: 'anthropic', baseUrl: '${UPSTREAM}/anthropic/v1', models: ['claude-sonnet-4-5'], pricing: { prompt: '0.000003', completion: '0.000015' } },
    gem: { type: 'google', baseUrl: '${UPSTREAM}/gemini/v1beta', models: ['gemini-3-pro-preview'], pricing: { prompt: '0', completion: '0' } },
  },
};

let h: Harness;
let client: OpenAI;

beforeAll(async () => {
  h = await startHarness({ config, vaultKeys: { oai: ['sk-oai'], mock: ['sk-mock'], claude: ['sk-ant'], gem: ['g-key'] } });
  client = new OpenAI({ baseURL: h.baseURL, apiKey: h.appKey, maxRetries: 0 });
});
afterAll(async () => {
  await h?.close();
});

async function collect(stream: AsyncIterable<ResponseStreamEvent>): Promise<ResponseStreamEvent[]> {
  const events: ResponseStreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

function completedOf(events: ResponseStreamEvent[]) {
  const done = events.find((e) => e.type === 'response.completed');
  if (done?.type !== 'response.completed') throw new Error(`no response.completed in ${events.map((e) => e.type).join(',')}`);
  return done.response;
}

describe('native pass-through to an openai provider', () => {
  it('relays the recorded JSON response with the generation id and the cost, and logs the row', async () => {
    const [recording] = loadVcrYaml('openai-responses/pydantic-ai__test_openai_responses_model_simple_response.yaml');
    if (!recording) throw new Error('missing recording');
    h.upstream.on('POST', '/oai/v1/responses', replyFromRecording(recording));
    const before = h.upstream.requests.length;
    const response = await client.responses.create({ model: 'oai/gpt-4o', input: 'What is the capital of France?', store: false });
    expect(response.output_text).toBe('The capital of France is Paris.');
    expect(response.id).toMatch(/^gen-/);
    const cost = 14 * PRICE.prompt + 8 * PRICE.completion;
    expect((response.usage as unknown as { cost: number }).cost).toBeCloseTo(cost, 12);
    const sent = h.upstream.requests[before];
    expect(sent?.headers.authorization).toBe('Bearer sk-oai');
    expect(sent?.body).toEqual({ model: 'gpt-4o', input: 'What is the capital of France?', store: false });
    const rows = await h.usageRows((all) => all.some((r) => r.id === response.id));
    expect(rows.find((r) => r.id === response.id)).toMatchObject({ provider: 'oai', prompt_tokens: 14, completion_tokens: 8, finish_reason: 'stop' });
  });

  it('relays a recorded stream (reasoning, then streamed call arguments) and prices its final usage', async () => {
    const sse = loadBody('openai-responses/extracted/stream_reasoning_then_tool_call_arg_deltas.sse');
    h.upstream.on('POST', '/oai/v1/responses', { sse });
    const stream = await client.responses.create({
      model: 'oai/gpt-5',
      input: 'What is 3 + 4?',
      tools: [{ type: 'function', name: 'final_result', parameters: { type: 'object', properties: {} }, strict: false }],
      stream: true,
    });
    const events = await collect(stream);
    const created = events[0];
    expect(created?.type).toBe('response.created');
    const response = completedOf(events);
    expect(response.id).toMatch(/^gen-/);
    expect(created?.type === 'response.created' && created.response.id).toBe(response.id);
    const args = events.flatMap((e) => (e.type === 'response.function_call_arguments.delta' ? [e.delta] : [])).join('');
    const done = events.find((e) => e.type === 'response.function_call_arguments.done');
    expect(done?.type === 'response.function_call_arguments.done' && done.arguments).toBe(args);
    const usage = response.usage as unknown as { input_tokens: number; output_tokens: number; input_tokens_details: { cached_tokens: number }; cost: number };
    const cached = usage.input_tokens_details.cached_tokens;
    expect(usage.cost).toBeCloseTo((usage.input_tokens - cached) * PRICE.prompt + cached * PRICE.cached + usage.output_tokens * PRICE.completion, 12);
    const rows = await h.usageRows((all) => all.some((r) => r.id === response.id));
    expect(rows.find((r) => r.id === response.id)).toMatchObject({
      streamed: true,
      prompt_tokens: usage.input_tokens,
      completion_tokens: usage.output_tokens,
      finish_reason: 'tool_calls',
    });
  });

  it('ends a stream whose provider failed mid-way with its recorded response.failed', async () => {
    const sse = loadChunks('openai-responses/vercel__openai-error.1.chunks.txt', { eventFromType: true });
    h.upstream.on('POST', '/oai/v1/responses', { sse });
    const stream = await client.responses.create({ model: 'oai/gpt-5', input: 'Hi', stream: true });
    const types: string[] = [];
    await expect(
      (async () => {
        for await (const event of stream) types.push(event.type);
      })(),
    ).rejects.toThrow(/quota/i);
    expect(types.slice(0, 2)).toEqual(['response.created', 'response.in_progress']);
  });
});

describe("OpenAI's hosted and custom tools", () => {
  it('go to an openai provider as sent, and are refused with a clear 400 for any other target', async () => {
    const [recording] = loadVcrYaml('openai-responses/pydantic-ai__test_openai_responses_model_simple_response.yaml');
    if (!recording) throw new Error('missing recording');
    h.upstream.on('POST', '/oai/v1/responses', replyFromRecording(recording));
    // Codex's freeform apply_patch tool, and an item of a shell call passed back.
    const tools = [{ type: 'custom', name: 'apply_patch', description: 'Patch files', format: { type: 'grammar', syntax: 'lark', definition: 'start: /.+/' } }];
    const input = [
      { role: 'user', content: 'Fix it' },
      { type: 'local_shell_call', call_id: 'call_1', status: 'completed', action: { type: 'exec', command: ['ls'], env: {} } },
    ];
    const before = h.upstream.requests.length;
    const native = await client.responses.create({ model: 'oai/gpt-5', input, tools } as never);
    expect((native as { status: string }).status).toBe('completed');
    expect(h.upstream.requests[before]?.body).toMatchObject({ model: 'gpt-5', tools, input });

    const translated = client.responses.create({ model: 'mock/gpt-4o-mini', input, tools } as never);
    await expect(translated).rejects.toMatchObject({
      status: 400,
      message: expect.stringMatching(/cannot take the "custom" tool, input items of type "local_shell_call": those run on OpenAI's own API only/),
    });
    expect(h.upstream.requests.length).toBe(before + 1);
  });
});

describe('native stream cut by the provider', () => {
  it('ends with an error event and response.failed carrying the generation id, and keeps nothing unlogged', async () => {
    const sse = loadBody('openai-responses/extracted/stream_reasoning_then_tool_call_arg_deltas.sse');
    h.upstream.on('POST', '/oai/v1/responses', { sse, cutAfterBytes: Math.floor(sse.length / 2) });
    const res = await fetch(`${h.baseURL}/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${h.appKey}` },
      body: JSON.stringify({ model: 'oai/gpt-5', input: 'Hi', stream: true }),
    });
    const id = res.headers.get('x-generation-id');
    const types = [...(await res.text()).matchAll(/^event: (.+)$/gm)].map((m) => m[1]);
    expect(types.slice(-2)).toEqual(['error', 'response.failed']);
    const rows = await h.usageRows((all) => all.some((r) => r.id === id));
    expect(rows.find((r) => r.id === id)).toMatchObject({ status: 502, error_code: 'upstream_stream_cut', streamed: true });
  });
});

describe('translation to a chat-completions provider', () => {
  it('sends input items, flat and namespaced tools, tool_choice and a JSON schema as a chat body, and answers a Response', async () => {
    const recorded = JSON.parse(loadBody('openai/vercel__openai-text.json')) as {
      choices: { message: { content: string } }[];
      usage: { prompt_tokens: number; completion_tokens: number };
    };
    h.upstream.enqueue({ body: recorded });
    const before = h.upstream.requests.length;
    const schema = { type: 'object', properties: { name: { type: 'string' } }, required: ['name'], additionalProperties: false };
    const response = await client.responses.create({
      model: 'mock/gpt-4o-mini',
      instructions: 'You invent holidays.',
      input: [
        { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'Be brief.' }] },
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Invent a new holiday' }] },
      ],
      tools: [
        { type: 'function', name: 'lookup', description: 'Look up', parameters: { type: 'object', properties: {} }, strict: false },
        // Codex groups MCP tools in namespaces.
        { type: 'namespace', name: 'mcp_docs', tools: [{ type: 'function', name: 'search', parameters: { type: 'object', properties: {} } }] } as never,
      ],
      tool_choice: 'auto',
      parallel_tool_calls: false,
      text: { format: { type: 'json_schema', name: 'holiday', schema, strict: true } },
      max_output_tokens: 300,
      store: false,
      include: ['reasoning.encrypted_content'],
      prompt_cache_key: 'abc',
    });
    expect(response.output_text).toBe(recorded.choices[0]?.message.content);
    expect(response).toMatchObject({ object: 'response', status: 'completed', model: 'mock/gpt-4o-mini', store: false });
    expect(response.id).toMatch(/^gen-/);
    const cost = recorded.usage.prompt_tokens * MINI.prompt + recorded.usage.completion_tokens * MINI.completion;
    expect(response.usage).toMatchObject({ input_tokens: recorded.usage.prompt_tokens, output_tokens: recorded.usage.completion_tokens });
    expect((response.usage as unknown as { cost: number }).cost).toBeCloseTo(cost, 12);
    expect(h.upstream.requests[before]?.body).toEqual({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'You invent holidays.' },
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Invent a new holiday' },
      ],
      max_tokens: 300,
      tools: [
        { type: 'function', function: { name: 'lookup', description: 'Look up', parameters: { type: 'object', properties: {} }, strict: false } },
        { type: 'function', function: { name: 'mcp_docs__search', parameters: { type: 'object', properties: {} } } },
      ],
      tool_choice: 'auto',
      parallel_tool_calls: false,
      response_format: { type: 'json_schema', json_schema: { name: 'holiday', schema, strict: true } },
    });
  });

  it('streams a recorded tool call as function_call events, and the round trip sends the call and its output back', async () => {
    const sse = loadBody('openai/extracted/stream_tool_call_arg_deltas.sse');
    h.upstream.enqueue({ sse });
    const tools = [{ type: 'function' as const, name: 'get_capital', parameters: { type: 'object', properties: { country: { type: 'string' } } }, strict: false }];
    const input = [{ role: 'user' as const, content: 'What is the capital of the UK?' }];
    const events = await collect(await client.responses.create({ model: 'mock/gpt-4o-mini', input, tools, stream: true }));
    const types = events.map((e) => e.type);
    expect(types.slice(0, 3)).toEqual(['response.created', 'response.in_progress', 'response.output_item.added']);
    expect(types.at(-1)).toBe('response.completed');
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    const response = completedOf(events);
    const call = response.output.find((item) => item.type === 'function_call');
    if (call?.type !== 'function_call') throw new Error('no function call');
    const args = events.flatMap((e) => (e.type === 'response.function_call_arguments.delta' ? [e.delta] : [])).join('');
    expect(call).toMatchObject({ name: 'get_capital', call_id: 'call_ZR5UUuTt3pf61kjwAJIYdVMj', arguments: args });
    expect(JSON.parse(args)).toEqual({ country: 'UK' });
    const rows = await h.usageRows((all) => all.some((r) => r.id === response.id));
    const row = rows.find((r) => r.id === response.id);
    expect(row).toMatchObject({ finish_reason: 'tool_calls', prompt_tokens: response.usage?.input_tokens, completion_tokens: response.usage?.output_tokens });
    expect(row?.cost).toBeCloseTo((response.usage?.input_tokens ?? 0) * MINI.prompt + (response.usage?.output_tokens ?? 0) * MINI.completion, 12);

    h.upstream.enqueue({ sse: loadBody('openai/extracted/stream_text_after_tool_result.sse') });
    const before = h.upstream.requests.length;
    const next = await collect(
      await client.responses.create({
        model: 'mock/gpt-4o-mini',
        input: [...input, call, { type: 'function_call_output', call_id: call.call_id, output: 'Paris' }],
        tools,
        stream: true,
      }),
    );
    const streamed = next.flatMap((e) => (e.type === 'response.output_text.delta' ? [e.delta] : [])).join('');
    expect(streamed).toBe('The capital of the UK is London.');
    const message = completedOf(next).output.find((item) => item.type === 'message');
    expect(message?.type === 'message' && message.content[0]).toMatchObject({ type: 'output_text', text: streamed });
    const sent = h.upstream.requests[before]?.body as { messages: unknown[] };
    expect(sent.messages).toEqual([
      { role: 'user', content: 'What is the capital of the UK?' },
      { role: 'assistant', content: null, tool_calls: [{ id: call.call_id, type: 'function', function: { name: 'get_capital', arguments: args } }] },
      { role: 'tool', tool_call_id: call.call_id, content: 'Paris' },
    ]);
  });

  it('streams interleaved parallel call deltas as one function_call item per call, as the SDK assembles them', async () => {
    const sse = interleaveToolCalls(loadBody('openai/extracted/stream_parallel_tool_calls.sse'));
    const calls = recordedCalls(sse);
    h.upstream.enqueue({ sse });
    const stream = client.responses.stream({ model: 'mock/gpt-4o-mini', input: 'Name the country and the product.' });
    const events = await collect(stream);
    const final = await stream.finalResponse();
    const expected = calls.map((c) => ({ type: 'function_call', status: 'completed', call_id: c.id, name: c.name, arguments: c.args }));
    expect(final.output).toMatchObject(expected);
    expect(final.output.length).toBe(calls.length);
    const completed = completedOf(events).output;
    expect(completed).toMatchObject(expected);
    expect(completed.map((item) => item.id)).toEqual(final.output.map((item) => item.id));
    const added = events.flatMap((e) => (e.type === 'response.output_item.added' ? [e] : []));
    expect(added.map((e) => [e.output_index, e.item.id])).toEqual(final.output.map((item, i) => [i, item.id]));
    for (const [i, item] of final.output.entries()) {
      if (item.type !== 'function_call') throw new Error(`output ${i} is a ${item.type}`);
      const deltas = events.flatMap((e) => (e.type === 'response.function_call_arguments.delta' && e.item_id === item.id ? [e] : []));
      expect(deltas.every((e) => e.output_index === i)).toBe(true);
      expect(deltas.map((e) => e.delta).join('')).toBe(item.arguments);
      const argsDone = events.filter((e) => e.type === 'response.function_call_arguments.done' && e.item_id === item.id);
      expect(argsDone).toMatchObject([{ output_index: i, arguments: item.arguments }]);
      const itemDone = events.filter((e) => e.type === 'response.output_item.done' && e.item.id === item.id);
      expect(itemDone).toMatchObject([{ output_index: i, item: { status: 'completed', arguments: item.arguments } }]);
    }
  });

  it('ends a translated stream cut mid-way as OpenAI does (an error event as recorded, then response.failed) after the text already sent, and logs it', async () => {
    const sse = loadBody('openai/extracted/stream_text_after_tool_result.sse');
    h.upstream.enqueue({ sse, cutAfterBytes: Math.floor(sse.length / 2) });
    const res = await fetch(`${h.baseURL}/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${h.appKey}` },
      body: JSON.stringify({ model: 'mock/gpt-4o-mini', input: 'Hi', stream: true }),
    });
    const id = res.headers.get('x-generation-id');
    const events = (await res.text()).split('\n\n').filter((block) => block.trim() !== '').map((block) => {
      const data = block.split('\n').find((line) => line.startsWith('data: '))?.slice(6) ?? '{}';
      return JSON.parse(data) as { type: string; error?: { message: string }; response?: { status: string; error: { message: string } } };
    });
    expect(events.some((e) => e.type === 'response.output_text.delta')).toBe(true);
    expect(events.slice(-2).map((e) => e.type)).toEqual(['error', 'response.failed']);
    expect(events.at(-2)?.error?.message).toMatch(/ended the stream unexpectedly/);
    expect(events.at(-1)?.response).toMatchObject({ status: 'failed', error: { message: expect.stringMatching(/ended the stream unexpectedly/) } });
    const rows = await h.usageRows((all) => all.some((r) => r.id === id));
    expect(rows.find((r) => r.id === id)).toMatchObject({ status: 502, finish_reason: 'error', error_code: 'upstream_stream_cut' });

    // The SDK surfaces the error event as an exception.
    h.upstream.enqueue({ sse, cutAfterBytes: Math.floor(sse.length / 2) });
    const stream = await client.responses.create({ model: 'mock/gpt-4o-mini', input: 'Hi', stream: true });
    await expect(collect(stream)).rejects.toThrow(/ended the stream unexpectedly/);
  });

  it("refuses a key over its spend limit with 402 before anything goes upstream, and Gemini's and Responses' routes share that gate", async () => {
    const db = openDb(usageDbPath(h.dataDir));
    const { key } = new AppKeyStore(db).create({ name: 'tiny-budget', limitUsd: 0.000001, limitPeriod: 'total' });
    db.close();
    const before = h.upstream.requests.length;
    const limited = new OpenAI({ baseURL: h.baseURL, apiKey: key, maxRetries: 0 });
    const refused = limited.responses.create({ model: 'mock/gpt-4o-mini', input: 'Hi', max_output_tokens: 4000 });
    await expect(refused).rejects.toMatchObject({ status: 402 });
    const gemini = await fetch(`${h.gateway.url}/v1beta/models/mock/gpt-4o-mini:generateContent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-goog-api-key': key },
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'Hi' }] }], generationConfig: { maxOutputTokens: 4000 } }),
    });
    expect(gemini.status).toBe(402);
    expect(((await gemini.json()) as { error: { status: string } }).error.status).toBe('FAILED_PRECONDITION');
    expect(h.upstream.requests.length).toBe(before);
  });

  it('refuses previous_response_id (no server state) and a required hosted web search the target cannot run, with clear 400s', async () => {
    const before = h.upstream.requests.length;
    const stored = client.responses.create({ model: 'mock/gpt-4o-mini', input: 'Hi', previous_response_id: 'resp_123' });
    await expect(stored).rejects.toMatchObject({ status: 400, message: expect.stringContaining('previous_response_id') });
    const search = client.responses.create({ model: 'mock/gpt-4o-mini', input: 'News?', tools: [{ type: 'web_search' }], tool_choice: { type: 'web_search' } as never });
    await expect(search).rejects.toMatchObject({ status: 400, message: expect.stringContaining('web search') });
    expect(h.upstream.requests.length).toBe(before);
  });

  it('answers without searching where the target has no search and the hosted search was only offered (Codex offers it always)', async () => {
    h.upstream.enqueue({ body: JSON.parse(loadBody('openai/vercel__openai-text.json')) as object });
    const before = h.upstream.requests.length;
    const response = await client.responses.create({ model: 'mock/gpt-4o-mini', input: 'News?', tools: [{ type: 'web_search' }] });
    expect(response.status).toBe('completed');
    const sent = h.upstream.requests[before]?.body as Record<string, unknown>;
    expect(sent).not.toHaveProperty('tools');
    expect(sent).not.toHaveProperty('web_search_options');
  });
});

describe('translation to Anthropic', () => {
  it('streams recorded thinking as a reasoning summary, and the reasoning item passed back reaches Claude as its signed thinking', async () => {
    const sse = loadBody('anthropic/extracted/stream_thinking.sse');
    const recorded = recordedEvents(sse);
    h.upstream.enqueue({ sse });
    const events = await collect(
      await client.responses.create({ model: 'claude/claude-sonnet-4-5', input: 'Think, then answer.', reasoning: { effort: 'low', summary: 'auto' }, stream: true }),
    );
    const summary = events.flatMap((e) => (e.type === 'response.reasoning_summary_text.delta' ? [e.delta] : [])).join('');
    expect(summary).toBe(recordedDeltas(recorded, 'thinking_delta', 'thinking'));
    const text = events.flatMap((e) => (e.type === 'response.output_text.delta' ? [e.delta] : [])).join('');
    expect(text).toBe(recordedDeltas(recorded, 'text_delta', 'text'));
    const response = completedOf(events);
    const reasoning = response.output.find((item) => item.type === 'reasoning');
    expect(reasoning?.type === 'reasoning' && reasoning.encrypted_content).toBeTruthy();
    const start = recorded.find((e) => e.type === 'message_start')?.message?.usage;
    const outputTokens = recorded.findLast((e) => e.type === 'message_delta')?.usage?.output_tokens ?? 0;
    expect(response.usage).toMatchObject({ input_tokens: start?.input_tokens, output_tokens: outputTokens });
    expect((response.usage as unknown as { cost: number }).cost).toBeCloseTo((start?.input_tokens ?? 0) * CLAUDE.prompt + outputTokens * CLAUDE.completion, 12);

    const before = h.upstream.requests.length;
    h.upstream.enqueue({ body: JSON.parse(loadBody('anthropic/vercel__anthropic-text.json')) as object });
    const next = await client.responses.create({
      model: 'claude/claude-sonnet-4-5',
      input: [{ role: 'user', content: 'Think, then answer.' }, ...response.output, { role: 'user', content: 'And again?' }] as never,
    });
    expect(next.output_text.length).toBeGreaterThan(0);
    const sent = h.upstream.requests[before]?.body as { messages: { role: string; content: { type: string; signature?: string }[] }[] };
    const signature = recordedDeltas(recorded, 'signature_delta', 'signature');
    expect(sent.messages[1]?.role).toBe('assistant');
    expect(sent.messages[1]?.content[0]).toMatchObject({ type: 'thinking', thinking: summary, signature });
  });

  it("offers Claude its own web search server tool for the hosted web_search tool", async () => {
    h.upstream.enqueue({ body: JSON.parse(loadBody('anthropic/vercel__anthropic-text.json')) as object });
    const before = h.upstream.requests.length;
    await client.responses.create({ model: 'claude/claude-sonnet-4-5', input: 'News?', tools: [{ type: 'web_search' }] });
    const sent = h.upstream.requests[before]?.body as { tools: { type: string; name: string }[] };
    expect(sent.tools).toEqual([expect.objectContaining({ type: expect.stringMatching(/^web_search_/), name: 'web_search' })]);
  });

  it('answers at /api/v1/responses too (OpenRouter base URL)', async () => {
    h.upstream.enqueue({ body: JSON.parse(loadBody('anthropic/vercel__anthropic-text.json')) as object });
    const openRouterStyle = new OpenAI({ baseURL: `${h.gateway.url}/api/v1`, apiKey: h.appKey, maxRetries: 0 });
    const response = await openRouterStyle.responses.create({ model: 'claude/claude-sonnet-4-5', input: 'Hello' });
    expect(response.status).toBe('completed');
    expect(response.output_text.length).toBeGreaterThan(0);
  });
});
