import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI, { APIError } from 'openai';
import { calcPrice } from '@pydantic/genai-prices';
import type { UsageRow } from '../src/shared/usage.js';
import { loadBody, loadChunks, loadHttprr, loadVcrYaml, type Recording } from './helpers/fixtures.js';
import { replyFromRecording, type MockReply, type UpstreamRequest } from './helpers/mock-upstream.js';
import { startHarness, type Harness } from './helpers/gateway-harness.js';

const GEMINI_KEY = 'AIza-test-key';
const MODELS = [
  'gemini-2.5-flash',
  'gemini-2.5-pro',
  'gemini-3-pro-preview',
  'gemini-3.1-pro-preview',
  'gemini-2.0-flash',
  'gemini-2.0-flash-exp',
  'gemini-1.5-flash',
  'gemini-embedding-001',
];

type Params = OpenAI.ChatCompletionCreateParamsNonStreaming & Record<string, unknown>;
type StreamParams = OpenAI.ChatCompletionCreateParamsStreaming & Record<string, unknown>;

interface ReasoningDetail {
  type: string;
  text?: string;
  data?: string;
  id?: string;
  format: string;
  index: number;
}

/** The OpenRouter fields the SDK's types don't know. */
interface Extras {
  reasoning?: string;
  reasoning_details?: ReasoningDetail[];
}

interface GeminiSent {
  contents: { role: string; parts: Record<string, unknown>[] }[];
  systemInstruction?: { parts: { text: string }[] };
  generationConfig?: Record<string, unknown>;
  tools?: unknown[];
  toolConfig?: unknown;
}

let h: Harness;
let client: OpenAI;

beforeAll(async () => {
  h = await startHarness({
    config: { providers: { gemini: { type: 'google', baseUrl: '${UPSTREAM}/v1beta', models: MODELS } } },
    vaultKeys: { gemini: [GEMINI_KEY] },
  });
  client = new OpenAI({ baseURL: h.baseURL, apiKey: h.appKey, maxRetries: 0 });
});
afterAll(async () => {
  await h?.close();
});

/** Queues replies and returns the upstream requests the next calls produce, in order. */
function expectUpstream(...replies: MockReply[]): () => UpstreamRequest[] {
  const before = h.upstream.requests.length;
  h.upstream.enqueue(...replies);
  return () => h.upstream.requests.slice(before);
}

function sentBody(request: UpstreamRequest | undefined): GeminiSent {
  return request?.body as GeminiSent;
}

function expectGeminiAuth(request: UpstreamRequest | undefined): void {
  expect(request?.headers['x-goog-api-key']).toBe(GEMINI_KEY);
  expect(request?.headers.authorization).toBeUndefined();
  expect(request?.url).not.toMatch(/[?&]key=/);
  expect(request?.url).not.toContain(GEMINI_KEY);
}

async function rowFor(id: string): Promise<UsageRow> {
  const rows = await h.usageRows((all) => all.some((r) => r.id === id));
  const row = rows.find((r) => r.id === id);
  if (!row) throw new Error(`no usage row for ${id}`);
  return row;
}

function googlePrice(model: string, u: { prompt_tokens: number; completion_tokens: number; cached?: number }): number {
  const price = calcPrice(
    { input_tokens: u.prompt_tokens, cache_read_tokens: u.cached || undefined, output_tokens: u.completion_tokens },
    model,
    { providerId: 'google' },
  );
  if (!price) throw new Error(`genai-prices has no price for ${model}`);
  return price.total_price;
}

function costOf(usage: unknown): number {
  return (usage as { cost: number }).cost;
}

function vcr(file: string): Recording[] {
  return loadVcrYaml(`gemini/${file}`);
}

function jsonReply(file: string): MockReply {
  return { body: loadBody(`gemini/${file}`), headers: { 'content-type': 'application/json; charset=UTF-8' } };
}

interface StreamResult {
  ids: Set<string>;
  text: string;
  reasoning: string;
  details: ReasoningDetail[];
  calls: Map<number, { id: string; name: string; args: string }>;
  finish: (string | null)[];
  usage: OpenAI.CompletionUsage | undefined;
  firstRole: string | undefined;
}

async function collect(stream: AsyncIterable<OpenAI.ChatCompletionChunk>): Promise<StreamResult> {
  const result: StreamResult = { ids: new Set(), text: '', reasoning: '', details: [], calls: new Map(), finish: [], usage: undefined, firstRole: undefined };
  for await (const chunk of stream) {
    result.ids.add(chunk.id);
    if (chunk.usage) result.usage = chunk.usage;
    const choice = chunk.choices[0];
    if (!choice) continue;
    result.firstRole ??= choice.delta.role ?? undefined;
    const extras = choice.delta as Extras;
    result.text += choice.delta.content ?? '';
    result.reasoning += extras.reasoning ?? '';
    result.details.push(...(extras.reasoning_details ?? []));
    for (const t of choice.delta.tool_calls ?? []) {
      const call = result.calls.get(t.index) ?? { id: t.id ?? '', name: '', args: '' };
      call.name += t.function?.name ?? '';
      call.args += t.function?.arguments ?? '';
      result.calls.set(t.index, call);
    }
    if (choice.finish_reason) result.finish.push(choice.finish_reason);
  }
  return result;
}

describe('JSON chat completions against a Gemini upstream', () => {
  it('maps system + user, sends the key as x-goog-api-key, and prices the answer like genai-prices', async () => {
    const rec = vcr('pydantic-ai__test_google_model.yaml')[0]!;
    const sent = expectUpstream(replyFromRecording(rec));
    const completion = await client.chat.completions.create({
      model: 'gemini/gemini-2.5-flash',
      messages: [
        { role: 'system', content: 'You are a chatbot.' },
        { role: 'user', content: 'Hello!' },
      ],
    });
    const [request] = sent();
    expect(request?.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expectGeminiAuth(request);
    const recorded = JSON.parse(rec.request.body) as GeminiSent;
    expect(sentBody(request).contents).toEqual(recorded.contents);
    expect(sentBody(request).systemInstruction?.parts).toEqual(recorded.systemInstruction?.parts);

    expect(completion.id).toMatch(/^gen-/);
    expect(completion.choices[0]?.message.content).toBe('Hello! How can I help you today?');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage).toMatchObject({
      prompt_tokens: 9,
      completion_tokens: 9 + 34,
      total_tokens: 52,
      completion_tokens_details: { reasoning_tokens: 34 },
    });
    const expected = googlePrice('gemini-2.5-flash', { prompt_tokens: 9, completion_tokens: 43 });
    expect(costOf(completion.usage)).toBeCloseTo(expected, 12);

    const row = await rowFor(completion.id);
    expect(row).toMatchObject({
      provider: 'gemini',
      upstream_model: 'gemini-2.5-flash',
      model: 'gemini/gemini-2.5-flash',
      status: 200,
      prompt_tokens: 9,
      completion_tokens: 43,
      reasoning_tokens: 34,
      cached_tokens: 0,
      finish_reason: 'stop',
      streamed: false,
    });
    expect(row.cost).toBeCloseTo(expected, 12);
  });

  it('asks for thoughts and returns the answer with its signature (vercel google-reasoning and google-text)', async () => {
    for (const file of ['vercel__google-reasoning.json', 'vercel__google-text.json']) {
      const raw = JSON.parse(loadBody(`gemini/${file}`)) as {
        candidates: { content: { parts: { text: string; thoughtSignature: string }[] } }[];
        usageMetadata: { promptTokenCount: number; candidatesTokenCount: number; thoughtsTokenCount: number };
      };
      const sent = expectUpstream(jsonReply(file));
      const params: Params = {
        model: 'gemini/gemini-3-pro-preview',
        messages: [{ role: 'user', content: "How many r's are in strawberry?" }],
        reasoning: { max_tokens: 1024 },
      };
      const completion = await client.chat.completions.create(params);
      expect(sentBody(sent()[0]).generationConfig).toEqual({ thinkingConfig: { thinkingBudget: 1024, includeThoughts: true } });
      const part = raw.candidates[0]!.content.parts[0]!;
      const message = completion.choices[0]!.message as OpenAI.ChatCompletionMessage & Extras;
      expect(message.content).toBe(part.text);
      expect(message.reasoning_details).toEqual([{ type: 'reasoning.encrypted', data: part.thoughtSignature, format: 'google-gemini-v1', index: 0 }]);
      const { promptTokenCount, candidatesTokenCount, thoughtsTokenCount } = raw.usageMetadata;
      const row = await rowFor(completion.id);
      expect(row).toMatchObject({
        prompt_tokens: promptTokenCount,
        completion_tokens: candidatesTokenCount + thoughtsTokenCount,
        reasoning_tokens: thoughtsTokenCount,
      });
      expect(row.cost).toBeCloseTo(
        googlePrice('gemini-3-pro-preview', { prompt_tokens: promptTokenCount, completion_tokens: candidatesTokenCount + thoughtsTokenCount }),
        12,
      );
    }
  });

  it('returns a tool call and sends its signature and result back on the next turn (vercel google-tool-call)', async () => {
    const raw = JSON.parse(loadBody('gemini/vercel__google-tool-call.json')) as {
      candidates: { content: { parts: { thoughtSignature: string }[] } }[];
    };
    const tools: OpenAI.ChatCompletionTool[] = [
      { type: 'function', function: { name: 'weather', parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] } } },
    ];
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'What is the weather in San Francisco?' }];
    const first = expectUpstream(jsonReply('vercel__google-tool-call.json'));
    const completion = await client.chat.completions.create({ model: 'gemini/gemini-3-pro-preview', messages, tools });
    expect(sentBody(first()[0]).tools).toEqual([{ functionDeclarations: [{ name: 'weather', parametersJsonSchema: tools[0]!.type === 'function' ? tools[0]!.function.parameters : null }] }]);
    const choice = completion.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    const call = choice.message.tool_calls?.[0];
    if (call?.type !== 'function') throw new Error('expected a function call');
    expect([call.function.name, JSON.parse(call.function.arguments)]).toEqual(['weather', { location: 'San Francisco' }]);

    const second = expectUpstream(replyFromRecording(vcr('pydantic-ai__test_google_model.yaml')[0]!));
    await client.chat.completions.create({
      model: 'gemini/gemini-3-pro-preview',
      tools,
      messages: [...messages, choice.message as OpenAI.ChatCompletionAssistantMessageParam, { role: 'tool', tool_call_id: call.id, content: '{"temp":18}' }],
    });
    expect(sentBody(second()[0]).contents.slice(1)).toEqual([
      {
        role: 'model',
        parts: [{ functionCall: { id: call.id, name: 'weather', args: { location: 'San Francisco' } }, thoughtSignature: raw.candidates[0]!.content.parts[0]!.thoughtSignature }],
      },
      { role: 'user', parts: [{ functionResponse: { id: call.id, name: 'weather', response: { output: '{"temp":18}' } } }] },
    ]);
  });

  it('replays the recorded forced tool round trip (pydantic-ai tool output)', async () => {
    const [one, two] = vcr('pydantic-ai__test_google_tool_output.yaml');
    const tools: OpenAI.ChatCompletionTool[] = [
      { type: 'function', function: { name: 'get_user_country', description: '', parameters: { type: 'object', properties: {} } } },
      {
        type: 'function',
        function: {
          name: 'final_result',
          description: 'The final response which ends this conversation',
          parameters: { type: 'object', properties: { city: { type: 'string' }, country: { type: 'string' } }, required: ['city', 'country'] },
        },
      },
    ];
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'What is the largest city in the user country?' }];
    const first = expectUpstream(replyFromRecording(one!));
    const answer = await client.chat.completions.create({ model: 'gemini/gemini-2.0-flash', messages, tools, tool_choice: 'required' });
    expect(sentBody(first()[0]).toolConfig).toEqual({ functionCallingConfig: { mode: 'ANY' } });
    const call = answer.choices[0]?.message.tool_calls?.[0];
    if (call?.type !== 'function') throw new Error('expected a function call');
    expect(call.function.name).toBe('get_user_country');

    const second = expectUpstream(replyFromRecording(two!));
    const final = await client.chat.completions.create({
      model: 'gemini/gemini-2.0-flash',
      tools,
      tool_choice: 'required',
      messages: [...messages, answer.choices[0]!.message as OpenAI.ChatCompletionAssistantMessageParam, { role: 'tool', tool_call_id: call.id, content: 'Mexico' }],
    });
    const recorded = JSON.parse(two!.request.body) as GeminiSent;
    const sentTurns = sentBody(second()[0]).contents;
    expect(sentTurns.map((c) => c.role)).toEqual(recorded.contents.map((c) => c.role));
    expect(sentTurns[2]?.parts[0]).toMatchObject({ functionResponse: { name: 'get_user_country', id: call.id } });
    const finalCall = final.choices[0]?.message.tool_calls?.[0];
    if (finalCall?.type !== 'function') throw new Error('expected a function call');
    expect([finalCall.function.name, JSON.parse(finalCall.function.arguments)]).toEqual(['final_result', { city: 'Mexico City', country: 'Mexico' }]);
    const row = await rowFor(final.id);
    expect(row).toMatchObject({ prompt_tokens: 47, completion_tokens: 8, finish_reason: 'tool_calls' });
  });

  it('reports and prices cached content tokens (pydantic-ai cached content)', async () => {
    const rec = vcr('pydantic-ai__test_google_model_cached_content.yaml').find(
      (r) => r.request.path.endsWith(':generateContent') && r.response.body.includes('cachedContentTokenCount'),
    )!;
    expectUpstream(replyFromRecording(rec));
    const completion = await client.chat.completions.create({ model: 'gemini/gemini-2.5-flash', messages: [{ role: 'user', content: 'Capital of France?' }] });
    expect(completion.choices[0]?.message.content).toBe('Paris.');
    expect(completion.usage).toMatchObject({ prompt_tokens: 3520, completion_tokens: 2 + 42, prompt_tokens_details: { cached_tokens: 3512 } });
    const expected = googlePrice('gemini-2.5-flash', { prompt_tokens: 3520, completion_tokens: 44, cached: 3512 });
    expect(expected).toBeLessThan(googlePrice('gemini-2.5-flash', { prompt_tokens: 3520, completion_tokens: 44 }));
    expect(costOf(completion.usage)).toBeCloseTo(expected, 12);
    const row = await rowFor(completion.id);
    expect(row).toMatchObject({ prompt_tokens: 3520, cached_tokens: 3512, completion_tokens: 44, reasoning_tokens: 42 });
    expect(row.cost).toBeCloseTo(expected, 12);
  });

  it('sends images inline and by https URL like the recorded requests (langchaingo, pydantic-ai)', async () => {
    const inlineRec = loadHttprr('gemini/langchaingo__TestGoogleAIMultiModalContent.httprr')[0]!;
    const recordedInline = JSON.parse(inlineRec.request.body) as { contents: { parts: { inlineData?: { mimeType: string; data: string } }[] }[] };
    const image = recordedInline.contents[0]!.parts[0]!.inlineData!;
    const inlineSent = expectUpstream(replyFromRecording(inlineRec));
    const described = await client.chat.completions.create({
      model: 'gemini/gemini-1.5-flash',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image_url', image_url: { url: `data:${image.mimeType};base64,${image.data}` } },
            { type: 'text', text: 'What is in this image?' },
          ],
        },
      ],
      max_tokens: 2048,
      temperature: 0.5,
      top_p: 0.95,
    });
    expect(sentBody(inlineSent()[0]).contents).toEqual(recordedInline.contents);
    expect(described.choices[0]?.message.content).toContain('parrot');
    expect(described.choices[0]?.finish_reason).toBe('stop');

    const urlRec = vcr('pydantic-ai__test_google_url_input[ImageUrl].yaml')[0]!;
    const fileData = (JSON.parse(urlRec.request.body) as { contents: { parts: { fileData?: { file_uri: string; mime_type: string } }[] }[] }).contents[0]!.parts[1]!.fileData!;
    const urlSent = expectUpstream(replyFromRecording(urlRec));
    const answer = await client.chat.completions.create({
      model: 'gemini/gemini-2.0-flash',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'What is the main content of this URL?' }, { type: 'image_url', image_url: { url: fileData.file_uri } }] }],
    });
    expect(sentBody(urlSent()[0]).contents[0]?.parts[1]).toEqual({ fileData: { fileUri: fileData.file_uri, mimeType: fileData.mime_type } });
    expect(answer.choices[0]?.message.content).toContain('Wikipedia');
    expect(answer.usage?.prompt_tokens).toBe(2589);
  });

  it('answers a request Gemini cannot take with a 400 before anything goes upstream', async () => {
    const before = h.upstream.requests.length;
    const bad = client.chat.completions.create({
      model: 'gemini/gemini-2.5-flash',
      messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'http://example.com/cat.png' } }] }],
    });
    await expect(bad).rejects.toMatchObject({ status: 400, message: expect.stringContaining('https') as unknown });
    const schema = client.chat.completions.create({
      model: 'gemini/gemini-2.5-flash',
      messages: [{ role: 'user', content: 'x' }],
      response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'string', minLength: 3 } } },
    });
    await expect(schema).rejects.toMatchObject({ status: 400, message: expect.stringContaining('"minLength"') as unknown });
    expect(h.upstream.requests.length).toBe(before);
  });

  it("keeps Gemini's error message: 403 as a rejected key, 404 as is (langchaingo, pydantic-ai)", async () => {
    expectUpstream(replyFromRecording(loadHttprr('gemini/langchaingo__TestGoogleAIErrorHandling.httprr')[0]!));
    const forbidden = await client.chat.completions.create({ model: 'gemini/gemini-2.0-flash', messages: [{ role: 'user', content: 'Hello' }] }).catch((e: unknown) => e);
    expect(forbidden).toBeInstanceOf(APIError);
    expect(forbidden).toMatchObject({ status: 502, message: expect.stringContaining("Method doesn't allow unregistered callers") as unknown });

    expectUpstream(replyFromRecording(vcr('pydantic-ai__test_model_name_suggestion[google].yaml')[0]!));
    const missing = await client.chat.completions.create({ model: 'gemini/gemini-2.5-pro', messages: [{ role: 'user', content: 'hello' }] }).catch((e: unknown) => e);
    expect(missing).toMatchObject({ status: 404, message: expect.stringContaining('is not found for API version v1beta') as unknown });
    expect((missing as APIError).error).toMatchObject({ metadata: { provider: 'gemini', status: 'NOT_FOUND', upstream_status: 404 } });
    // Waits for these two rows themselves: earlier tests in this file left other 4xx rows behind.
    const logged = (all: UsageRow[], status: number) => all.some((r) => r.provider === 'gemini' && r.status === status);
    const rows = await h.usageRows((all) => logged(all, 502) && logged(all, 404));
    expect(rows.filter((r) => r.provider === 'gemini').map((r) => r.status)).toEqual(expect.arrayContaining([502, 404]));
  });
});

describe('streamed chat completions against a Gemini upstream', () => {
  it('streams text over alt=sse, ends with usage.cost, and logs the row (pydantic-ai stream, split mid-event)', async () => {
    const rec = vcr('pydantic-ai__test_google_model_stream.yaml')[0]!;
    const sent = expectUpstream(replyFromRecording(rec, { splitMidEvent: true }));
    const result = await collect(
      await client.chat.completions.create({
        model: 'gemini/gemini-2.0-flash-exp',
        messages: [
          { role: 'system', content: 'You are a helpful chatbot.' },
          { role: 'user', content: 'What is the capital of France?' },
        ],
        temperature: 0,
        stream: true,
      }),
    );
    const [request] = sent();
    expect(request?.url).toBe('/v1beta/models/gemini-2.0-flash-exp:streamGenerateContent?alt=sse');
    expectGeminiAuth(request);
    const recorded = JSON.parse(rec.request.body) as GeminiSent;
    expect(sentBody(request).contents).toEqual(recorded.contents);
    expect(sentBody(request).generationConfig).toEqual(recorded.generationConfig);
    expect(sentBody(request).systemInstruction?.parts).toEqual(recorded.systemInstruction?.parts);
    expect(result.firstRole).toBe('assistant');
    expect(result.text).toBe('The capital of France is Paris.\n');
    expect(result.finish).toEqual(['stop']);
    expect(result.ids.size).toBe(1);
    const [id] = [...result.ids];
    expect(id).toMatch(/^gen-/);
    expect(result.usage).toMatchObject({ prompt_tokens: 13, completion_tokens: 8 });
    const expected = googlePrice('gemini-2.0-flash-exp', { prompt_tokens: 13, completion_tokens: 8 });
    expect(costOf(result.usage)).toBeCloseTo(expected, 12);
    const row = await rowFor(id!);
    expect(row).toMatchObject({ streamed: true, prompt_tokens: 13, completion_tokens: 8, finish_reason: 'stop', status: 200 });
    expect(row.cost).toBeCloseTo(expected, 12);
  });

  it('keeps the last of the repeated usage counts (pydantic-ai usage live mid stream)', async () => {
    expectUpstream(replyFromRecording(vcr('pydantic-ai__test_google_stream_usage_is_live_mid_stream.yaml')[0]!));
    const result = await collect(
      await client.chat.completions.create({
        model: 'gemini/gemini-2.5-flash',
        messages: [{ role: 'user', content: 'Count from 1 to 30, one number per line, digits only.' }],
        stream: true,
      }),
    );
    expect(result.text.split('\n')).toEqual(Array.from({ length: 30 }, (_, i) => String(i + 1)));
    expect(result.usage).toMatchObject({ prompt_tokens: 18, completion_tokens: 115, completion_tokens_details: { reasoning_tokens: 35 } });
    const row = await rowFor([...result.ids][0]!);
    expect(row).toMatchObject({ prompt_tokens: 18, completion_tokens: 115, reasoning_tokens: 35 });
    expect(row.cost).toBeCloseTo(googlePrice('gemini-2.5-flash', { prompt_tokens: 18, completion_tokens: 115 }), 12);
  });

  it('streams thoughts as reasoning, then the answer (pydantic-ai thinking)', async () => {
    const rec = vcr('pydantic-ai__test_google_model_thinking_part_iter.yaml')[0]!;
    const sent = expectUpstream(replyFromRecording(rec));
    const params: StreamParams = {
      model: 'gemini/gemini-2.5-pro',
      messages: [
        { role: 'system', content: 'You are a helpful assistant.' },
        { role: 'user', content: 'How do I cross the street?' },
      ],
      reasoning: { enabled: true },
      stream: true,
    };
    const result = await collect(await client.chat.completions.create(params));
    const recordedRequest = JSON.parse(rec.request.body) as GeminiSent;
    expect(sentBody(sent()[0]).generationConfig).toEqual(recordedRequest.generationConfig);
    expect(result.reasoning.startsWith('**Clarifying User Goals**')).toBe(true);
    expect(result.reasoning).toContain('**Crafting Safe Instructions**');
    expect(result.details.filter((d) => d.type === 'reasoning.text').map((d) => d.text).join('')).toBe(result.reasoning);
    expect(result.text.startsWith('This is a great question!')).toBe(true);
    expect(result.finish).toEqual(['stop']);
    const row = await rowFor([...result.ids][0]!);
    expect(row).toMatchObject({ prompt_tokens: 34, completion_tokens: 469 + 787, reasoning_tokens: 787, streamed: true });
  });

  it('streams a signed tool call and sends the signature back with the tool result (pydantic-ai, two turns)', async () => {
    const [one, two] = vcr('pydantic-ai__test_google_streaming_tool_call_thought_signature.yaml');
    const tools: OpenAI.ChatCompletionTool[] = [
      { type: 'function', function: { name: 'get_country', description: '', parameters: { additionalProperties: false, properties: {}, type: 'object' } } },
    ];
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'What is the capital of the user country? Call the tool' }];
    const first = expectUpstream(replyFromRecording(one!));
    const turn = await collect(await client.chat.completions.create({ model: 'gemini/gemini-3-pro-preview', messages, tools, stream: true }));
    const recordedFirst = JSON.parse(one!.request.body) as { tools: { functionDeclarations: { parameters_json_schema: unknown }[] }[] };
    expect(sentBody(first()[0]).tools).toEqual([
      { functionDeclarations: [{ name: 'get_country', description: '', parametersJsonSchema: recordedFirst.tools[0]!.functionDeclarations[0]!.parameters_json_schema }] },
    ]);
    expect(turn.finish).toEqual(['tool_calls']);
    const call = turn.calls.get(0)!;
    expect([call.name, call.args]).toEqual(['get_country', '{}']);
    const signature = turn.details.find((d) => d.type === 'reasoning.encrypted' && d.id === call.id)?.data;
    expect(one!.response.body).toContain(`"thoughtSignature": "${signature}"`);

    const second = expectUpstream(replyFromRecording(two!));
    const assistant = {
      role: 'assistant',
      content: null,
      tool_calls: [{ id: call.id, type: 'function', function: { name: call.name, arguments: call.args } }],
      reasoning_details: turn.details,
    } as OpenAI.ChatCompletionAssistantMessageParam;
    const answer = await collect(
      await client.chat.completions.create({
        model: 'gemini/gemini-3-pro-preview',
        tools,
        stream: true,
        messages: [...messages, assistant, { role: 'tool', tool_call_id: call.id, content: 'Mexico' }],
      }),
    );
    expect(sentBody(second()[0]).contents.slice(1)).toEqual([
      { role: 'model', parts: [{ functionCall: { id: call.id, name: 'get_country', args: {} }, thoughtSignature: signature }] },
      { role: 'user', parts: [{ functionResponse: { id: call.id, name: 'get_country', response: { output: 'Mexico' } } }] },
    ]);
    expect(answer.text).toBe('The capital of Mexico is Mexico City.');
    expect(answer.usage).toMatchObject({ prompt_tokens: 257, completion_tokens: 8 });
  });

  it('reassembles streamed calls to the exact arguments, whole or streamed by JSON path (vercel chunks)', async () => {
    expectUpstream({ sse: loadChunks('gemini/vercel__google-tool-call.chunks.txt') });
    const whole = await collect(
      await client.chat.completions.create({ model: 'gemini/gemini-3-pro-preview', messages: [{ role: 'user', content: 'weather?' }], stream: true }),
    );
    expect([...whole.calls.values()].map((c) => [c.name, c.args])).toEqual([['weather', '{"location":"San Francisco"}']]);
    expect(whole.finish).toEqual(['tool_calls']);

    expectUpstream({ sse: loadChunks('gemini/vercel__google-stream-tool-call-arguments.chunks.txt'), splitMidEvent: true });
    const pieces = await collect(
      await client.chat.completions.create({ model: 'gemini/gemini-3.1-pro-preview', messages: [{ role: 'user', content: 'weather x2' }], stream: true }),
    );
    expect([...pieces.calls.entries()].map(([i, c]) => [i, c.name, c.args])).toEqual([
      [0, 'getWeather', '{"location":"Boston"}'],
      [1, 'getWeather', '{"location":"San Francisco"}'],
    ]);
    const row = await rowFor([...pieces.ids][0]!);
    expect(row).toMatchObject({ prompt_tokens: 26, completion_tokens: 23 + 132, reasoning_tokens: 132, finish_reason: 'tool_calls' });
  });

  it('streams the recorded JSON-array answer re-framed as alt=sse events (langchaingo streaming)', async () => {
    const events = JSON.parse(loadBody('gemini/extracted/stream_json_array_no_alt_sse.json')) as { candidates: { content: { parts: { text: string }[] } }[] }[];
    expectUpstream({ sse: events.map((e) => `data: ${JSON.stringify(e)}\r\n\r\n`).join('') });
    const result = await collect(
      await client.chat.completions.create({ model: 'gemini/gemini-2.0-flash', messages: [{ role: 'user', content: 'Tell me a story' }], stream: true }),
    );
    expect(result.text).toBe(events.map((e) => e.candidates[0]?.content.parts.map((p) => p.text).join('') ?? '').join(''));
    expect(result.finish).toEqual(['stop']);
    expect(result.usage).toMatchObject({ prompt_tokens: 8, completion_tokens: 578 });
  });

  it('ends the stream with an error when Gemini sends an error event, and logs it', async () => {
    const first = loadBody('gemini/extracted/stream_text_alt_sse.sse').split('\r\n\r\n')[0];
    const error = JSON.stringify({ error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } });
    expectUpstream({ sse: `${first}\r\n\r\ndata: ${error}\r\n\r\n` });
    const stream = await client.chat.completions.create({ model: 'gemini/gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }], stream: true });
    let text = '';
    let id = '';
    const failure = await (async () => {
      for await (const chunk of stream) {
        id = chunk.id;
        text += chunk.choices[0]?.delta.content ?? '';
      }
    })().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(APIError);
    expect((failure as APIError).message).toContain('The model is overloaded.');
    expect(text).toBe('The');
    const row = await rowFor(id);
    expect(row).toMatchObject({ status: 502, error_code: 'upstream_error', finish_reason: 'error', streamed: true });
  });
});

describe(':online and the web plugin -> Gemini Google Search grounding', () => {
  // No recorded grounded exchange exists (test/fixtures/gemini/SOURCES.md lists none): the reply
  // is synthetic, shaped exactly like the grounded response of the Gemini docs
  // (https://ai.google.dev/gemini-api/docs/google-search: the Euro 2024 answer, its
  // webSearchQueries, groundingChunks and groundingSupports). The docs abbreviate the segment
  // texts and their offsets; here they are the real spans of the answer, and usageMetadata is added.
  const FIRST = 'Spain won Euro 2024, defeating England 2-1 in the final.';
  const SECOND = "This victory marks Spain's record fourth European Championship title.";
  const ANSWER = `${FIRST} ${SECOND}`;
  const CHUNKS = [
    { web: { uri: 'https://vertexaisearch.cloud.google.com/grounding-api-redirect/1234', title: 'aljazeera.com' } },
    { web: { uri: 'https://vertexaisearch.cloud.google.com/grounding-api-redirect/5678', title: 'uefa.com' } },
  ];
  const groundingMetadata = {
    webSearchQueries: ['UEFA Euro 2024 winner', 'who won euro 2024'],
    searchEntryPoint: { renderedContent: '<!-- HTML and CSS for the search widget -->' },
    groundingChunks: CHUNKS,
    groundingSupports: [
      { segment: { endIndex: FIRST.length, text: FIRST }, groundingChunkIndices: [0] },
      { segment: { startIndex: FIRST.length + 1, endIndex: ANSWER.length, text: SECOND }, groundingChunkIndices: [0, 1] },
    ],
  };
  const usageMetadata = { promptTokenCount: 11, candidatesTokenCount: 29, totalTokenCount: 40 };
  const docsAnswer = {
    candidates: [{ content: { parts: [{ text: ANSWER }], role: 'model' }, finishReason: 'STOP', index: 0, groundingMetadata }],
    usageMetadata,
    modelVersion: 'gemini-2.5-flash',
  };
  const cite = (chunk: number, start: number, end: number) => ({
    type: 'url_citation',
    url_citation: { url: CHUNKS[chunk]!.web.uri, title: CHUNKS[chunk]!.web.title, start_index: start, end_index: end },
  });
  const annotations = [cite(0, 0, FIRST.length), cite(0, FIRST.length + 1, ANSWER.length), cite(1, FIRST.length + 1, ANSWER.length)];

  it(':online adds the googleSearch tool and maps groundingMetadata to url_citation annotations', async () => {
    const sent = expectUpstream({ body: docsAnswer });
    const completion = await client.chat.completions.create({
      model: 'gemini/gemini-2.5-flash:online',
      messages: [{ role: 'user', content: 'Who won the euro 2024?' }],
    });
    const body = sentBody(sent()[0]) as GeminiSent & Record<string, unknown>;
    expect(body.tools).toEqual([{ googleSearch: {} }]);
    expect(body).not.toHaveProperty('web_search_options');

    const message = completion.choices[0]!.message as typeof completion.choices[0]['message'] & { annotations?: unknown[] };
    expect(message.content).toBe(ANSWER);
    expect(message.annotations).toEqual(annotations);
    // The queries Gemini ran are reported; genai-prices has no price for Google's grounding, so the cost is the tokens'.
    expect(completion.usage).toMatchObject({ prompt_tokens: 11, completion_tokens: 29, server_tool_use: { web_search_requests: 2 } });
    expect(costOf(completion.usage)).toBeCloseTo(googlePrice('gemini-2.5-flash', { prompt_tokens: 11, completion_tokens: 29 }), 12);
  });

  it('keeps function tools beside googleSearch, and refuses a domain filter Google Search cannot apply', async () => {
    const sent = expectUpstream({ body: docsAnswer });
    await client.chat.completions.create({
      model: 'gemini/gemini-2.5-flash',
      messages: [{ role: 'user', content: 'x' }],
      tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } }],
      plugins: [{ id: 'web', max_uses: 2 }],
    } as OpenAI.ChatCompletionCreateParamsNonStreaming);
    expect(sentBody(sent()[0]).tools).toEqual([
      { functionDeclarations: [{ name: 'lookup', parametersJsonSchema: { type: 'object' } }] },
      { googleSearch: {} },
    ]);

    const before = h.upstream.requests.length;
    const filtered = client.chat.completions.create({
      model: 'gemini/gemini-2.5-flash',
      messages: [{ role: 'user', content: 'x' }],
      plugins: [{ id: 'web', exclude_domains: ['example.com'] }],
    } as OpenAI.ChatCompletionCreateParamsNonStreaming);
    await expect(filtered).rejects.toMatchObject({ status: 400, message: expect.stringContaining('cannot filter domains') as unknown });
    expect(h.upstream.requests.length).toBe(before);
  });

  it('streams the grounding annotations before the finish chunk (grounding comes with the last event)', async () => {
    const [head, tail] = [ANSWER.slice(0, 20), ANSWER.slice(20)];
    const events = [
      { candidates: [{ content: { parts: [{ text: head }], role: 'model' }, index: 0 }], usageMetadata: { promptTokenCount: 11 }, modelVersion: 'gemini-2.5-flash' },
      { ...docsAnswer, candidates: [{ ...docsAnswer.candidates[0]!, content: { parts: [{ text: tail }], role: 'model' } }] },
    ];
    expectUpstream({ sse: events.map((e) => `data: ${JSON.stringify(e)}\r\n\r\n`).join('') });
    const stream = await client.chat.completions.create({ model: 'gemini/gemini-2.5-flash:online', messages: [{ role: 'user', content: 'x' }], stream: true });
    const order: string[] = [];
    const streamed: unknown[] = [];
    let text = '';
    let usage: unknown;
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      const delta = choice?.delta as { content?: string; annotations?: unknown[] } | undefined;
      text += delta?.content ?? '';
      if (delta?.annotations) {
        streamed.push(...delta.annotations);
        order.push('annotations');
      }
      if (choice?.finish_reason) order.push('finish');
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe(ANSWER);
    expect(streamed).toEqual(annotations);
    expect(order).toEqual(['annotations', 'finish']);
    expect(usage).toMatchObject({ server_tool_use: { web_search_requests: 2 } });
  });
});

describe('embeddings against a Gemini upstream (batchEmbedContents)', () => {
  // No recorded Gemini embeddings exchange exists (test/fixtures/gemini/SOURCES.md lists none):
  // the replies are synthetic, shaped as the API reference's BatchEmbedContentsResponse
  // ({"embeddings":[{"values":[…]}]}, one per request, in order, and no usage metadata), with
  // values exact in float32 so the base64 round trip can be checked exactly.
  const vectors = [
    [0.5, -0.25, 0.125],
    [-1, 0.75, 0.0625],
  ];
  const reply: MockReply = { body: { embeddings: vectors.map((values) => ({ values })) } };

  interface EmbedSent {
    requests: { model: string; content: { parts: { text: string }[] }; outputDimensionality?: number }[];
  }

  it("sends one request per input with dimensions as outputDimensionality; the SDK's default base64 decodes to Gemini's values", async () => {
    const sent = expectUpstream(reply);
    const answer = await client.embeddings.create({ model: 'gemini/gemini-embedding-001', input: ['first', 'second'], dimensions: 3 });
    const [request] = sent();
    expect(request?.path).toBe('/v1beta/models/gemini-embedding-001:batchEmbedContents');
    expectGeminiAuth(request);
    expect(request?.body as EmbedSent).toEqual({
      requests: ['first', 'second'].map((text) => ({
        model: 'models/gemini-embedding-001',
        content: { parts: [{ text }] },
        outputDimensionality: 3,
      })),
    });
    expect(answer.object).toBe('list');
    expect(answer.data.map((d) => [d.index, d.object, Array.from(d.embedding)])).toEqual(vectors.map((v, i) => [i, 'embedding', v]));

    // Gemini counts no tokens for embeddings: nothing to report, and the cost is unknown, not zero.
    expect(answer).not.toHaveProperty('usage');
    const row = await rowFor((answer as unknown as { id: string }).id);
    expect(row).toMatchObject({ provider: 'gemini', upstream_model: 'gemini-embedding-001', status: 200, prompt_tokens: 0, cost: null });
  });

  it('answers float arrays when asked for floats, and base64 of little-endian float32 when asked for base64', async () => {
    expectUpstream(reply);
    const floats = await client.embeddings.create({ model: 'gemini/gemini-embedding-001', input: 'one', encoding_format: 'float' });
    expect(floats.data.map((d) => d.embedding)).toEqual(vectors);

    const sent = expectUpstream(reply);
    const res = await fetch(`${h.baseURL}/embeddings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.appKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gemini/gemini-embedding-001', input: 'one', encoding_format: 'base64' }),
    });
    const body = (await res.json()) as { data: { embedding: string }[] };
    expect((sent()[0]?.body as EmbedSent).requests[0]).not.toHaveProperty('outputDimensionality');
    const decoded = body.data.map((d) => {
      const bytes = Buffer.from(d.embedding, 'base64');
      return Array.from({ length: bytes.length / 4 }, (_, i) => bytes.readFloatLE(i * 4));
    });
    expect(decoded).toEqual(vectors);
  });

  it('refuses token-id input with a 400 before anything goes upstream', async () => {
    const before = h.upstream.requests.length;
    const tokens = client.embeddings.create({ model: 'gemini/gemini-embedding-001', input: [[1, 2, 3]], encoding_format: 'float' });
    await expect(tokens).rejects.toMatchObject({ status: 400, message: expect.stringContaining('token ids') as unknown });
    expect(h.upstream.requests.length).toBe(before);
  });
});
