/**
 * The openai-compatible presets (config/presets.ts) and their quirks, as pure mappings of the
 * adapter checked against recorded provider traffic (test/fixtures/SOURCES.md). Where no
 * recording exists the example is synthetic and says where its shape comes from.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/main/core/config/load-config.js';
import { PROVIDER_PRESETS, PROVIDER_TYPES, presetQuirks, type ProviderType } from '../src/main/core/config/presets.js';
import { SseParser } from '../src/main/core/protocol/sse.js';
import { parseOpenAiUsage } from '../src/main/core/protocol/token-usage.js';
import type { JsonObject } from '../src/main/core/providers/provider-adapter.js';
import { openAiCompatibleAdapter as adapter } from '../src/main/core/providers/openai-compatible/openai-adapter.js';
import { ModelCatalog, type Endpoint } from '../src/main/core/router/catalog.js';
import { loadBody, loadDdTraceJson, loadHttprr, loadVcrYaml } from './helpers/fixtures.js';

const MODEL = 'some-model';

function endpointOf(type: ProviderType, baseUrl?: string): Endpoint {
  const provider: Record<string, unknown> = { type };
  if (baseUrl) provider.baseUrl = baseUrl;
  const catalog = new ModelCatalog(parseConfig(JSON.stringify({ providers: { p: provider } }), 'presets-test.json'));
  const endpoint = catalog.resolve(`p/${MODEL}`)[0];
  if (!endpoint) throw new Error(`no endpoint for ${type}`);
  return endpoint;
}

function sentBody(type: ProviderType, body: JsonObject, stream = false): JsonObject {
  const request = adapter.buildRequest('chat', endpointOf(type), body, 'key', stream);
  return JSON.parse(request.body ?? '') as JsonObject;
}

/** Every SSE data payload of a recorded stream, mapped as the adapter maps it for `type`. */
function mapStream(type: ProviderType, sse: string, op: 'chat' | 'completions' = 'chat'): { before: string[]; after: string[] } {
  const mapper = adapter.createStreamMapper(op, endpointOf(type), {});
  const before: string[] = [];
  const after: string[] = [];
  const parser = new SseParser((event) => {
    before.push(event.data);
    after.push(...mapper.onEvent(event));
  });
  parser.push(sse);
  parser.end();
  after.push(...mapper.onEnd());
  return { before, after };
}

interface Delta {
  role?: string;
  content?: unknown;
  reasoning?: string;
  reasoning_content?: string | null;
  reasoning_details?: { type: string; text: string; format: string; index: number }[];
}

function deltasOf(payloads: string[]): Delta[] {
  return payloads
    .filter((data) => data !== '[DONE]')
    .map((data) => (JSON.parse(data) as { choices: { delta: Delta }[] }).choices[0]?.delta ?? {});
}

function joined(deltas: Delta[], pick: (delta: Delta) => unknown): string {
  return deltas.map((d) => (typeof pick(d) === 'string' ? (pick(d) as string) : '')).join('');
}

/** The recorded DeepSeek stream (dd-trace; deepseek-v4-pro with thinking enabled). */
const DEEPSEEK_SSE = loadBody('openai/extracted/compat_deepseek_stream_reasoning_content.sse');

describe('preset base URLs', () => {
  it('send DeepSeek and Mistral chat requests where the recorded clients sent them', () => {
    const deepseek = loadVcrYaml('openai/dd-trace__deepseek_streamed_reasoning_content.yaml')[0]!;
    const deepseekUrl = adapter.buildRequest('chat', endpointOf('deepseek'), {}, 'k', true).url;
    expect(deepseekUrl).toBe(`https://${deepseek.request.headers.host}${deepseek.request.path}`);

    const mistralRaw = JSON.parse(loadBody('mistral/dd-trace__mistral_text_nonstream_c3afa786.json')) as { request: { url: string } };
    expect(adapter.buildRequest('chat', endpointOf('mistral'), {}, 'k', false).url).toBe(mistralRaw.request.url);
    const embeddingsRaw = JSON.parse(loadBody('mistral/dd-trace__mistral_embeddings_22f67997.json')) as { request: { url: string } };
    expect(adapter.buildRequest('embeddings', endpointOf('mistral'), {}, 'k', false).url).toBe(embeddingsRaw.request.url);
  });

  it('point Ollama at its OpenAI-compatible /v1 API on loopback, keyless and free', () => {
    const endpoint = endpointOf('ollama');
    expect(adapter.buildRequest('chat', endpoint, {}, undefined, false).url).toBe('http://127.0.0.1:11434/v1/chat/completions');
    expect(adapter.listModelsRequest(endpoint.provider, undefined).url).toBe('http://127.0.0.1:11434/v1/models');
    expect(adapter.buildRequest('chat', endpoint, {}, undefined, false).headers.authorization).toBeUndefined();
    expect(endpoint.provider.local).toBe(true);
    expect(endpoint.priceSource).toEqual({ kind: 'free' });
  });

  it('give every openai-compatible preset an http(s) API root that the config can still override', () => {
    for (const type of PROVIDER_TYPES) {
      const preset = PROVIDER_PRESETS[type];
      if (preset.family !== 'openai-compatible' || type === 'openai-compatible') continue;
      expect('baseUrl' in preset && /^https?:\/\/[^/]+(\/|$)/.test(preset.baseUrl), type).toBe(true);
      expect(adapter.buildRequest('chat', endpointOf(type, 'http://127.0.0.1:9/x/v1'), {}, 'k', false).url).toBe(
        'http://127.0.0.1:9/x/v1/chat/completions',
      );
    }
  });
});

describe('the plain OpenAI path', () => {
  it('leaves every chunk of a stream byte-identical when the preset has no quirks', () => {
    const { before, after } = mapStream('openai', DEEPSEEK_SSE);
    expect(presetQuirks('openai')).toEqual([]);
    expect(after).toEqual(before);
  });

  it('leaves chunks without reasoning text byte-identical even where reasoning_content is mapped', () => {
    const { before, after } = mapStream('deepseek', DEEPSEEK_SSE);
    const untouched = before.filter((data) => !/"reasoning_content":"[^"]/.test(data));
    expect(untouched.length).toBeGreaterThan(5);
    for (const data of untouched) expect(after[before.indexOf(data)]).toBe(data);
  });

  it('applies no chat quirk to the legacy completions stream', () => {
    const { before, after } = mapStream('deepseek', DEEPSEEK_SSE, 'completions');
    expect(after).toEqual(before);
  });
});

describe('reasoning_content (DeepSeek and other compat servers)', () => {
  it('streams DeepSeek reasoning as OpenRouter reasoning + reasoning_details, keeping reasoning_content', () => {
    const { before, after } = mapStream('deepseek', DEEPSEEK_SSE);
    const recorded = deltasOf(before);
    const mapped = deltasOf(after);
    const recordedReasoning = joined(recorded, (d) => d.reasoning_content);
    expect(recordedReasoning.length).toBeGreaterThan(50);
    expect(recorded.some((d) => 'reasoning' in d)).toBe(false);

    expect(joined(mapped, (d) => d.reasoning)).toBe(recordedReasoning);
    expect(joined(mapped, (d) => d.reasoning_content)).toBe(recordedReasoning);
    expect(joined(mapped, (d) => d.content)).toBe(joined(recorded, (d) => d.content));
    const details = mapped.flatMap((d) => d.reasoning_details ?? []);
    expect(details.map((d) => d.text).join('')).toBe(recordedReasoning);
    expect(new Set(details.map((d) => `${d.type}/${d.format}/${d.index}`))).toEqual(new Set(['reasoning.text/unknown/0']));
  });

  it('keeps the recorded usage, reasoning tokens included, on the last chunk', () => {
    const { after } = mapStream('deepseek', DEEPSEEK_SSE);
    const last = JSON.parse(after.filter((d) => d !== '[DONE]').at(-1)!) as { usage: unknown };
    expect(parseOpenAiUsage(last.usage)).toEqual({
      promptTokens: 17,
      completionTokens: 47,
      cachedTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 34,
    });
  });

  it('maps a non-streamed answer the same way', () => {
    // Synthetic: the recorded stream assembled into the chat.completion DeepSeek answers without stream.
    const recorded = deltasOf(mapStream('openai', DEEPSEEK_SSE).after);
    const reasoning = joined(recorded, (d) => d.reasoning_content);
    const content = joined(recorded, (d) => d.content);
    const completion = {
      id: 'x',
      object: 'chat.completion',
      choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content, reasoning_content: reasoning } }],
      usage: { prompt_tokens: 17, completion_tokens: 47, completion_tokens_details: { reasoning_tokens: 34 } },
    };
    const mapped = adapter.mapResponse('chat', endpointOf('deepseek'), structuredClone(completion), {});
    expect(mapped.body.choices).toEqual([
      {
        index: 0,
        finish_reason: 'stop',
        message: {
          role: 'assistant',
          content,
          reasoning_content: reasoning,
          reasoning,
          reasoning_details: [{ type: 'reasoning.text', text: reasoning, format: 'unknown', index: 0 }],
        },
      },
    ]);
    expect(mapped.usage?.reasoningTokens).toBe(34);
    expect(adapter.mapResponse('chat', endpointOf('groq'), structuredClone(completion), {}).body).toEqual(completion);
  });

  it('leaves a reasoning field the server already sent alone', () => {
    // Synthetic: vLLM's newer servers send `reasoning` next to the deprecated `reasoning_content`.
    const chunk = { id: 'c', choices: [{ index: 0, delta: { reasoning: 'own', reasoning_content: 'legacy' } }] };
    const { after } = mapStream('vllm', `data: ${JSON.stringify(chunk)}\n\n`);
    expect(deltasOf(after)[0]).toMatchObject({ reasoning: 'own', reasoning_content: 'legacy' });
  });
});

describe('DeepSeek: reasoning sent back', () => {
  const toolCall = { id: 'call_0_1', type: 'function', function: { name: 'get_date', arguments: '{}' } };
  const history = (assistant: JsonObject): JsonObject => ({
    model: 'deepseek/deepseek-v4-pro',
    messages: [
      { role: 'user', content: 'What date is it tomorrow?' },
      { role: 'assistant', content: '', tool_calls: [toolCall], ...assistant },
      { role: 'tool', tool_call_id: 'call_0_1', content: '2026-06-12' },
    ],
  });
  const assistantSent = (body: JsonObject) => (sentBody('deepseek', body).messages as JsonObject[])[1];

  it('keeps reasoning_content, which DeepSeek needs after a tool call', () => {
    expect(assistantSent(history({ reasoning_content: 'I need the date.' }))).toEqual({
      role: 'assistant',
      content: '',
      tool_calls: [toolCall],
      reasoning_content: 'I need the date.',
    });
  });

  it('sends OpenRouter reasoning or reasoning_details as reasoning_content', () => {
    expect(assistantSent(history({ reasoning: 'I need the date.' }))).toEqual({
      role: 'assistant',
      content: '',
      tool_calls: [toolCall],
      reasoning_content: 'I need the date.',
    });
    const details = [
      { type: 'reasoning.text', text: 'I need ', format: 'unknown', index: 0 },
      { type: 'reasoning.text', text: 'the date.', format: 'unknown', index: 0 },
    ];
    expect(assistantSent(history({ reasoning: 'I need the date.', reasoning_details: details }))).not.toHaveProperty('reasoning_details');
    expect(assistantSent(history({ reasoning_details: details }))?.reasoning_content).toBe('I need the date.');
  });

  it('changes a copy: the client body stays as sent, for a fallback to another provider', () => {
    const body = history({ reasoning: 'I need the date.' });
    const before = structuredClone(body);
    sentBody('deepseek', body);
    expect(body).toEqual(before);
  });
});

describe('Mistral: request parameters', () => {
  it('does not send stream_options, which Mistral refuses, and still gets usage on the last recorded chunk', () => {
    const sent = sentBody('mistral', { model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true }, true);
    expect(sent).not.toHaveProperty('stream_options');
    for (const file of ['stream_text', 'stream_tool_call', 'stream_reasoning_magistral']) {
      const chunks = mapStream('mistral', loadBody(`mistral/extracted/${file}.sse`)).after.filter((d) => d !== '[DONE]');
      const usage = parseOpenAiUsage((JSON.parse(chunks.at(-1)!) as { usage: unknown }).usage);
      expect(usage?.completionTokens, file).toBeGreaterThan(0);
    }
  });

  it('keeps stream_options for upstreams that need them for usage (Ollama)', () => {
    const sent = sentBody('ollama', { model: 'm', messages: [], stream: true }, true);
    expect(sent.stream_options).toEqual({ include_usage: true });
  });

  it('renames max_completion_tokens to max_tokens for Mistral and Ollama, an explicit max_tokens winning', () => {
    for (const type of ['mistral', 'ollama'] as const) {
      expect(sentBody(type, { messages: [], max_completion_tokens: 300 })).toMatchObject({ max_tokens: 300 });
      expect(sentBody(type, { messages: [], max_completion_tokens: 300 })).not.toHaveProperty('max_completion_tokens');
      expect(sentBody(type, { messages: [], max_tokens: 100, max_completion_tokens: 300 }).max_tokens).toBe(100);
    }
    expect(sentBody('openai', { messages: [], max_completion_tokens: 300 })).toMatchObject({ max_completion_tokens: 300 });
  });

  it('sends OpenAI seed as random_seed and no reasoning fields in assistant messages', () => {
    // Synthetic: an assistant turn as this gateway answered it for Magistral (reasoning surfaced).
    const sent = sentBody('mistral', {
      seed: 42,
      messages: [
        { role: 'user', content: 'What is 2+2?' },
        { role: 'assistant', content: '4', reasoning: 'Simple.', reasoning_details: [], reasoning_content: 'Simple.' },
        { role: 'user', content: 'And 3+3?' },
      ],
    });
    expect(sent.random_seed).toBe(42);
    expect(sent).not.toHaveProperty('seed');
    expect((sent.messages as JsonObject[])[1]).toEqual({ role: 'assistant', content: '4' });
  });

  it('sends a recorded Mistral request unchanged but for the model name', () => {
    for (const file of ['dd-trace__mistral_tool_result_followup_5e983449', 'dd-trace__mistral_tool_nonstream_8fbc71a4']) {
      const recorded = JSON.parse(loadDdTraceJson(`mistral/${file}.json`).request.body) as JsonObject;
      expect(sentBody('mistral', recorded), file).toEqual({ ...recorded, model: MODEL });
    }
  });
});

describe('Mistral: tool call ids', () => {
  // The tool call of a recorded OpenAI answer, as an OpenAI-style history carries it into a Mistral request.
  const openAiAnswer = JSON.parse(loadDdTraceJson('openai/dd-trace__openai_chat_completions_post_6c0d752b.json').response.body) as {
    choices: { message: { tool_calls: { id: string; type: string; function: { name: string; arguments: string } }[] } }[];
  };
  const foreignCall = openAiAnswer.choices[0]!.message.tool_calls[0]!;
  const followup = JSON.parse(loadDdTraceJson('mistral/dd-trace__mistral_tool_result_followup_5e983449.json').request.body) as {
    messages: JsonObject[];
    tools: unknown[];
  };

  function foreignHistory(): JsonObject {
    const [user, , tool] = followup.messages;
    return {
      model: 'mistral/mistral-large-latest',
      tools: followup.tools,
      messages: [
        user,
        { role: 'assistant', content: null, tool_calls: [foreignCall, { ...foreignCall, id: 'toolu_01A09q90qw90lq917835lq9' }] },
        { ...tool, tool_call_id: foreignCall.id },
        { ...tool, tool_call_id: 'toolu_01A09q90qw90lq917835lq9' },
      ],
    };
  }

  it('renames foreign ids to nine letters or digits, the same in tool_calls and tool messages', () => {
    expect(foreignCall.id).toMatch(/^call_/);
    const messages = sentBody('mistral', foreignHistory()).messages as JsonObject[];
    const calls = (messages[1]?.tool_calls as { id: string }[]).map((c) => c.id);
    expect(calls).toHaveLength(2);
    for (const id of calls) expect(id).toMatch(/^[a-zA-Z0-9]{9}$/);
    expect(new Set(calls).size).toBe(2);
    expect([messages[2]?.tool_call_id, messages[3]?.tool_call_id]).toEqual(calls);
    expect((messages[1]?.tool_calls as JsonObject[])[0]).toMatchObject({ type: 'function', function: foreignCall.function });
  });

  it('renames the same id the same way on every turn, and leaves the client body alone', () => {
    const body = foreignHistory();
    const before = structuredClone(body);
    const first = sentBody('mistral', body).messages as JsonObject[];
    const second = sentBody('mistral', foreignHistory()).messages as JsonObject[];
    expect(second).toEqual(first);
    expect(body).toEqual(before);
  });

  it('keeps ids that already fit, and never renames onto one of them', () => {
    const recordedId = (followup.messages[1]?.tool_calls as { id: string }[])[0]!.id;
    expect(recordedId).toMatch(/^[a-zA-Z0-9]{9}$/);
    const body = foreignHistory();
    const messages = body.messages as JsonObject[];
    messages.push({ role: 'assistant', content: '', tool_calls: [{ ...foreignCall, id: recordedId }] }, { role: 'tool', tool_call_id: recordedId, content: '{}' });
    const sent = sentBody('mistral', body).messages as JsonObject[];
    expect((sent[4]?.tool_calls as { id: string }[])[0]?.id).toBe(recordedId);
    expect(sent[5]?.tool_call_id).toBe(recordedId);
    expect((sent[1]?.tool_calls as { id: string }[]).map((c) => c.id)).not.toContain(recordedId);
  });

  it('keeps the ids Mistral answers with', () => {
    const rec = loadDdTraceJson('mistral/dd-trace__mistral_tool_nonstream_8fbc71a4.json');
    const mapped = adapter.mapResponse('chat', endpointOf('mistral'), JSON.parse(rec.response.body), {});
    expect(mapped.body).toEqual(JSON.parse(rec.response.body));
    expect(mapped.finishReason).toBe('tool_calls');
  });
});

describe('Mistral: Magistral thinking chunks', () => {
  it('turns a recorded answer with content chunks into string content plus reasoning', () => {
    const rec = loadDdTraceJson('mistral/dd-trace__mistral_reasoning_nonstream_20aaaaf3.json');
    const recorded = JSON.parse(rec.response.body) as {
      choices: { message: { content: { type: string; text?: string; thinking?: { text: string }[] }[] } }[];
    };
    const parts = recorded.choices[0]!.message.content;
    const thinking = parts.flatMap((p) => p.thinking ?? []).map((t) => t.text).join('');
    const text = parts.flatMap((p) => (p.type === 'text' ? [p.text] : [])).join('');
    expect(thinking.length).toBeGreaterThan(20);

    const mapped = adapter.mapResponse('chat', endpointOf('mistral'), JSON.parse(rec.response.body), {});
    const message = (mapped.body.choices as { message: JsonObject }[])[0]!.message;
    expect(message).toEqual({
      role: 'assistant',
      tool_calls: null,
      content: text,
      reasoning: thinking,
      reasoning_details: [{ type: 'reasoning.text', text: thinking, format: 'unknown', index: 0 }],
    });
    expect(mapped.usage).toMatchObject({ promptTokens: 10, completionTokens: 63, cachedTokens: 5 });
  });

  it('streams the recorded thinking deltas as reasoning and the text deltas as string content', () => {
    const { before, after } = mapStream('mistral', loadBody('mistral/extracted/stream_reasoning_magistral.sse'));
    const recorded = deltasOf(before);
    const thinking = recorded
      .flatMap((d) => (Array.isArray(d.content) ? (d.content as { thinking?: { text: string }[] }[]) : []))
      .flatMap((part) => part.thinking ?? [])
      .map((t) => t.text)
      .join('');
    expect(thinking.length).toBeGreaterThan(20);

    const mapped = deltasOf(after);
    expect(mapped.every((d) => d.content === undefined || typeof d.content === 'string')).toBe(true);
    expect(joined(mapped, (d) => d.reasoning)).toBe(thinking);
    expect(joined(mapped, (d) => d.content)).toBe(joined(recorded, (d) => d.content));
    expect(new Set(mapped.flatMap((d) => d.reasoning_details ?? []).map((d) => `${d.format}/${d.index}`))).toEqual(new Set(['unknown/0']));
    // The empty thinking chunk that closes the thoughts carries nothing.
    const closing = before.findIndex((data) => data.includes('"thinking":[]'));
    expect(mapped[closing]).toEqual({});
  });

  it('passes recorded streams without chunk arrays through byte for byte', () => {
    for (const file of ['stream_text', 'stream_tool_call']) {
      const { before, after } = mapStream('mistral', loadBody(`mistral/extracted/${file}.sse`));
      expect(after, file).toEqual(before);
    }
  });

  it('leaves content with chunk kinds it does not know as Mistral sent it', () => {
    // Synthetic: a content array with a chunk type other than text and thinking.
    const completion = { choices: [{ index: 0, message: { role: 'assistant', content: [{ type: 'text', text: 'a' }, { type: 'reference', reference_ids: [1] }] } }] };
    expect(adapter.mapResponse('chat', endpointOf('mistral'), structuredClone(completion), {}).body).toEqual(completion);
  });
});

describe('OpenRouter as the upstream', () => {
  it('gets transforms and non-web plugins, but never this gateway’s routing fields', () => {
    const client = {
      messages: [{ role: 'user', content: 'hi' }],
      transforms: ['middle-out'],
      plugins: [{ id: 'web' }, { id: 'file-parser', pdf: { engine: 'pdf-text' } }],
      provider: { order: ['groq'] },
      models: ['groq/llama-3.1-8b-instant'],
    };
    const sent = sentBody('openrouter', client);
    expect(sent.transforms).toEqual(['middle-out']);
    expect(sent.plugins).toEqual([{ id: 'file-parser', pdf: { engine: 'pdf-text' } }]);
    expect(sent).not.toHaveProperty('provider');
    expect(sent).not.toHaveProperty('models');
    expect(sentBody('together', client)).not.toHaveProperty('transforms');
    expect(sentBody('together', client)).not.toHaveProperty('plugins');
  });
});

describe('upstream error bodies', () => {
  it('reads the message of a bare string error (recorded from Ollama’s native API)', () => {
    const rec = loadHttprr('ollama/langchaingo__TestToolCall.httprr')[0]!;
    const detail = adapter.parseError(rec.response.status, rec.response.body);
    expect(detail.message).toBe((JSON.parse(rec.response.body) as { error: string }).error);
  });

  it('reads Mistral’s validation errors', () => {
    // Synthetic, in the shape Mistral answers an unknown field with (quoted in public issue reports).
    const body = JSON.stringify({
      object: 'error',
      message: { detail: [{ type: 'extra_forbidden', loc: ['body', 'stream_options', 'include_usage'], msg: 'Extra inputs are not permitted', input: true }] },
      type: 'invalid_request_error',
      param: null,
      code: null,
    });
    expect(adapter.parseError(422, body)).toEqual({
      message: 'body.stream_options.include_usage: Extra inputs are not permitted',
      metadata: { upstream_status: 422, type: 'invalid_request_error' },
    });
  });
});
