/**
 * Gemini's own API (/v1beta/models/{model}:generateContent, :streamGenerateContent,
 * :countTokens) through the real `@google/genai` SDK with its base URL moved to the gateway:
 * native pass-through to a Google provider replaying Gemini recordings, and translation to
 * chat-completions and Anthropic providers replaying theirs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GoogleGenAI, type GenerateContentResponse } from '@google/genai';
import { loadBody } from './helpers/fixtures.js';
import { startHarness, type Harness } from './helpers/gateway-harness.js';
import { recordedDeltas, recordedEvents } from './helpers/anthropic-recordings.js';

const GEM = { prompt: 0.00000125, completion: 0.00001 };
const MINI = { prompt: 0.00000015, completion: 0.0000006 };

const config = {
  providers: {
    gem: { type: 'google', baseUrl: '${UPSTREAM}/gemini/v1beta', models: ['gemini-2.5-pro'], pricing: { prompt: '0.00000125', completion: '0.00001' } },
    mock: { type: 'openai-compatible', baseUrl: '${UPSTREAM}/v1', models: ['gpt-4o-mini'], pricing: { prompt: '0.00000015', completion: '0.0000006' } },
    claude: { type: 'anthropic', baseUrl: '${UPSTREAM}/anthropic/v1', models: ['claude-sonnet-4-5'], pricing: { prompt: '0.000003', completion: '0.000015' } },
  },
};

let h: Harness;
let genai: GoogleGenAI;

beforeAll(async () => {
  h = await startHarness({ config, vaultKeys: { gem: ['g-upstream-key'], mock: ['sk-mock'], claude: ['sk-ant'] } });
  genai = new GoogleGenAI({ apiKey: h.appKey, httpOptions: { baseUrl: h.gateway.url } });
});
afterAll(async () => {
  await h?.close();
});

async function collect(stream: AsyncIterable<GenerateContentResponse>): Promise<GenerateContentResponse[]> {
  const chunks: GenerateContentResponse[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

describe('native pass-through to a Google provider', () => {
  it('relays the recorded answer with the upstream key, the generation id and the cost, and logs the row', async () => {
    const recorded = JSON.parse(loadBody('gemini/vercel__google-text.json')) as {
      candidates: { content: { parts: { text: string }[] } }[];
      usageMetadata: { promptTokenCount: number; candidatesTokenCount: number; thoughtsTokenCount?: number };
    };
    h.upstream.enqueue({ body: recorded });
    const before = h.upstream.requests.length;
    const answer = await genai.models.generateContent({ model: 'gem/gemini-2.5-pro', contents: 'How many rs in strawberry?' });
    expect(answer.text).toBe(recorded.candidates[0]?.content.parts[0]?.text);
    expect(answer.responseId).toMatch(/^gen-/);
    const sent = h.upstream.requests[before];
    expect(sent?.path).toBe('/gemini/v1beta/models/gemini-2.5-pro:generateContent');
    expect(sent?.headers['x-goog-api-key']).toBe('g-upstream-key');
    expect(sent?.body).toEqual({ contents: [{ parts: [{ text: 'How many rs in strawberry?' }], role: 'user' }] });
    const meta = recorded.usageMetadata;
    const completion = meta.candidatesTokenCount + (meta.thoughtsTokenCount ?? 0);
    const cost = meta.promptTokenCount * GEM.prompt + completion * GEM.completion;
    expect((answer.usageMetadata as { cost?: number }).cost).toBeCloseTo(cost, 12);
    const rows = await h.usageRows((all) => all.some((r) => r.id === answer.responseId));
    expect(rows.find((r) => r.id === answer.responseId)).toMatchObject({ provider: 'gem', prompt_tokens: meta.promptTokenCount, completion_tokens: completion });
  });

  it('relays a recorded SSE stream (the SDK asks ?alt=sse) and logs its final usage', async () => {
    h.upstream.enqueue({ sse: loadBody('gemini/extracted/stream_text_alt_sse.sse') });
    const before = h.upstream.requests.length;
    const chunks = await collect(await genai.models.generateContentStream({ model: 'gem/gemini-2.5-pro', contents: 'Capital of France?' }));
    expect(chunks.map((c) => c.text).join('')).toBe('The capital of France is Paris.\n');
    expect(h.upstream.requests[before]?.url).toBe('/gemini/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse');
    const id = chunks[0]?.responseId;
    const rows = await h.usageRows((all) => all.some((r) => r.id === id));
    expect(rows.find((r) => r.id === id)).toMatchObject({ streamed: true, prompt_tokens: 13, completion_tokens: 8, finish_reason: 'stop' });
  });

  it('counts tokens with the Google provider', async () => {
    h.upstream.enqueue({ body: { totalTokens: 7 } });
    const before = h.upstream.requests.length;
    const counted = await genai.models.countTokens({ model: 'gem/gemini-2.5-pro', contents: 'Hello there' });
    expect(counted.totalTokens).toBe(7);
    expect(h.upstream.requests[before]?.path).toBe('/gemini/v1beta/models/gemini-2.5-pro:countTokens');
  });
});

describe('translation to other providers', () => {
  it('sends contents, system instruction, function declarations and config as a chat body, and answers in Gemini shape', async () => {
    const recorded = JSON.parse(loadBody('openai/vercel__openai-text.json')) as {
      choices: { message: { content: string } }[];
      usage: { prompt_tokens: number; completion_tokens: number };
    };
    h.upstream.enqueue({ body: recorded });
    const before = h.upstream.requests.length;
    const answer = await genai.models.generateContent({
      model: 'mock/gpt-4o-mini',
      contents: [{ role: 'user', parts: [{ text: 'Invent a new holiday' }] }],
      config: {
        systemInstruction: 'You invent holidays.',
        temperature: 0.5,
        maxOutputTokens: 300,
        tools: [{ functionDeclarations: [{ name: 'lookup', description: 'Look up', parameters: { type: 'OBJECT' as never, properties: { q: { type: 'STRING' as never } } } }] }],
      },
    });
    expect(answer.text).toBe(recorded.choices[0]?.message.content);
    expect(answer.candidates?.[0]?.finishReason).toBe('STOP');
    expect(answer.usageMetadata).toMatchObject({ promptTokenCount: recorded.usage.prompt_tokens, candidatesTokenCount: recorded.usage.completion_tokens });
    const cost = recorded.usage.prompt_tokens * MINI.prompt + recorded.usage.completion_tokens * MINI.completion;
    expect((answer.usageMetadata as { cost?: number }).cost).toBeCloseTo(cost, 12);
    expect(h.upstream.requests[before]?.body).toEqual({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'You invent holidays.' },
        { role: 'user', content: 'Invent a new holiday' },
      ],
      max_tokens: 300,
      temperature: 0.5,
      tools: [{ type: 'function', function: { name: 'lookup', description: 'Look up', parameters: { type: 'object', properties: { q: { type: 'string' } } } } }],
    });
  });

  it('streams a recorded tool call as one whole functionCall part, and the function response goes back as a tool message', async () => {
    h.upstream.enqueue({ sse: loadBody('openai/extracted/stream_tool_call_arg_deltas.sse') });
    const tools = [{ functionDeclarations: [{ name: 'get_capital', parametersJsonSchema: { type: 'object', properties: { country: { type: 'string' } } } }] }];
    const question = { role: 'user', parts: [{ text: 'What is the capital of the UK?' }] };
    const chunks = await collect(await genai.models.generateContentStream({ model: 'mock/gpt-4o-mini', contents: [question], config: { tools } }));
    const calls = chunks.flatMap((c) => c.functionCalls ?? []);
    expect(calls).toEqual([{ id: 'call_ZR5UUuTt3pf61kjwAJIYdVMj', name: 'get_capital', args: { country: 'UK' } }]);
    const last = chunks.at(-1);
    expect(last?.candidates?.[0]?.finishReason).toBe('STOP');
    const rows = await h.usageRows((all) => all.some((r) => r.id === last?.responseId));
    expect(rows.find((r) => r.id === last?.responseId)).toMatchObject({ finish_reason: 'tool_calls', prompt_tokens: last?.usageMetadata?.promptTokenCount });

    h.upstream.enqueue({ sse: loadBody('openai/extracted/stream_text_after_tool_result.sse') });
    const before = h.upstream.requests.length;
    const next = await collect(
      await genai.models.generateContentStream({
        model: 'mock/gpt-4o-mini',
        contents: [
          question,
          { role: 'model', parts: [{ functionCall: { name: 'get_capital', args: { country: 'UK' } } }] },
          { role: 'user', parts: [{ functionResponse: { name: 'get_capital', response: { output: 'London' } } }] },
        ],
        config: { tools },
      }),
    );
    expect(next.map((c) => c.text ?? '').join('')).toBe('The capital of the UK is London.');
    const sent = h.upstream.requests[before]?.body as { messages: { role: string; tool_calls?: { id: string }[]; tool_call_id?: string }[] };
    const callId = sent.messages[1]?.tool_calls?.[0]?.id;
    expect(sent.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool']);
    expect(sent.messages[2]).toEqual({ role: 'tool', tool_call_id: callId, content: '{"output":"London"}' });
  });

  it("streams Claude's recorded thinking as thought parts, and the signed thought sent back reaches Claude as its thinking block", async () => {
    const sse = loadBody('anthropic/extracted/stream_thinking.sse');
    const recorded = recordedEvents(sse);
    h.upstream.enqueue({ sse });
    const question = { role: 'user', parts: [{ text: 'Think, then answer.' }] };
    const chunks = await collect(await genai.models.generateContentStream({ model: 'claude/claude-sonnet-4-5', contents: [question] }));
    const parts = chunks.flatMap((c) => c.candidates?.[0]?.content?.parts ?? []);
    const thoughts = parts.filter((p) => p.thought);
    expect(thoughts.map((p) => p.text).join('')).toBe(recordedDeltas(recorded, 'thinking_delta', 'thinking'));
    expect(parts.filter((p) => !p.thought).map((p) => p.text).join('')).toBe(recordedDeltas(recorded, 'text_delta', 'text'));
    const signed = parts.find((p) => p.thoughtSignature);
    expect(signed).toBeDefined();

    h.upstream.enqueue({ body: JSON.parse(loadBody('anthropic/vercel__anthropic-text.json')) as object });
    const before = h.upstream.requests.length;
    await genai.models.generateContent({
      model: 'claude/claude-sonnet-4-5',
      contents: [question, { role: 'model', parts }, { role: 'user', parts: [{ text: 'And again?' }] }],
    });
    const sent = h.upstream.requests[before]?.body as { messages: { role: string; content: { type: string }[] }[] };
    expect(sent.messages[1]?.content[0]).toMatchObject({
      type: 'thinking',
      thinking: recordedDeltas(recorded, 'thinking_delta', 'thinking'),
      signature: recordedDeltas(recorded, 'signature_delta', 'signature'),
    });
  });

  it('answers the JSON-array stream (no alt=sse) and refuses countTokens for a model Google does not serve, in Google error shape', async () => {
    h.upstream.enqueue({ sse: loadBody('anthropic/extracted/stream_text.sse') });
    const res = await fetch(`${h.gateway.url}/v1beta/models/claude%2Fclaude-sonnet-4-5:streamGenerateContent?key=${h.appKey}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'Hi' }] }] }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    const array = (await res.json()) as { candidates?: { content: { parts: { text?: string }[] } }[]; usageMetadata?: unknown }[];
    expect(array.length).toBeGreaterThan(1);
    expect(array.at(-1)?.usageMetadata).toBeDefined();

    const refused = await fetch(`${h.gateway.url}/v1beta/models/mock/gpt-4o-mini:countTokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-goog-api-key': h.appKey },
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'Hi' }] }] }),
    });
    expect(refused.status).toBe(501);
    expect(await refused.json()).toEqual({ error: { code: 501, message: expect.stringContaining('tokenizer'), status: 'UNIMPLEMENTED' } });

    const anonymous = await fetch(`${h.gateway.url}/v1beta/models/mock/gpt-4o-mini:generateContent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ contents: [] }),
    });
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { error: { status: string } }).error.status).toBe('UNAUTHENTICATED');
  });
});
