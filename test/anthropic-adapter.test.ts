import { describe, expect, it } from 'vitest';
import { UNKNOWN_POLICY } from '../src/main/core/policy/data-policy.js';
import { GatewayError } from '../src/shared/errors.js';
import { SseParser } from '../src/main/core/protocol/sse.js';
import type { AnthropicMessagesRequest } from '../src/main/core/protocol/anthropic-wire.js';
import { anthropicAdapter } from '../src/main/core/providers/anthropic/anthropic-adapter.js';
import { parseAnthropicError } from '../src/main/core/providers/anthropic/error-parsing.js';
import { DEFAULT_MAX_TOKENS, MIN_THINKING_BUDGET, outputBudget } from '../src/main/core/providers/anthropic/output-budget.js';
import { toAnthropicRequest } from '../src/main/core/providers/anthropic/request-mapping.js';
import { toChatCompletion } from '../src/main/core/providers/anthropic/response-mapping.js';
import { AnthropicStreamMapper } from '../src/main/core/providers/anthropic/stream-mapper.js';
import { listModelsRequest, parseModelList } from '../src/main/core/providers/anthropic/model-listing.js';
import { loadBody, loadChunks, loadDdTraceJson, loadHttprr, loadVcrYaml } from './helpers/fixtures.js';
import { messageOf, recordedDeltas, recordedEvents, recordedStreamUsage, requestOf, type RecordedMessage, type RecordedUsage } from './helpers/anthropic-recordings.js';
import { endpointPrice } from '../src/main/core/usage/pricing.js';

// ---------------------------------------------------------------------------------------------
// Helpers reading the recordings

/** OpenAI semantics (DESIGN.md §4): prompt tokens include cache reads and writes. */
function expectedUsage(u: RecordedUsage) {
  const cached = u.cache_read_input_tokens ?? 0;
  const written = u.cache_creation_input_tokens ?? 0;
  return {
    prompt_tokens: u.input_tokens + cached + written,
    completion_tokens: u.output_tokens,
    total_tokens: u.input_tokens + cached + written + u.output_tokens,
    prompt_tokens_details: { cached_tokens: cached, cache_write_tokens: written },
    completion_tokens_details: { reasoning_tokens: 0 },
  };
}

interface ChunkJson {
  id: string;
  object: string;
  model: string;
  choices: {
    index: number;
    delta: {
      role?: string;
      content?: string;
      reasoning?: string;
      reasoning_details?: { type: string; text?: string; signature?: string; data?: string; format: string; index: number }[];
      tool_calls?: { index: number; id?: string; type?: string; function: { name?: string; arguments?: string } }[];
    };
    finish_reason: string | null;
  }[];
  usage?: ReturnType<typeof expectedUsage>;
}

function mapStream(sse: string): ChunkJson[] {
  const mapper = new AnthropicStreamMapper('claude', 'claude-upstream');
  const out: string[] = [];
  const parser = new SseParser((e) => out.push(...mapper.onEvent(e)));
  parser.push(sse);
  parser.end();
  out.push(...mapper.onEnd());
  return out.map((text) => JSON.parse(text) as ChunkJson);
}

function collect(chunks: ChunkJson[]) {
  const tools = new Map<number, { id: string; name: string; args: string }>();
  let text = '';
  let reasoning = '';
  let finish: string | null = null;
  for (const chunk of chunks) {
    const choice = chunk.choices[0];
    if (!choice) continue;
    text += choice.delta.content ?? '';
    reasoning += choice.delta.reasoning ?? '';
    finish = choice.finish_reason ?? finish;
    for (const call of choice.delta.tool_calls ?? []) {
      const entry = tools.get(call.index) ?? { id: '', name: '', args: '' };
      entry.id += call.id ?? '';
      entry.name += call.function.name ?? '';
      entry.args += call.function.arguments ?? '';
      tools.set(call.index, entry);
    }
  }
  const details = chunks.flatMap((c) => c.choices[0]?.delta.reasoning_details ?? []);
  return { text, reasoning, finish, tools, details, usage: chunks.at(-1)?.usage };
}

/** The text and image blocks of a recorded image request's first message. */
function imageRequestParts(req: AnthropicMessagesRequest) {
  const [text, image] = req.messages[0]?.content ?? [];
  if (typeof text !== 'object' || text.type !== 'text' || typeof image !== 'object' || image.type !== 'image') {
    throw new Error('recording is not a text + image request');
  }
  const source = image.source as { type: string; url?: string; media_type?: string; data?: string };
  return [text, { source }] as const;
}

const chat = (extra: Record<string, unknown>) => ({ messages: [{ role: 'user', content: 'hi' }], ...extra });
const mapRequest = (body: Record<string, unknown>, stream = false) => toAnthropicRequest(body, 'claude-test', stream);

function expectGatewayError(fn: () => unknown, status: number, message: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(GatewayError);
  expect((caught as GatewayError).status).toBe(status);
  expect((caught as GatewayError).message).toMatch(message);
}

// ---------------------------------------------------------------------------------------------

describe('OpenAI request -> Anthropic request', () => {
  it('maps system prompt, text parts and sampling parameters as the recorded client sent them', () => {
    const rec = loadVcrYaml('anthropic/dd-trace__anthropic_completion_invalid_api_key.yaml')[0]!;
    const recorded = requestOf(rec);
    const userParts = recorded.messages[0]!.content as { text: string }[];
    const out = mapRequest({
      messages: [
        { role: 'system', content: recorded.system },
        { role: 'user', content: userParts.map((p) => ({ type: 'text', text: p.text })) },
      ],
      max_tokens: recorded.max_tokens,
      temperature: recorded.temperature,
    });
    expect(out.system).toEqual([{ type: 'text', text: recorded.system }]);
    expect(out.messages).toEqual(recorded.messages);
    expect(out).toMatchObject({ model: 'claude-test', max_tokens: recorded.max_tokens, temperature: recorded.temperature });
    expect(out).not.toHaveProperty('stream');
  });

  it('keeps system and developer messages in order wherever they appear', () => {
    const out = mapRequest({
      messages: [
        { role: 'system', content: 'one' },
        { role: 'user', content: 'q' },
        { role: 'developer', content: [{ type: 'text', text: 'two' }] },
      ],
    });
    expect(out.system).toEqual([{ type: 'text', text: 'one' }, { type: 'text', text: 'two' }]);
    expect(out.messages).toEqual([{ role: 'user', content: 'q' }]);
  });

  it('passes cache_control on system parts, content parts, tools and the top level', () => {
    const rec = loadVcrYaml('anthropic/dd-trace__anthropic_completion_stream_cache_write.yaml')[0]!;
    const recorded = requestOf(rec);
    const system = recorded.system as { type: 'text'; text: string; cache_control: object }[];
    expect(system[0]?.cache_control).toEqual({ type: 'ephemeral' });
    const out = mapRequest(
      {
        messages: [{ role: 'system', content: system }, ...recorded.messages],
        max_tokens: recorded.max_tokens,
        tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } }, cache_control: { type: 'ephemeral', ttl: '1h' } }],
        cache_control: { type: 'ephemeral', ttl: '5m' },
      },
      true,
    );
    expect(out.system).toEqual(recorded.system);
    expect(out.messages).toEqual(recorded.messages);
    expect(out.stream).toBe(true);
    expect(out.tools?.[0]).toMatchObject({ cache_control: { type: 'ephemeral', ttl: '1h' } });
    expect(out.cache_control).toEqual({ type: 'ephemeral', ttl: '5m' });

    const withPart = mapRequest(chat({ messages: [{ role: 'user', content: [{ type: 'text', text: 'doc', cache_control: { type: 'ephemeral' } }] }] }));
    expect(withPart.messages[0]?.content).toEqual([{ type: 'text', text: 'doc', cache_control: { type: 'ephemeral' } }]);
  });

  it('sends an http image as a URL source, as recorded', () => {
    const recorded = requestOf(loadVcrYaml('anthropic/pydantic-ai__test_image_url_input.yaml')[0]!);
    const [text, image] = imageRequestParts(recorded);
    expect(image.source.type).toBe('url');
    const out = mapRequest({
      messages: [{ role: 'user', content: [{ type: 'text', text: text.text }, { type: 'image_url', image_url: { url: image.source.url } }] }],
    });
    expect(out.messages).toEqual(recorded.messages);
  });

  it('sends a data URL image as a base64 source, as recorded', () => {
    const recorded = requestOf(loadVcrYaml('anthropic/dd-trace__anthropic_create_image.yaml')[0]!);
    const [text, image] = imageRequestParts(recorded);
    expect(image.source.type).toBe('base64');
    const out = mapRequest({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: text.text },
            { type: 'image_url', image_url: { url: `data:${image.source.media_type};base64,${image.source.data}`, detail: 'auto' } },
          ],
        },
      ],
      max_tokens: recorded.max_tokens,
    });
    expect(out.messages).toEqual(recorded.messages);
  });

  it('sends a PDF file part as a document and refuses audio and other image URLs', () => {
    const out = mapRequest(chat({ messages: [{ role: 'user', content: [{ type: 'file', file: { filename: 'a.pdf', file_data: 'data:application/pdf;base64,JVBERi0=' } }] }] }));
    expect(out.messages[0]?.content).toEqual([
      { type: 'document', title: 'a.pdf', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' } },
    ]);
    expectGatewayError(() => mapRequest(chat({ messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: '', format: 'wav' } }] }] })), 400, /audio/);
    expectGatewayError(() => mapRequest(chat({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'ftp://x/y.png' } }] }] })), 400, /http\(s\) URLs or base64 data URLs/);
  });

  it('maps tool definitions as the recorded client sent them', () => {
    for (const rec of [
      loadVcrYaml('anthropic/dd-trace__anthropic_completion_tools_stream.yaml')[0]!,
      loadDdTraceJson('anthropic/dd-trace__anthropic_v1_messages_post_28bbec95.json'),
    ]) {
      const recorded = requestOf(rec);
      const tools = recorded.tools!.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.input_schema } }));
      const out = mapRequest({ messages: recorded.messages, tools });
      expect(out.tools).toEqual(recorded.tools);
      expect(out).not.toHaveProperty('tool_choice');
    }
    const bare = mapRequest(chat({ tools: [{ type: 'function', function: { name: 'ping' } }] }));
    expect(bare.tools).toEqual([{ name: 'ping', input_schema: { type: 'object', properties: {} } }]);
  });

  it('maps tool_choice and parallel_tool_calls', () => {
    const tools = [{ type: 'function', function: { name: 'f', parameters: { type: 'object' }, strict: true } }];
    const choice = (extra: Record<string, unknown>) => mapRequest(chat({ tools, ...extra })).tool_choice;
    expect(choice({ tool_choice: 'auto' })).toEqual({ type: 'auto' });
    expect(choice({ tool_choice: 'none' })).toEqual({ type: 'none' });
    expect(choice({ tool_choice: 'required' })).toEqual({ type: 'any' });
    expect(choice({ tool_choice: { type: 'function', function: { name: 'f' } } })).toEqual({ type: 'tool', name: 'f' });
    expect(choice({ parallel_tool_calls: false })).toEqual({ type: 'auto', disable_parallel_tool_use: true });
    expect(choice({ tool_choice: 'required', parallel_tool_calls: false })).toEqual({ type: 'any', disable_parallel_tool_use: true });
    expect(mapRequest(chat({ tools })).tools?.[0]).toMatchObject({ strict: true });
    expect(mapRequest(chat({ tool_choice: 'auto' }))).not.toHaveProperty('tool_choice');
  });

  it('replays parallel tool calls and merges their results into one user turn, as recorded', () => {
    const [first, second] = loadVcrYaml('anthropic/pydantic-ai__test_multiple_parallel_tool_calls.yaml');
    const recorded = requestOf(second!);
    const answer = toChatCompletion(JSON.parse(first!.response.body), 'claude').body as {
      choices: { message: { content: string; tool_calls: { id: string; function: { name: string; arguments: string } }[] } }[];
    };
    const assistant = answer.choices[0]!.message;
    const results = (recorded.messages[2]!.content as { tool_use_id: string; content: string }[]).map((r) => ({
      role: 'tool',
      tool_call_id: r.tool_use_id,
      content: r.content,
    }));
    const out = mapRequest({
      messages: [
        { role: 'system', content: recorded.system },
        { role: 'user', content: [{ type: 'text', text: (recorded.messages[0]!.content as { text: string }[])[0]!.text }] },
        { role: 'assistant', content: assistant.content, tool_calls: assistant.tool_calls },
        ...results,
      ],
      tools: recorded.tools!.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.input_schema } })),
      tool_choice: 'auto',
    });
    // pydantic-ai also sends the default is_error: false, which carries no information.
    const withoutIsError = recorded.messages.map((m) =>
      typeof m.content === 'string' ? m : { ...m, content: m.content.map((b) => (b.type === 'tool_result' ? { ...b, is_error: undefined } : b)) },
    );
    expect(JSON.parse(JSON.stringify(out.messages))).toEqual(JSON.parse(JSON.stringify(withoutIsError)));
    expect(out.tool_choice).toEqual(recorded.tool_choice);
    expect(out.tools).toEqual(recorded.tools);
  });

  it('puts all tool results first in the user turn that answers the calls', () => {
    const call = (id: string) => ({ id, type: 'function', function: { name: 'f', arguments: '' } });
    const out = mapRequest({
      messages: [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: '', tool_calls: [call('call:1'), call('call:2')] },
        { role: 'tool', tool_call_id: 'call:1', content: [{ type: 'text', text: 'r1' }] },
        { role: 'user', content: 'and now?' },
        { role: 'tool', tool_call_id: 'call:2', content: 'r2' },
      ],
    });
    expect(out.messages).toEqual([
      { role: 'user', content: 'q' },
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'call_1', name: 'f', input: {} },
          { type: 'tool_use', id: 'call_2', name: 'f', input: {} },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'call_1', content: [{ type: 'text', text: 'r1' }] },
          { type: 'tool_result', tool_use_id: 'call_2', content: 'r2' },
          { type: 'text', text: 'and now?' },
        ],
      },
    ]);
  });

  it('refuses tool-call arguments that are not a JSON object', () => {
    const call = (args: string) => ({
      messages: [{ role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: args } }] }],
    });
    expectGatewayError(() => mapRequest(call('{"a":')), 400, /not valid JSON/);
    expectGatewayError(() => mapRequest(call('[1]')), 400, /not a JSON object/);
  });

  it('replays non-streamed thinking with its signature on the next turn, as recorded', () => {
    const [first, second] = loadVcrYaml('anthropic/pydantic-ai__test_anthropic_model_thinking_part.yaml');
    const firstRequest = requestOf(first!);
    const recorded = requestOf(second!);
    const thinking = firstRequest.thinking as { budget_tokens: number };
    const answer = toChatCompletion(JSON.parse(first!.response.body), 'claude').body as {
      choices: { message: { content: string; reasoning_details: unknown[] } }[];
    };
    const { content, reasoning_details } = answer.choices[0]!.message;
    const text = (m: AnthropicMessagesRequest['messages'][number]) => (m.content as { text: string }[])[0]!.text;
    const opening = mapRequest({
      messages: [{ role: 'user', content: [{ type: 'text', text: text(firstRequest.messages[0]!) }] }],
      max_tokens: firstRequest.max_tokens,
      reasoning: { max_tokens: thinking.budget_tokens },
    });
    expect(opening.thinking).toEqual(firstRequest.thinking);
    expect(opening.messages).toEqual(firstRequest.messages);

    const out = mapRequest({
      messages: [
        { role: 'user', content: [{ type: 'text', text: text(recorded.messages[0]!) }] },
        { role: 'assistant', content, reasoning_details },
        { role: 'user', content: [{ type: 'text', text: text(recorded.messages[2]!) }] },
      ],
      max_tokens: recorded.max_tokens,
      reasoning: { max_tokens: thinking.budget_tokens },
    });
    expect(out.messages).toEqual(recorded.messages);
    expect(out.thinking).toEqual(recorded.thinking);
  });

  it('replays streamed reasoning_details, joined by index, as one signed thinking block', () => {
    const sse = loadBody('anthropic/extracted/stream_thinking.sse');
    const events = recordedEvents(sse);
    const { details, text } = collect(mapStream(sse));
    const out = mapRequest({ messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: text, reasoning_details: details }, { role: 'user', content: 'again' }] });
    expect(out.messages[1]?.content).toEqual([
      { type: 'thinking', thinking: recordedDeltas(events, 'thinking_delta', 'thinking'), signature: recordedDeltas(events, 'signature_delta', 'signature') },
      { type: 'text', text: recordedDeltas(events, 'text_delta', 'text') },
    ]);
  });

  it('replays redacted thinking and skips reasoning Anthropic cannot verify', () => {
    const data = JSON.parse(/"data":("[^"]+")/.exec(loadBody('anthropic/extracted/stream_redacted_thinking.sse'))![1]!) as string;
    const out = mapRequest({
      messages: [
        { role: 'user', content: 'q' },
        {
          role: 'assistant',
          content: 'a',
          reasoning_details: [
            { type: 'reasoning.encrypted', data, format: 'anthropic-claude-v1', index: 0 },
            { type: 'reasoning.text', text: 'unsigned', format: 'anthropic-claude-v1', index: 1 },
            { type: 'reasoning.text', text: 'from gemini', signature: 'sig', format: 'google-gemini-v1', index: 2 },
          ],
        },
      ],
    });
    expect(out.messages[1]?.content).toEqual([{ type: 'redacted_thinking', data }, { type: 'text', text: 'a' }]);
  });

  it('maps max tokens, stop, user and structured output; refuses what Anthropic cannot do', () => {
    expect(mapRequest(chat({})).max_tokens).toBe(DEFAULT_MAX_TOKENS);
    expect(mapRequest(chat({ max_tokens: 50, max_completion_tokens: 70 })).max_tokens).toBe(70);
    expect(mapRequest(chat({ stop: 'END' })).stop_sequences).toEqual(['END']);
    expect(mapRequest(chat({ stop: ['a', 'b'], top_p: 0.9, top_k: 5 }))).toMatchObject({ stop_sequences: ['a', 'b'], top_p: 0.9, top_k: 5 });
    expect(mapRequest(chat({ user: 'u-1' })).metadata).toEqual({ user_id: 'u-1' });
    const schema = { type: 'object', properties: { a: { type: 'string' } }, required: ['a'], additionalProperties: false };
    expect(mapRequest(chat({ response_format: { type: 'json_schema', json_schema: { name: 'x', schema, strict: true } } })).output_config).toEqual({
      format: { type: 'json_schema', schema },
    });
    expect(mapRequest(chat({ response_format: { type: 'text' } }))).not.toHaveProperty('output_config');
    expectGatewayError(() => mapRequest(chat({ response_format: { type: 'json_object' } })), 400, /json_object.*not supported/);
    expectGatewayError(() => mapRequest(chat({ n: 2 })), 400, /"n" must be 1/);
    expectGatewayError(() => mapRequest({ messages: [{ role: 'function', name: 'f', content: 'x' }] }), 400, /messages\[0\]/);
  });

  it('turns OpenRouter reasoning settings into a thinking budget', () => {
    expect(outputBudget({})).toEqual({ max_tokens: DEFAULT_MAX_TOKENS });
    expect(outputBudget({ reasoning: { max_tokens: 2000 } })).toEqual({
      max_tokens: 2000 + DEFAULT_MAX_TOKENS,
      thinking: { type: 'enabled', budget_tokens: 2000 },
    });
    expect(outputBudget({ max_tokens: 10_000, reasoning: { effort: 'high' } })).toEqual({
      max_tokens: 10_000,
      thinking: { type: 'enabled', budget_tokens: 8000 },
    });
    expect(outputBudget({ max_completion_tokens: 20_000, reasoning_effort: 'low' }).thinking).toEqual({ type: 'enabled', budget_tokens: 4000 });
    expect(outputBudget({ reasoning: { enabled: true } }).thinking).toEqual({ type: 'enabled', budget_tokens: DEFAULT_MAX_TOKENS / 2 });
    expect(outputBudget({ reasoning: { effort: 'minimal' } }).thinking).toEqual({ type: 'enabled', budget_tokens: MIN_THINKING_BUDGET });
    expect(outputBudget({ reasoning: { effort: 'none' } })).toEqual({ max_tokens: DEFAULT_MAX_TOKENS });
    expect(outputBudget({ reasoning: { enabled: false, max_tokens: 3000 } })).toEqual({ max_tokens: DEFAULT_MAX_TOKENS });
  });

  it('builds the upstream request with Anthropic headers and the key only in x-api-key', () => {
    const endpoint = {
      provider: { id: 'claude', type: 'anthropic', family: 'anthropic', baseUrl: 'https://api.anthropic.com/v1', local: false, dataPolicy: UNKNOWN_POLICY, config: { type: 'anthropic', headers: { 'anthropic-beta': 'x' } } },
      upstreamModel: 'claude-sonnet-4-5',
      priceSource: { kind: 'free' },
      price: endpointPrice({ kind: 'free' }, 'claude-sonnet-4-5'),
    } as const;
    const req = anthropicAdapter.buildRequest('chat', endpoint, chat({ model: 'claude/claude-sonnet-4-5', stream: true }), 'sk-ant-secret', true);
    expect(req.url).toBe('https://api.anthropic.com/v1/messages');
    expect(req.headers).toEqual({
      'content-type': 'application/json',
      accept: 'text/event-stream',
      'anthropic-version': '2023-06-01',
      'anthropic-beta': 'x',
      'x-api-key': 'sk-ant-secret',
    });
    expect(req.body).not.toContain('sk-ant-secret');
    expect(JSON.parse(req.body!)).toMatchObject({ model: 'claude-sonnet-4-5', stream: true });
    expect(anthropicAdapter.supports('chat')).toBe(true);
    expect(anthropicAdapter.supports('embeddings')).toBe(false);
    expect(anthropicAdapter.supports('completions')).toBe(false);
  });
});

describe('Anthropic message -> OpenAI chat.completion', () => {
  const jsonRecordings: [string, RecordedMessage][] = [
    ['vercel__anthropic-text.json', JSON.parse(loadBody('anthropic/vercel__anthropic-text.json')) as RecordedMessage],
    ['vercel__anthropic-tool-no-args.json', JSON.parse(loadBody('anthropic/vercel__anthropic-tool-no-args.json')) as RecordedMessage],
    ['langchaingo CreateMessage', messageOf(loadHttprr('anthropic/langchaingo__TestClient_CreateMessage.httprr')[0]!)],
    ['dd-trace tool_use', messageOf(loadDdTraceJson('anthropic/dd-trace__anthropic_v1_messages_post_28bbec95.json'))],
    ['dd-trace image (max_tokens)', messageOf(loadVcrYaml('anthropic/dd-trace__anthropic_create_image.yaml')[0]!)],
    ['pydantic image url', messageOf(loadVcrYaml('anthropic/pydantic-ai__test_image_url_input.yaml')[0]!)],
    ...loadVcrYaml('anthropic/pydantic-ai__test_multiple_parallel_tool_calls.yaml').map((r, i): [string, RecordedMessage] => [`parallel tools ${i}`, messageOf(r)]),
    ...loadVcrYaml('anthropic/pydantic-ai__test_anthropic_cache_real_api.yaml').map((r, i): [string, RecordedMessage] => [`cache ${i}`, messageOf(r)]),
    ...loadVcrYaml('anthropic/pydantic-ai__test_anthropic_model_thinking_part.yaml').map((r, i): [string, RecordedMessage] => [`thinking ${i}`, messageOf(r)]),
  ];
  const finishOf: Record<string, string> = { end_turn: 'stop', tool_use: 'tool_calls', max_tokens: 'length' };

  it.each(jsonRecordings)('%s', (_name, message) => {
    const mapped = toChatCompletion(message, 'claude');
    const body = mapped.body as {
      id: string;
      object: string;
      model: string;
      choices: { message: { role: string; content: string | null; reasoning?: string; reasoning_details?: unknown[]; tool_calls?: unknown[] }; finish_reason: string }[];
      usage: unknown;
    };
    const blocks = (type: string) => message.content.filter((b) => b.type === type);
    const choice = body.choices[0]!;
    expect(body).toMatchObject({ id: message.id, object: 'chat.completion', model: message.model });
    expect(choice.message.role).toBe('assistant');
    expect(choice.message.content).toBe(blocks('text').length > 0 ? blocks('text').map((b) => b.text).join('') : null);
    expect(choice.finish_reason).toBe(finishOf[message.stop_reason]);
    expect(mapped.finishReason).toBe(choice.finish_reason);

    const tools = blocks('tool_use');
    if (tools.length === 0) expect(choice.message).not.toHaveProperty('tool_calls');
    else {
      expect(choice.message.tool_calls).toEqual(
        tools.map((b) => ({ id: b.id, type: 'function', function: { name: b.name, arguments: JSON.stringify(b.input) } })),
      );
    }
    const thinking = blocks('thinking');
    if (thinking.length === 0) expect(choice.message).not.toHaveProperty('reasoning');
    else {
      expect(choice.message.reasoning).toBe(thinking.map((b) => b.thinking).join(''));
      expect(choice.message.reasoning_details).toEqual(
        thinking.map((b, index) => ({ type: 'reasoning.text', text: b.thinking, signature: b.signature, format: 'anthropic-claude-v1', index })),
      );
    }

    const usage = expectedUsage(message.usage);
    expect(body.usage).toEqual(usage);
    expect(mapped.usage).toEqual({
      promptTokens: usage.prompt_tokens,
      completionTokens: usage.completion_tokens,
      cachedTokens: usage.prompt_tokens_details.cached_tokens,
      cacheWriteTokens: usage.prompt_tokens_details.cache_write_tokens,
      reasoningTokens: 0,
    });
  });

  it('reports cache reads and writes of the recorded multi-turn cache session', () => {
    const second = messageOf(loadVcrYaml('anthropic/pydantic-ai__test_anthropic_cache_real_api.yaml')[1]!);
    const usage = toChatCompletion(second, 'claude').usage!;
    expect(second.usage.cache_read_input_tokens).toBeGreaterThan(0);
    expect(second.usage.cache_creation_input_tokens).toBeGreaterThan(0);
    expect(usage.cachedTokens).toBe(second.usage.cache_read_input_tokens);
    expect(usage.cacheWriteTokens).toBe(second.usage.cache_creation_input_tokens);
  });

  it('maps refusal to content_filter and reports thinking tokens when Anthropic gives them', () => {
    const base = JSON.parse(loadBody('anthropic/vercel__anthropic-text.json')) as RecordedMessage;
    const refused = toChatCompletion({ ...base, stop_reason: 'refusal', usage: { ...base.usage, output_tokens_details: { thinking_tokens: 7 } } }, 'claude');
    expect(refused.finishReason).toBe('content_filter');
    expect(refused.usage?.reasoningTokens).toBe(7);
    expect(toChatCompletion({ ...base, stop_reason: 'stop_sequence' }, 'claude').finishReason).toBe('stop');
  });

  it('answers 502 for a body that is not an Anthropic message', () => {
    expectGatewayError(() => toChatCompletion({ choices: [] }, 'claude'), 502, /not an Anthropic message/);
  });
});

describe('Anthropic stream -> OpenAI chunks', () => {
  const streams: [string, string][] = [
    ['extracted/stream_text.sse', loadBody('anthropic/extracted/stream_text.sse')],
    ['extracted/stream_tool_use.sse', loadBody('anthropic/extracted/stream_tool_use.sse')],
    ['extracted/stream_thinking.sse', loadBody('anthropic/extracted/stream_thinking.sse')],
    ['extracted/stream_redacted_thinking.sse', loadBody('anthropic/extracted/stream_redacted_thinking.sse')],
    ['extracted/stream_cache_write.sse', loadBody('anthropic/extracted/stream_cache_write.sse')],
    ['extracted/stream_cache_read.sse', loadBody('anthropic/extracted/stream_cache_read.sse')],
    ['vercel__anthropic-tool-no-args.chunks.txt', loadChunks('anthropic/vercel__anthropic-tool-no-args.chunks.txt', { eventFromType: true })],
  ];
  const finishOf: Record<string, string> = { end_turn: 'stop', tool_use: 'tool_calls', max_tokens: 'length' };

  it.each(streams)('%s', (_name, sse) => {
    const events = recordedEvents(sse);
    const chunks = mapStream(sse);
    const got = collect(chunks);
    const start = events.find((e) => e.type === 'message_start')!.message!;

    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: 'assistant', content: '' });
    expect(new Set(chunks.map((c) => c.id))).toEqual(new Set([start.id]));
    expect(new Set(chunks.map((c) => c.model))).toEqual(new Set([start.model]));
    expect(got.text).toBe(recordedDeltas(events, 'text_delta', 'text'));
    expect(got.reasoning).toBe(recordedDeltas(events, 'thinking_delta', 'thinking'));

    const toolStarts = events.filter((e) => e.type === 'content_block_start' && e.content_block?.type === 'tool_use');
    expect([...got.tools.keys()]).toEqual(toolStarts.map((_, i) => i));
    toolStarts.forEach((e, i) => {
      const call = got.tools.get(i)!;
      const streamed = events
        .filter((d) => d.type === 'content_block_delta' && d.index === e.index)
        .map((d) => d.delta?.partial_json ?? '')
        .join('');
      expect(call).toEqual({ id: e.content_block!.id, name: e.content_block!.name, args: streamed || JSON.stringify(e.content_block!.input) });
      expect(JSON.parse(call.args)).toBeTypeOf('object');
    });

    const signature = recordedDeltas(events, 'signature_delta', 'signature');
    expect(got.details.map((d) => d.signature ?? '').join('')).toBe(signature);
    const redacted = events.filter((e) => e.content_block?.type === 'redacted_thinking').map((e) => e.content_block!.data);
    expect(got.details.filter((d) => d.type === 'reasoning.encrypted').map((d) => d.data)).toEqual(redacted);
    expect(got.details.every((d) => d.format === 'anthropic-claude-v1')).toBe(true);

    const stopReason = events.find((e) => e.type === 'message_delta')!.delta!.stop_reason!;
    expect(got.finish).toBe(finishOf[stopReason]);
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toEqual(expectedUsage(recordedStreamUsage(events)));
    expect(chunks.filter((c) => c.usage)).toHaveLength(1);
  });

  it('numbers reasoning details and tool calls by their own order, not the block index', () => {
    const events = recordedEvents(loadBody('anthropic/extracted/stream_redacted_thinking.sse'));
    expect(events.filter((e) => e.content_block?.type === 'redacted_thinking').map((e) => e.index)).toEqual([0, 1]);
    const details = collect(mapStream(loadBody('anthropic/extracted/stream_redacted_thinking.sse'))).details;
    expect(details.map((d) => d.index)).toEqual([0, 1]);

    const toolEvents = recordedEvents(loadBody('anthropic/extracted/stream_tool_use.sse'));
    expect(toolEvents.find((e) => e.content_block?.type === 'tool_use')?.index).toBe(1);
    expect([...collect(mapStream(loadBody('anthropic/extracted/stream_tool_use.sse'))).tools.keys()]).toEqual([0]);
  });

  it('throws the provider message on an error event mid-stream', () => {
    const mapper = new AnthropicStreamMapper('claude', 'm');
    const start = loadBody('anthropic/extracted/stream_text.sse').split('\n\n')[0]!;
    const parser = new SseParser((e) => mapper.onEvent(e));
    parser.push(`${start}\n\n`);
    let caught: unknown;
    try {
      parser.push('event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(GatewayError);
    expect(caught).toMatchObject({ status: 502, reason: 'upstream_error', metadata: { provider: 'claude', type: 'overloaded_error' } });
    expect((caught as GatewayError).message).toContain('Overloaded');

    const limited = new AnthropicStreamMapper('claude', 'm');
    expect(() => limited.onEvent({ event: 'error', data: '{"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}' })).toThrow(
      expect.objectContaining({ status: 429, message: 'slow down' }),
    );
  });

  it('writes each text chunk exactly as the generic chunk builder does, and skips malformed deltas as the schema does', () => {
    const mapper = new AnthropicStreamMapper('claude', 'm');
    const texts: string[] = [];
    const parser = new SseParser((e) => texts.push(...mapper.onEvent(e)));
    parser.push(loadBody('anthropic/extracted/stream_text.sse'));
    const textChunks = texts.filter((t) => (JSON.parse(t) as { choices: { delta: { content?: string } }[] }).choices[0]?.delta.content);
    expect(textChunks.length).toBeGreaterThan(1);
    for (const text of textChunks) {
      const { id, object, created, model, choices } = JSON.parse(text) as Record<string, [{ delta: { content: string } }]>;
      const content = choices![0].delta.content;
      expect(text).toBe(JSON.stringify({ id, object, created, model, choices: [{ index: 0, delta: { content }, finish_reason: null }] }));
    }

    const malformed = [
      '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":5}}',
      '{"type":"content_block_delta","index":-1,"delta":{"type":"text_delta","text":"x"}}',
      '{"type":"content_block_delta","index":0.5,"delta":{"type":"text_delta","text":"x"}}',
      '{"type":"content_block_delta","index":0,"delta":["text_delta"]}',
      '{"type":"content_block_delta","index":0,"delta":{"type":"toString","text":"x"}}',
    ];
    const fresh = new AnthropicStreamMapper('claude', 'm');
    const start = loadBody('anthropic/extracted/stream_text.sse').split('\n\n').slice(0, 2).join('\n\n');
    new SseParser((e) => fresh.onEvent(e)).push(`${start}\n\n`);
    for (const data of malformed) expect(fresh.onEvent({ event: 'content_block_delta', data })).toEqual([]);
  });

  it('throws when the stream ends without message_stop, and skips unknown events', () => {
    const sse = loadBody('anthropic/extracted/stream_text.sse');
    const cut = sse.slice(0, sse.indexOf('event: message_delta'));
    const mapper = new AnthropicStreamMapper('claude', 'm');
    const parser = new SseParser((e) => mapper.onEvent(e));
    parser.push(cut);
    expect(parser.end().truncated).toBe(false);
    expect(() => mapper.onEnd()).toThrow(expect.objectContaining({ status: 502, reason: 'upstream_stream_cut' }));

    const other = new AnthropicStreamMapper('claude', 'm');
    expect(other.onEvent({ event: 'content_block_delta', data: '{"type":"content_block_delta","index":0,"delta":{"type":"citations_delta","citation":{}}}' })).toEqual([]);
    expect(other.onEvent({ event: 'future_event', data: '{"type":"future_event"}' })).toEqual([]);
    expect(() => other.onEvent({ data: 'not json' })).toThrow(expect.objectContaining({ status: 502 }));
  });
});

describe('Anthropic errors and model listing', () => {
  it.each([
    ['dd-trace__anthropic_completion_invalid_api_key.yaml', 401],
    ['dd-trace__anthropic_completion_error.yaml', 400],
    ['pydantic-ai__test_model_name_suggestion[anthropic].yaml', 404],
    ['pydantic-ai__test_anthropic_explicit_effort_xhigh_unsupported_model_errors.yaml', 400],
  ])('%s keeps the provider message and type', (file, status) => {
    const rec = loadVcrYaml(`anthropic/${file}`)[0]!;
    expect(rec.response.status).toBe(status);
    const recorded = JSON.parse(rec.response.body) as { error: { type: string; message: string }; request_id?: string };
    const detail = parseAnthropicError(rec.response.status, rec.response.body);
    expect(detail.message).toBe(recorded.error.message);
    const metadata: Record<string, unknown> = { upstream_status: status, type: recorded.error.type };
    if (recorded.request_id) metadata.request_id = recorded.request_id;
    expect(detail.metadata).toEqual(metadata);
  });

  it('falls back to the raw text for a non-Anthropic error body', () => {
    expect(parseAnthropicError(502, '<html>Bad gateway</html>')).toEqual({ message: '<html>Bad gateway</html>', metadata: { upstream_status: 502 } });
  });

  it('lists models with the key in x-api-key and reads the ids', () => {
    const req = listModelsRequest('https://api.anthropic.com/v1', 'sk-ant-1');
    expect(req).toEqual({
      url: 'https://api.anthropic.com/v1/models?limit=1000',
      method: 'GET',
      headers: { accept: 'application/json', 'anthropic-version': '2023-06-01', 'x-api-key': 'sk-ant-1' },
    });
    const page = { data: [{ type: 'model', id: 'claude-sonnet-4-5-20250929', display_name: 'Claude Sonnet 4.5' }, { type: 'model', id: 'claude-haiku-4-5-20251001' }], has_more: false };
    expect(parseModelList(page)).toEqual(['claude-sonnet-4-5-20250929', 'claude-haiku-4-5-20251001']);
    expect(parseModelList({ error: 'x' })).toEqual([]);
  });
});
