import { describe, expect, it } from 'vitest';
import { GatewayError } from '../src/shared/errors.js';
import { parseConfig } from '../src/main/core/config/load-config.js';
import { SseParser } from '../src/main/core/protocol/sse.js';
import { ModelCatalog, type Endpoint } from '../src/main/core/router/catalog.js';
import { googleAdapter } from '../src/main/core/providers/google/google-adapter.js';
import type { GenerateContentRequest } from '../src/main/core/providers/google/gemini-request-types.js';
import { PartialFunctionCall } from '../src/main/core/providers/google/partial-function-call.js';
import { convertSchema } from '../src/main/core/providers/google/response-schema.js';
import { effortBudget } from '../src/main/core/providers/google/thinking-config.js';
import { loadBody, loadChunks, loadHttprr, loadVcrYaml } from './helpers/fixtures.js';

const BASE = 'https://generativelanguage.googleapis.com/v1beta';

function endpointFor(model: string): Endpoint {
  const config = parseConfig(JSON.stringify({ providers: { gemini: { type: 'google', models: [model] } } }), 'test.json');
  const endpoint = new ModelCatalog(config).resolve(`gemini/${model}`)[0];
  if (!endpoint) throw new Error('no endpoint');
  return endpoint;
}

function geminiBody(body: Record<string, unknown>, model = 'gemini-2.5-flash', stream = false): GenerateContentRequest {
  const req = googleAdapter.buildRequest('chat', endpointFor(model), { model: `gemini/${model}`, ...body }, 'AIza-k', stream);
  return JSON.parse(req.body ?? '') as GenerateContentRequest;
}

function rejection(run: () => unknown): GatewayError {
  try {
    run();
  } catch (err) {
    if (err instanceof GatewayError) return err;
    throw err;
  }
  throw new Error('expected a GatewayError');
}

interface Chunk {
  id: string;
  choices: {
    index: number;
    delta: {
      role?: string;
      content?: string;
      reasoning?: string;
      reasoning_details?: { type: string; text?: string; data?: string; id?: string; index: number; format: string }[];
      tool_calls?: { index: number; id: string; function: { name: string; arguments: string } }[];
      refusal?: string;
    };
    finish_reason: string | null;
    native_finish_reason?: string;
  }[];
  usage?: {
    prompt_tokens: number;
    completion_tokens: number;
    total_tokens: number;
    prompt_tokens_details: { cached_tokens: number };
    completion_tokens_details: { reasoning_tokens: number };
  };
}

function streamChunks(sse: string, model = 'gemini-2.5-flash', request: Record<string, unknown> = {}): Chunk[] {
  const mapper = googleAdapter.createStreamMapper('chat', endpointFor(model), request);
  const out: string[] = [];
  const parser = new SseParser((event) => out.push(...mapper.onEvent(event)));
  parser.push(sse);
  expect(parser.end().truncated).toBe(false);
  out.push(...mapper.onEnd());
  return out.map((text) => JSON.parse(text) as Chunk);
}

function toolCallsOf(chunks: Chunk[]): Map<number, { id: string; name: string; args: string }> {
  const calls = new Map<number, { id: string; name: string; args: string }>();
  for (const chunk of chunks) {
    for (const t of chunk.choices[0]?.delta.tool_calls ?? []) {
      const call = calls.get(t.index) ?? { id: t.id, name: '', args: '' };
      call.name += t.function.name;
      call.args += t.function.arguments;
      calls.set(t.index, call);
    }
  }
  return calls;
}

interface Message {
  content: string | null;
  reasoning?: string;
  reasoning_details?: { type: string; text?: string; data?: string; id?: string; index: number; format: string }[];
  tool_calls?: { id: string; type: string; function: { name: string; arguments: string } }[];
  refusal: string | null;
}

function mapJson(json: unknown, model = 'gemini-2.5-flash', request: Record<string, unknown> = {}) {
  const mapped = googleAdapter.mapResponse('chat', endpointFor(model), json, request);
  const body = mapped.body as { choices: { message: Message; finish_reason: string; native_finish_reason: string | null }[] };
  return { mapped, choice: body.choices[0]!, body };
}

const recordedRequest = (file: string, i: number) => JSON.parse(loadVcrYaml(file)[i]!.request.body) as GenerateContentRequest;
const recordedResponse = (file: string, i: number) => JSON.parse(loadVcrYaml(file)[i]!.response.body) as unknown;

describe('request: OpenAI chat -> Gemini generateContent', () => {
  it('puts the key in x-goog-api-key, never in the URL, and picks the method by streaming', () => {
    const json = googleAdapter.buildRequest('chat', endpointFor('gemini-2.5-flash'), { messages: [{ role: 'user', content: 'x' }] }, 'AIza-k', false);
    expect(json.url).toBe(`${BASE}/models/gemini-2.5-flash:generateContent`);
    expect(json.headers['x-goog-api-key']).toBe('AIza-k');
    expect(json.url).not.toContain('key=');
    const sse = googleAdapter.buildRequest('chat', endpointFor('gemini-2.5-flash'), { messages: [{ role: 'user', content: 'x' }] }, 'AIza-k', true);
    expect(sse.url).toBe(`${BASE}/models/gemini-2.5-flash:streamGenerateContent?alt=sse`);
    expect(sse.headers.authorization).toBeUndefined();
  });

  it('maps system + user like the recorded pydantic-ai request', () => {
    const recorded = recordedRequest('gemini/pydantic-ai__test_google_model.yaml', 0);
    const sent = geminiBody({ messages: [{ role: 'system', content: 'You are a chatbot.' }, { role: 'user', content: 'Hello!' }] });
    expect(sent.contents).toEqual(recorded.contents);
    expect(sent.systemInstruction?.parts).toEqual(recorded.systemInstruction?.parts);
    expect(sent.generationConfig).toBeUndefined();
  });

  it('hoists developer messages, maps assistant to model and merges consecutive turns of one role', () => {
    const sent = geminiBody({
      messages: [
        { role: 'developer', content: [{ type: 'text', text: 'Be brief.' }] },
        { role: 'user', content: 'a' },
        { role: 'user', content: [{ type: 'text', text: 'b' }] },
        { role: 'assistant', content: 'c' },
        { role: 'system', content: 'Late rule.' },
        { role: 'user', content: 'd' },
      ],
    });
    expect(sent.systemInstruction).toEqual({ parts: [{ text: 'Be brief.' }, { text: 'Late rule.' }] });
    expect(sent.contents).toEqual([
      { role: 'user', parts: [{ text: 'a' }, { text: 'b' }] },
      { role: 'model', parts: [{ text: 'c' }] },
      { role: 'user', parts: [{ text: 'd' }] },
    ]);
  });

  it('sends a base64 data: URL image as inlineData, byte for byte as the recorded request', () => {
    const recorded = JSON.parse(loadHttprr('gemini/langchaingo__TestGoogleAIMultiModalContent.httprr')[0]!.request.body) as GenerateContentRequest;
    const inline = recorded.contents[0]!.parts[0] as { inlineData: { mimeType: string; data: string } };
    const sent = geminiBody({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image_url', image_url: { url: `data:${inline.inlineData.mimeType};base64,${inline.inlineData.data}` } },
            { type: 'text', text: 'What is in this image?' },
          ],
        },
      ],
    });
    expect(sent.contents).toEqual(recorded.contents);
  });

  it('sends an https image URL as fileData with its type, as the recorded url-input request', () => {
    const recorded = recordedRequest('gemini/pydantic-ai__test_google_url_input[ImageUrl].yaml', 0);
    const file = (recorded.contents[0]!.parts[1] as unknown as { fileData: { file_uri: string; mime_type: string } }).fileData;
    const sent = geminiBody({
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'What is the main content of this URL?' }, { type: 'image_url', image_url: { url: file.file_uri } }] },
      ],
    });
    expect(sent.contents[0]!.parts[1]).toEqual({ fileData: { fileUri: file.file_uri, mimeType: file.mime_type } });
  });

  it('refuses plain-http image URLs and OpenAI file ids with a clear 400', () => {
    const http = rejection(() => geminiBody({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'http://example.com/a.png' } }] }] }));
    expect(http.status).toBe(400);
    expect(http.message).toMatch(/messages\[0\]\.content\[0\].*https/);
    const fileId = rejection(() => geminiBody({ messages: [{ role: 'user', content: [{ type: 'file', file: { file_id: 'file-1' } }] }] }));
    expect(fileId.status).toBe(400);
    expect(fileId.message).toContain('file_data');
  });

  it('maps sampling parameters to generationConfig', () => {
    const sent = geminiBody({
      messages: [{ role: 'user', content: 'x' }],
      max_tokens: 100,
      max_completion_tokens: 200,
      temperature: 0.5,
      top_p: 0.9,
      top_k: 3,
      stop: 'END',
      seed: 7,
      n: 2,
      frequency_penalty: 0.1,
      presence_penalty: 0.2,
    });
    expect(sent.generationConfig).toEqual({
      maxOutputTokens: 200,
      temperature: 0.5,
      topP: 0.9,
      topK: 3,
      stopSequences: ['END'],
      seed: 7,
      candidateCount: 2,
      frequencyPenalty: 0.1,
      presencePenalty: 0.2,
    });
    expect(geminiBody({ messages: [{ role: 'user', content: 'x' }], max_tokens: 50, stop: ['a', 'b'] }).generationConfig).toEqual({
      maxOutputTokens: 50,
      stopSequences: ['a', 'b'],
    });
  });

  it('maps response_format json_object and json_schema (converted to what responseJsonSchema takes)', () => {
    expect(geminiBody({ messages: [{ role: 'user', content: 'x' }], response_format: { type: 'json_object' } }).generationConfig).toEqual({
      responseMimeType: 'application/json',
    });
    const sent = geminiBody({
      messages: [{ role: 'user', content: 'x' }],
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'city',
          strict: true,
          schema: {
            $schema: 'http://json-schema.org/draft-07/schema#',
            type: 'object',
            properties: {
              city: { type: 'string', description: 'name', default: 'Paris' },
              kind: { const: 'capital' },
              where: { $ref: '#/definitions/place' },
              tags: { type: 'array', items: { type: ['string', 'null'] }, maxItems: 3 },
            },
            required: ['city', 'kind', 'where', 'tags'],
            additionalProperties: false,
            definitions: { place: { type: 'object', properties: { lat: { type: 'number', minimum: -90, maximum: 90 } } } },
          },
        },
      },
    });
    expect(sent.generationConfig).toEqual({
      responseMimeType: 'application/json',
      responseJsonSchema: {
        type: 'object',
        properties: {
          city: { type: 'string', description: 'name' },
          kind: { enum: ['capital'] },
          where: { $ref: '#/$defs/place' },
          tags: { type: 'array', items: { type: ['string', 'null'] }, maxItems: 3 },
        },
        required: ['city', 'kind', 'where', 'tags'],
        additionalProperties: false,
        $defs: { place: { type: 'object', properties: { lat: { type: 'number', minimum: -90, maximum: 90 } } } },
      },
    });
  });

  it('refuses schema keywords Gemini cannot enforce, naming the keyword and where it is', () => {
    const err = rejection(() => convertSchema({ type: 'object', properties: { code: { type: 'string', pattern: '^[A-Z]+$' } } }));
    expect(err.status).toBe(400);
    expect(err.message).toContain('"pattern" at $.properties.code');
    expect(rejection(() => convertSchema({ allOf: [{ type: 'string' }] })).message).toContain('"allOf" at $');
    // Property names are data, not keywords.
    expect(convertSchema({ type: 'object', properties: { pattern: { type: 'string' } } })).toEqual({
      type: 'object',
      properties: { pattern: { type: 'string' } },
    });
  });

  it('maps tools to functionDeclarations (JSON Schema kept) and tool_choice to functionCallingConfig', () => {
    const parameters = { type: 'object', properties: { location: { type: 'string', minLength: 1 } }, required: ['location'], additionalProperties: false };
    const tools = [
      { type: 'function', function: { name: 'weather', description: 'Get weather', parameters } },
      { type: 'function', function: { name: 'noop' } },
    ];
    const messages = [{ role: 'user', content: 'x' }];
    const sent = geminiBody({ messages, tools });
    expect(sent.tools).toEqual([
      { functionDeclarations: [{ name: 'weather', description: 'Get weather', parametersJsonSchema: parameters }, { name: 'noop' }] },
    ]);
    expect(sent.toolConfig).toBeUndefined();
    expect(geminiBody({ messages, tools, tool_choice: 'auto' }).toolConfig).toEqual({ functionCallingConfig: { mode: 'AUTO' } });
    expect(geminiBody({ messages, tools, tool_choice: 'none' }).toolConfig).toEqual({ functionCallingConfig: { mode: 'NONE' } });
    expect(geminiBody({ messages, tools, tool_choice: 'required' }).toolConfig).toEqual({ functionCallingConfig: { mode: 'ANY' } });
    expect(geminiBody({ messages, tools, tool_choice: { type: 'function', function: { name: 'weather' } } }).toolConfig).toEqual({
      functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['weather'] },
    });
    expect(rejection(() => geminiBody({ messages, tools, tool_choice: { type: 'function', function: { name: 'nope' } } })).status).toBe(400);
    expect(rejection(() => geminiBody({ messages, tool_choice: 'required' })).status).toBe(400);
  });

  it('sends tool calls and their results back like the recorded tool round trip', () => {
    const recorded = recordedRequest('gemini/pydantic-ai__test_google_tool_output.yaml', 1);
    const id = 'pyd_ai_3fa5644dae1d4aad997ae39c70006fbd';
    const sent = geminiBody({
      messages: [
        { role: 'user', content: 'What is the largest city in the user country?' },
        { role: 'assistant', content: null, tool_calls: [{ id, type: 'function', function: { name: 'get_user_country', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: id, content: 'Mexico' },
      ],
    });
    expect(sent.contents.map((c) => c.role)).toEqual(recorded.contents.map((c) => c.role));
    expect(sent.contents[1]).toEqual(recorded.contents[1]);
    expect(sent.contents[2]!.parts[0]).toEqual({ functionResponse: { id, name: 'get_user_country', response: { output: 'Mexico' } } });
  });

  it('puts the results of parallel calls in one turn, each named after its call', () => {
    const sent = geminiBody({
      messages: [
        { role: 'user', content: 'weather in two cities' },
        {
          role: 'assistant',
          content: 'Checking.',
          tool_calls: [
            { id: 'a', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
            { id: 'b', type: 'function', function: { name: 'time', arguments: '{"city":"Rome"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'b', content: '12:00' },
        { role: 'tool', tool_call_id: 'a', content: [{ type: 'text', text: 'sunny' }] },
      ],
    });
    expect(sent.contents[1]).toEqual({
      role: 'model',
      parts: [
        { text: 'Checking.' },
        { functionCall: { id: 'a', name: 'weather', args: { city: 'Paris' } } },
        { functionCall: { id: 'b', name: 'time', args: { city: 'Rome' } } },
      ],
    });
    expect(sent.contents[2]).toEqual({
      role: 'user',
      parts: [
        { functionResponse: { id: 'b', name: 'time', response: { output: '12:00' } } },
        { functionResponse: { id: 'a', name: 'weather', response: { output: 'sunny' } } },
      ],
    });
  });

  it('refuses a tool result for an unknown call and arguments that are not a JSON object', () => {
    const unknown = rejection(() => geminiBody({ messages: [{ role: 'user', content: 'x' }, { role: 'tool', tool_call_id: 'zz', content: 'r' }] }));
    expect(unknown.status).toBe(400);
    expect(unknown.message).toContain('"zz"');
    const badArgs = rejection(() =>
      geminiBody({ messages: [{ role: 'assistant', tool_calls: [{ id: 'a', type: 'function', function: { name: 'f', arguments: '[1]' } }] }] }),
    );
    expect(badArgs.message).toContain('messages[0].tool_calls[0]');
  });

  it('sends Gemini thought signatures back on the parts they came with, and ignores other formats', () => {
    const sent = geminiBody({
      messages: [
        { role: 'user', content: 'q' },
        {
          role: 'assistant',
          content: 'thinking out loud',
          tool_calls: [
            { id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } },
            { id: 'c2', type: 'function', function: { name: 'g', arguments: '{}' }, extra_content: { google: { thought_signature: 'SIG-G' } } },
          ],
          reasoning_details: [
            { type: 'reasoning.text', text: 'hmm', format: 'google-gemini-v1', index: 0 },
            { type: 'reasoning.encrypted', data: 'SIG-TEXT', format: 'google-gemini-v1', index: 1 },
            { type: 'reasoning.encrypted', data: 'SIG-F', id: 'c1', format: 'google-gemini-v1', index: 2 },
            { type: 'reasoning.encrypted', data: 'CLAUDE', id: 'c2', format: 'anthropic-claude-v1', index: 3 },
          ],
        },
      ],
    });
    expect(sent.contents[1]!.parts).toEqual([
      { text: 'thinking out loud', thoughtSignature: 'SIG-TEXT' },
      { functionCall: { id: 'c1', name: 'f', args: {} }, thoughtSignature: 'SIG-F' },
      { functionCall: { id: 'c2', name: 'g', args: {} }, thoughtSignature: 'SIG-G' },
    ]);
  });

  it('maps OpenRouter reasoning and OpenAI reasoning_effort to thinkingConfig', () => {
    const messages = [{ role: 'user', content: 'x' }];
    expect(geminiBody({ messages, reasoning: { max_tokens: 2048 } }).generationConfig?.thinkingConfig).toEqual({ thinkingBudget: 2048, includeThoughts: true });
    expect(geminiBody({ messages, reasoning: { effort: 'high' }, max_tokens: 10_000 }).generationConfig?.thinkingConfig).toEqual({
      thinkingBudget: 8000,
      includeThoughts: true,
    });
    expect(geminiBody({ messages, reasoning_effort: 'low' }).generationConfig?.thinkingConfig).toEqual({
      thinkingBudget: effortBudget('low', undefined),
      includeThoughts: true,
    });
    expect(geminiBody({ messages, reasoning: { enabled: true, exclude: true } }).generationConfig?.thinkingConfig).toEqual({ includeThoughts: false });
    expect(geminiBody({ messages, reasoning: { effort: 'none' } }).generationConfig?.thinkingConfig).toEqual({ thinkingBudget: 0 });
    expect(effortBudget('minimal', 2000)).toBe(1024);
    expect(effortBudget('xhigh', 1_000_000)).toBe(24_576);
  });

  it('answers malformed requests and logprobs with a 400 naming the field', () => {
    const badPart = rejection(() => geminiBody({ messages: [{ role: 'user', content: [{ type: 'video', video: {} }] }] }));
    expect(badPart.status).toBe(400);
    expect(badPart.message).toContain('messages[0].content[0].type');
    expect(rejection(() => geminiBody({ messages: [{ role: 'user', content: 'x' }], logprobs: true })).metadata).toMatchObject({ param: 'logprobs' });
  });
});

describe('response: Gemini generateContent -> OpenAI chat.completion', () => {
  it('maps text with a thought signature and thoughts usage (vercel google-text)', () => {
    const raw = JSON.parse(loadBody('gemini/vercel__google-text.json')) as { candidates: { content: { parts: { text: string; thoughtSignature: string }[] } }[] };
    const { mapped, choice } = mapJson(raw, 'gemini-3-pro-preview');
    const part = raw.candidates[0]!.content.parts[0]!;
    expect(choice.message.content).toBe(part.text);
    expect(choice.message.reasoning_details).toEqual([
      { type: 'reasoning.encrypted', data: part.thoughtSignature, format: 'google-gemini-v1', index: 0 },
    ]);
    expect(choice.finish_reason).toBe('stop');
    expect(mapped.usage).toEqual({ promptTokens: 9, completionTokens: 28 + 244, cachedTokens: 0, cacheWriteTokens: 0, reasoningTokens: 244 });
    expect(mapped.body.usage).toEqual({
      prompt_tokens: 9,
      completion_tokens: 272,
      total_tokens: 281,
      prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 244 },
    });
    expect(mapped.body.model).toBe('gemini-3-pro-preview');
  });

  it('maps the reasoning recording (vercel google-reasoning)', () => {
    const { mapped, choice } = mapJson(JSON.parse(loadBody('gemini/vercel__google-reasoning.json')), 'gemini-3-pro-preview');
    expect(choice.message.content).toContain('strawberry');
    expect(mapped.usage?.reasoningTokens).toBe(282);
    expect(mapped.usage?.completionTokens).toBe(29 + 282);
  });

  it('surfaces thought parts as reasoning and reasoning.text details', () => {
    const { choice } = mapJson({
      candidates: [
        {
          content: { parts: [{ text: 'step 1. ', thought: true }, { text: 'step 2.', thought: true }, { text: 'Answer', thoughtSignature: 'S1' }] },
          finishReason: 'STOP',
        },
      ],
      responseId: 'r1',
    });
    expect(choice.message.reasoning).toBe('step 1. step 2.');
    expect(choice.message.reasoning_details).toEqual([
      { type: 'reasoning.text', text: 'step 1. step 2.', format: 'google-gemini-v1', index: 0 },
      { type: 'reasoning.encrypted', data: 'S1', format: 'google-gemini-v1', index: 1 },
    ]);
    expect(choice.message.content).toBe('Answer');
  });

  it('maps a function call with its signature to a tool call with a stable id (vercel google-tool-call)', () => {
    const raw = JSON.parse(loadBody('gemini/vercel__google-tool-call.json')) as {
      responseId: string;
      candidates: { content: { parts: { functionCall: { args: unknown }; thoughtSignature: string }[] } }[];
    };
    const part = raw.candidates[0]!.content.parts[0]!;
    const { choice } = mapJson(raw, 'gemini-3-pro-preview');
    const id = `call_${raw.responseId}_0_0`;
    expect(choice.message.tool_calls).toEqual([{ id, type: 'function', function: { name: 'weather', arguments: JSON.stringify(part.functionCall.args) } }]);
    expect(choice.message.content).toBeNull();
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.native_finish_reason).toBe('STOP');
    expect(choice.message.reasoning_details).toEqual([{ type: 'reasoning.encrypted', data: part.thoughtSignature, id, format: 'google-gemini-v1', index: 0 }]);
    expect(mapJson(raw, 'gemini-3-pro-preview').choice.message.tool_calls?.[0]?.id).toBe(id);
  });

  it('numbers parallel calls in order; the signature stays with the call that carried it', () => {
    const { choice } = mapJson({
      candidates: [
        {
          content: {
            parts: [
              { functionCall: { name: 'weather', args: { city: 'Paris' } }, thoughtSignature: 'SIG' },
              { functionCall: { name: 'weather', args: { city: 'Rome' } } },
              { functionCall: { id: 'given-id', name: 'time', args: {} } },
            ],
          },
          finishReason: 'STOP',
        },
      ],
      responseId: 'R',
    });
    expect(choice.message.tool_calls?.map((c) => [c.id, c.function.arguments])).toEqual([
      ['call_R_0_0', '{"city":"Paris"}'],
      ['call_R_0_1', '{"city":"Rome"}'],
      ['given-id', '{}'],
    ]);
    expect(choice.message.reasoning_details).toEqual([{ type: 'reasoning.encrypted', data: 'SIG', id: 'call_R_0_0', format: 'google-gemini-v1', index: 0 }]);
  });

  it('maps the recorded tool round trip answers (pydantic-ai tool output)', () => {
    const first = mapJson(recordedResponse('gemini/pydantic-ai__test_google_tool_output.yaml', 0), 'gemini-2.0-flash').choice;
    expect(first.message.tool_calls?.map((c) => [c.function.name, c.function.arguments])).toEqual([['get_user_country', '{}']]);
    const second = mapJson(recordedResponse('gemini/pydantic-ai__test_google_tool_output.yaml', 1), 'gemini-2.0-flash').choice;
    expect(JSON.parse(second.message.tool_calls![0]!.function.arguments)).toEqual({ city: 'Mexico City', country: 'Mexico' });
    expect(second.finish_reason).toBe('tool_calls');
  });

  it('reports cached content tokens as cached prompt tokens (pydantic-ai cached content)', () => {
    const recs = loadVcrYaml('gemini/pydantic-ai__test_google_model_cached_content.yaml');
    const cachedAnswer = recs.find((r) => r.request.path.endsWith(':generateContent') && r.response.body.includes('cachedContentTokenCount'))!;
    const { mapped, choice } = mapJson(JSON.parse(cachedAnswer.response.body));
    expect(choice.message.content).toBe('Paris.');
    expect(mapped.usage).toMatchObject({ promptTokens: 3520, cachedTokens: 3512, completionTokens: 2 + 42, reasoningTokens: 42 });
  });

  it('maps answers with enum-encoded finish reasons and image prompts (langchaingo, pydantic-ai url input)', () => {
    const multimodal = mapJson(JSON.parse(loadHttprr('gemini/langchaingo__TestGoogleAIMultiModalContent.httprr')[0]!.response.body), 'gemini-1.5-flash');
    expect(multimodal.choice.finish_reason).toBe('stop');
    expect(multimodal.choice.native_finish_reason).toBe('STOP');
    expect(multimodal.mapped.usage).toMatchObject({ promptTokens: 264, completionTokens: 61 });
    const url = mapJson(recordedResponse('gemini/pydantic-ai__test_google_url_input[ImageUrl].yaml', 0), 'gemini-2.0-flash');
    expect(url.choice.message.content).toContain('Wikipedia');
    expect(url.mapped.usage).toMatchObject({ promptTokens: 2589, completionTokens: 33 });
  });

  it('maps finish reasons, tool-use prompt tokens and several candidates', () => {
    const reasons = (finishReason: string) => mapJson({ candidates: [{ content: { parts: [{ text: 'x' }] }, finishReason }] }).choice.finish_reason;
    expect(reasons('MAX_TOKENS')).toBe('length');
    for (const r of ['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII']) expect(reasons(r)).toBe('content_filter');
    expect(reasons('MALFORMED_FUNCTION_CALL')).toBe('error');
    expect(reasons('OTHER')).toBe('stop');
    const { mapped, body } = mapJson({
      candidates: [
        { content: { parts: [{ text: 'one' }] }, finishReason: 'STOP', index: 0 },
        { content: { parts: [{ text: 'two' }] }, finishReason: 'MAX_TOKENS', index: 1 },
      ],
      usageMetadata: { promptTokenCount: 10, toolUsePromptTokenCount: 5, candidatesTokenCount: 4 },
    });
    expect(body.choices.map((c) => [c.message.content, c.finish_reason])).toEqual([['one', 'stop'], ['two', 'length']]);
    expect(mapped.usage).toMatchObject({ promptTokens: 15, completionTokens: 4 });
  });

  it('answers a blocked prompt with content_filter and the reason', () => {
    const { choice, mapped } = mapJson({ promptFeedback: { blockReason: 'PROHIBITED_CONTENT' }, usageMetadata: { promptTokenCount: 7 } });
    expect(choice.finish_reason).toBe('content_filter');
    expect(choice.message.refusal).toContain('PROHIBITED_CONTENT');
    expect(mapped.usage?.promptTokens).toBe(7);
    expect(rejection(() => mapJson({ candidates: 'nope' })).status).toBe(502);
  });
});

describe('stream: alt=sse events -> OpenAI chunks', () => {
  it('streams text with a role chunk first, a finish chunk, then usage from the last event (pydantic-ai stream)', () => {
    const chunks = streamChunks(loadBody('gemini/extracted/stream_text_alt_sse.sse'), 'gemini-2.0-flash-exp');
    expect(chunks[0]!.choices[0]!.delta).toEqual({ role: 'assistant', content: '' });
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('The capital of France is Paris.\n');
    const finish = chunks.filter((c) => c.choices[0]?.finish_reason);
    expect(finish.map((c) => c.choices[0]!.finish_reason)).toEqual(['stop']);
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toMatchObject({ prompt_tokens: 13, completion_tokens: 8, total_tokens: 21 });
    expect(new Set(chunks.map((c) => c.id))).toEqual(new Set(['w1peaMz6INOvnvgPgYfPiQY']));
  });

  it('takes the last of the growing usage counts (pydantic-ai usage live mid stream)', () => {
    const rec = loadVcrYaml('gemini/pydantic-ai__test_google_stream_usage_is_live_mid_stream.yaml')[0]!;
    const chunks = streamChunks(rec.response.body);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe(Array.from({ length: 30 }, (_, i) => i + 1).join('\n'));
    expect(chunks.at(-1)!.usage).toMatchObject({ prompt_tokens: 18, completion_tokens: 80 + 35, completion_tokens_details: { reasoning_tokens: 35 } });
  });

  it('knows the usage reported so far when a stream breaks off (pydantic-ai usage live mid stream, cut)', () => {
    const sse = loadVcrYaml('gemini/pydantic-ai__test_google_stream_usage_is_live_mid_stream.yaml')[0]!.response.body;
    const events: { usageMetadata: { promptTokenCount: number; candidatesTokenCount?: number; thoughtsTokenCount?: number } }[] = [];
    const reader = new SseParser((e) => events.push(JSON.parse(e.data) as (typeof events)[number]));
    reader.push(sse);
    reader.end();
    expect(events.length).toBeGreaterThan(2);
    const mapper = googleAdapter.createStreamMapper('chat', endpointFor('gemini-2.5-flash'), {});
    expect(mapper.usageSoFar?.()).toBeUndefined();
    const seen = events.slice(0, 2);
    for (const event of seen) mapper.onEvent({ data: JSON.stringify(event) });
    const last = seen.at(-1)!.usageMetadata;
    const thoughts = last.thoughtsTokenCount ?? 0;
    expect(mapper.usageSoFar?.()).toMatchObject({
      promptTokens: last.promptTokenCount,
      completionTokens: (last.candidatesTokenCount ?? 0) + thoughts,
      reasoningTokens: thoughts,
    });
  });

  it('streams thoughts as reasoning deltas in one block, then the signed answer (pydantic-ai thinking)', () => {
    const sse = loadBody('gemini/extracted/stream_thinking_thought_parts.sse');
    const chunks = streamChunks(sse, 'gemini-2.5-pro');
    const thoughts = [...sse.matchAll(/"text": "((?:[^"\\]|\\.)*)","thought": true/g)].map((m) => JSON.parse(`"${m[1]}"`) as string);
    expect(thoughts.length).toBe(4);
    expect(chunks.map((c) => c.choices[0]?.delta.reasoning ?? '').join('')).toBe(thoughts.join(''));
    const details = chunks.flatMap((c) => c.choices[0]?.delta.reasoning_details ?? []);
    expect(details.filter((d) => d.type === 'reasoning.text').every((d) => d.index === 0)).toBe(true);
    const encrypted = details.filter((d) => d.type === 'reasoning.encrypted');
    expect(encrypted).toHaveLength(1);
    expect(encrypted[0]).toMatchObject({ index: 1, format: 'google-gemini-v1' });
    expect(encrypted[0]!.id).toBeUndefined();
    expect(sse).toContain(`"thoughtSignature": "${encrypted[0]!.data}"`);
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(text.startsWith('This is a great question!')).toBe(true);
    expect(text.endsWith('Always assume a driver might not see you.')).toBe(true);
    expect(chunks.at(-1)!.usage).toMatchObject({ prompt_tokens: 34, completion_tokens: 469 + 787, completion_tokens_details: { reasoning_tokens: 787 } });
  });

  it('leaves thoughts out with reasoning.exclude, keeping the signature and the thoughts usage (pydantic-ai thinking)', () => {
    const sse = loadBody('gemini/extracted/stream_thinking_thought_parts.sse');
    const request = { reasoning: { effort: 'high', exclude: true } };
    const chunks = streamChunks(sse, 'gemini-2.5-pro', request);
    expect(chunks.some((c) => c.choices[0]?.delta.reasoning !== undefined)).toBe(false);
    const details = chunks.flatMap((c) => c.choices[0]?.delta.reasoning_details ?? []);
    expect(details.map((d) => d.type)).toEqual(['reasoning.encrypted']);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe(
      streamChunks(sse, 'gemini-2.5-pro').map((c) => c.choices[0]?.delta.content ?? '').join(''),
    );
    expect(chunks.at(-1)!.usage).toMatchObject({ completion_tokens: 469 + 787, completion_tokens_details: { reasoning_tokens: 787 } });

    // The same answer unstreamed: every event's parts in one candidate, with the last usage.
    const events: { candidates: { content: { parts: unknown[] } }[]; usageMetadata: unknown }[] = [];
    const parser = new SseParser((e) => events.push(JSON.parse(e.data) as (typeof events)[number]));
    parser.push(sse);
    parser.end();
    const whole = { ...events.at(-1)!, candidates: [{ ...events.at(-1)!.candidates[0]!, content: { role: 'model', parts: events.flatMap((e) => e.candidates[0]!.content.parts) } }] };
    const { choice, mapped } = mapJson(whole, 'gemini-2.5-pro', request);
    expect(choice.message).not.toHaveProperty('reasoning');
    expect(choice.message.reasoning_details?.map((d) => d.type)).toEqual(['reasoning.encrypted']);
    expect(mapped.usage?.reasoningTokens).toBe(787);
    expect(mapJson(whole, 'gemini-2.5-pro').choice.message.reasoning?.length).toBeGreaterThan(0);
  });

  it('turns grounding byte offsets into string indices of the answer, thoughts left out (synthetic)', () => {
    // Gemini measures segments in UTF-8 bytes; OpenAI annotation indices are string positions.
    const first = 'Le café ☕ ouvre à 7 h.';
    const second = 'Il ferme à 19 h.';
    const answer = `${first} ${second}`;
    const bytes = (text: string) => Buffer.byteLength(text, 'utf8');
    const json = {
      candidates: [
        {
          content: { parts: [{ text: 'Looking up opening hours', thought: true }, { text: answer }] },
          finishReason: 'STOP',
          groundingMetadata: {
            webSearchQueries: ['café horaires'],
            groundingChunks: [{ web: { uri: 'https://vertexaisearch.cloud.google.com/grounding-api-redirect/a', title: 'example.fr' } }],
            groundingSupports: [
              { segment: { endIndex: bytes(first), text: first }, groundingChunkIndices: [0] },
              { segment: { startIndex: bytes(`${first} `), endIndex: bytes(answer), text: second }, groundingChunkIndices: [0] },
            ],
          },
        },
      ],
    };
    const message = mapJson(json).choice.message as Message & { annotations: { url_citation: { start_index: number; end_index: number } }[] };
    const spans = message.annotations.map((a) => answer.slice(a.url_citation.start_index, a.url_citation.end_index));
    expect(spans).toEqual([first, second]);
  });

  it('streams a whole function call as one delta with its signature, finishing with tool_calls (pydantic-ai)', () => {
    const sse = loadBody('gemini/extracted/stream_tool_call_thought_signature.sse');
    const chunks = streamChunks(sse, 'gemini-3-pro-preview');
    const calls = toolCallsOf(chunks);
    expect([...calls.values()]).toEqual([{ id: 'call_QUVVadTSNJ6_qtsPvN7J8Q0_0_0', name: 'get_country', args: '{}' }]);
    const encrypted = chunks.flatMap((c) => c.choices[0]?.delta.reasoning_details ?? []);
    expect(encrypted).toEqual([expect.objectContaining({ type: 'reasoning.encrypted', id: 'call_QUVVadTSNJ6_qtsPvN7J8Q0_0_0' })]);
    expect(sse).toContain(encrypted[0]!.data!);
    expect(chunks.filter((c) => c.choices[0]?.finish_reason).map((c) => c.choices[0]!.finish_reason)).toEqual(['tool_calls']);
  });

  it('reassembles the exact arguments of a streamed call (vercel google-tool-call chunks)', () => {
    const calls = toolCallsOf(streamChunks(loadChunks('gemini/vercel__google-tool-call.chunks.txt'), 'gemini-3-pro-preview'));
    expect([...calls.values()].map((c) => [c.name, c.args])).toEqual([['weather', '{"location":"San Francisco"}']]);
  });

  it('assembles calls whose arguments stream by JSON path into whole, indexed calls (vercel argument deltas)', () => {
    const chunks = streamChunks(loadChunks('gemini/vercel__google-stream-tool-call-arguments.chunks.txt'), 'gemini-3.1-pro-preview');
    const calls = toolCallsOf(chunks);
    expect([...calls.entries()].map(([i, c]) => [i, c.name, JSON.parse(c.args)])).toEqual([
      [0, 'getWeather', { location: 'Boston' }],
      [1, 'getWeather', { location: 'San Francisco' }],
    ]);
    expect(new Set([...calls.values()].map((c) => c.id)).size).toBe(2);
    expect(chunks.filter((c) => c.choices[0]?.finish_reason).map((c) => c.choices[0]!.finish_reason)).toEqual(['tool_calls']);
    expect(chunks.at(-1)!.usage).toMatchObject({ prompt_tokens: 26, completion_tokens: 23 + 132 });
  });

  it('builds streamed arguments by JSON path: nested keys, array items, continued strings, scalars', () => {
    const call = new PartialFunctionCall('id', 'f', undefined);
    call.apply([
      { jsonPath: '$.query.text', stringValue: 'hello ', willContinue: true },
      { jsonPath: '$.query.text', stringValue: 'world' },
      { jsonPath: '$.tags[1]', stringValue: 'b' },
      { jsonPath: '$.tags[0]', stringValue: 'a' },
      { jsonPath: "$['max n']", numberValue: 3 },
      { jsonPath: '$.exact', boolValue: false },
      { jsonPath: '$.none', nullValue: null },
      { jsonPath: '$.name', stringValue: 'x' },
      { jsonPath: '$.name', stringValue: 'y' },
    ]);
    expect(call.args).toEqual({ query: { text: 'hello world' }, tags: ['a', 'b'], 'max n': 3, exact: false, none: null, name: 'y' });
  });

  it('streams the recorded JSON-array answer re-framed as SSE events (langchaingo streaming)', () => {
    const events = JSON.parse(loadBody('gemini/extracted/stream_json_array_no_alt_sse.json')) as { candidates: { content: { parts: { text: string }[] } }[] }[];
    const sse = events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join('');
    const chunks = streamChunks(sse, 'gemini-2.0-flash');
    const expected = events.map((e) => e.candidates[0]?.content.parts.map((p) => p.text).join('') ?? '').join('');
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe(expected);
    expect(chunks.filter((c) => c.choices[0]?.finish_reason).map((c) => c.choices[0]!.finish_reason)).toEqual(['stop']);
    expect(chunks.at(-1)!.usage).toMatchObject({ prompt_tokens: 8, completion_tokens: 578 });
  });

  it('ends a blocked prompt with a refusal and content_filter', () => {
    const chunks = streamChunks(`data: ${JSON.stringify({ promptFeedback: { blockReason: 'SAFETY' }, usageMetadata: { promptTokenCount: 3 } })}\n\n`);
    expect(chunks[1]!.choices[0]).toMatchObject({ finish_reason: 'content_filter', delta: { refusal: expect.stringContaining('SAFETY') as unknown } });
    expect(chunks.at(-1)!.usage?.prompt_tokens).toBe(3);
  });

  it('turns an error event into the error that ends the stream', () => {
    const mapper = googleAdapter.createStreamMapper('chat', endpointFor('gemini-2.5-flash'), {});
    const err = rejection(() => mapper.onEvent({ data: JSON.stringify({ error: { code: 429, message: 'Resource exhausted', status: 'RESOURCE_EXHAUSTED' } }) }));
    expect(err.status).toBe(429);
    expect(err.message).toContain('Resource exhausted');
    expect(err.metadata).toMatchObject({ status: 'RESOURCE_EXHAUSTED' });
  });
});

describe('errors and model listing', () => {
  it("keeps Gemini's message and status from recorded errors", () => {
    const forbidden = loadHttprr('gemini/langchaingo__TestGoogleAIErrorHandling.httprr')[0]!.response;
    expect(googleAdapter.parseError(forbidden.status, forbidden.body)).toEqual({
      message: expect.stringContaining("Method doesn't allow unregistered callers") as unknown,
      metadata: { upstream_status: 403, status: 'PERMISSION_DENIED' },
    });
    const missing = loadVcrYaml('gemini/pydantic-ai__test_model_name_suggestion[google].yaml')[0]!.response;
    expect(googleAdapter.parseError(missing.status, missing.body).metadata).toEqual({ upstream_status: 404, status: 'NOT_FOUND' });
    const withReason = JSON.stringify([{ error: { code: 400, message: 'API key not valid.', status: 'INVALID_ARGUMENT', details: [{ '@type': 'x', reason: 'API_KEY_INVALID' }] } }]);
    expect(googleAdapter.parseError(400, withReason)).toEqual({
      message: 'API key not valid.',
      metadata: { upstream_status: 400, status: 'INVALID_ARGUMENT', reason: 'API_KEY_INVALID' },
    });
    expect(googleAdapter.parseError(502, '<html>bad gateway</html>').message).toBe('<html>bad gateway</html>');
  });

  it('lists models with the key in a header and keeps those that chat or embed', () => {
    const req = googleAdapter.listModelsRequest({ baseUrl: BASE }, 'AIza-k');
    expect(req.url).toBe(`${BASE}/models?pageSize=1000`);
    expect(req.headers['x-goog-api-key']).toBe('AIza-k');
    expect(
      googleAdapter.parseModelList({
        models: [
          { name: 'models/gemini-2.5-flash', supportedGenerationMethods: ['generateContent', 'countTokens'] },
          { name: 'models/gemini-embedding-001', supportedGenerationMethods: ['embedContent'] },
          { name: 'models/aqa', supportedGenerationMethods: ['generateAnswer'] },
        ],
      }),
    ).toEqual(['gemini-2.5-flash', 'gemini-embedding-001']);
    expect(googleAdapter.supports('embeddings')).toBe(true);
    expect(googleAdapter.supports('completions')).toBe(false);
  });
});
