/**
 * The privacy layer on the two inbound routes added for coding tools: POST /v1/responses (openai
 * SDK `responses.create`) and Gemini-native /v1beta/models/{model}:{generateContent,
 * streamGenerateContent,countTokens} (`@google/genai` with its base URL moved). Data policy,
 * redaction before egress with restoration (JSON and every stream form, native and translated),
 * opt-in body logging and the egress audit must hold there exactly as on chat completions.
 */
import { GoogleGenAI, type GenerateContentResponse } from '@google/genai';
import OpenAI from 'openai';
import type { ResponseStreamEvent } from 'openai/resources/responses/responses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BodyLog } from '../src/main/core/policy/body-log.js';
import { egressAudit } from '../src/main/core/policy/privacy-api.js';
import { PrivacyStore } from '../src/main/core/policy/privacy-store.js';
import { usageDbPath } from '../src/main/core/paths.js';
import { AppKeyStore } from '../src/main/core/secrets/app-keys.js';
import { openDb, type Db } from '../src/main/core/usage/usage-db.js';
import { UsageQueries } from '../src/main/core/usage/usage-queries.js';
import { startHarness, type Harness } from './helpers/gateway-harness.js';
import type { MockReply, UpstreamRequest } from './helpers/mock-upstream.js';
import { openAiEcho, placeholdersIn } from './helpers/placeholder-streams.js';

const SECRET = 'AKIAZ7XTQ4PL2MNB6WUD';
const EMAIL = 'zoë.müller@example.com';
/** Ends in what could start a placeholder, so the restorers must hold it back and still let it out at the end. */
const PROMPT = `Deploy with key ${SECRET} and mail ${EMAIL} when done 🙂 [[NOTE`;
const GEMINI_MODEL = 'gem/gemini-2.5-pro';

const argsFor = (text: string) => ({ to: placeholdersIn(text).join(',') });
const RESTORED_ARGS = { to: `${SECRET},${EMAIL}` };

type Json = Record<string, unknown>;

/** The prompt text as the upstream got it, whatever the wire format. */
function upstreamText(req: UpstreamRequest): string {
  const body = req.body as Json;
  if (typeof body.input === 'string') return body.input;
  if (Array.isArray(body.input)) {
    const last = body.input.at(-1) as { content: { text?: string }[] };
    return last.content.map((p) => p.text ?? '').join('');
  }
  if (Array.isArray(body.contents)) {
    const last = body.contents.at(-1) as { parts: { text?: string }[] };
    return last.parts.map((p) => p.text ?? '').join('');
  }
  const messages = body.messages as { content: string | { text?: string }[] }[];
  const content = messages.at(-1)!.content;
  return typeof content === 'string' ? content : content.map((p) => p.text ?? '').join('');
}

const sse = (data: object, event?: string) => `${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(data)}\n\n`;

function chatReply(req: UpstreamRequest): MockReply {
  const text = upstreamText(req);
  if ((req.body as Json).stream) return { sse: openAiEcho(text) };
  return {
    body: {
      id: 'c1', object: 'chat.completion', created: 1, model: 'm',
      choices: [{ index: 0, message: { role: 'assistant', content: text, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'send', arguments: JSON.stringify(argsFor(text)) } }] }, finish_reason: 'tool_calls' }],
      usage: { prompt_tokens: 5, completion_tokens: 5, total_tokens: 10 },
    },
  };
}

/** An OpenAI Responses API answer echoing `text`, with a function call whose arguments carry the placeholders. */
function responseObject(text: string, status = 'completed'): Json {
  return {
    id: 'resp_1', object: 'response', created_at: 1, status, model: 'gpt-4o',
    output: [
      { id: 'msg_1', type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text, annotations: [] }] },
      { id: 'fc_1', type: 'function_call', status: 'completed', call_id: 'call_1', name: 'send', arguments: JSON.stringify(argsFor(text)) },
    ],
    usage: { input_tokens: 5, output_tokens: 5, total_tokens: 10, input_tokens_details: { cached_tokens: 0 }, output_tokens_details: { reasoning_tokens: 0 } },
  };
}

/** The native Responses stream of that answer: text and arguments one character per delta event. */
function responsesEcho(text: string): string {
  const whole = responseObject(text);
  const [message, call] = whole.output as Json[];
  const args = (call as { arguments: string }).arguments;
  let seq = 0;
  const ev = (type: string, data: object) => sse({ type, sequence_number: seq++, ...data }, type);
  return [
    ev('response.created', { response: { ...whole, status: 'in_progress', output: [], usage: null } }),
    ev('response.output_item.added', { output_index: 0, item: { ...message, status: 'in_progress', content: [] } }),
    ev('response.content_part.added', { item_id: 'msg_1', output_index: 0, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } }),
    ...[...text].map((ch) => ev('response.output_text.delta', { item_id: 'msg_1', output_index: 0, content_index: 0, delta: ch })),
    ev('response.output_text.done', { item_id: 'msg_1', output_index: 0, content_index: 0, text }),
    ev('response.content_part.done', { item_id: 'msg_1', output_index: 0, content_index: 0, part: { type: 'output_text', text, annotations: [] } }),
    ev('response.output_item.done', { output_index: 0, item: message }),
    ev('response.output_item.added', { output_index: 1, item: { ...call, status: 'in_progress', arguments: '' } }),
    ...[...args].map((ch) => ev('response.function_call_arguments.delta', { item_id: 'fc_1', output_index: 1, delta: ch })),
    ev('response.function_call_arguments.done', { item_id: 'fc_1', output_index: 1, arguments: args }),
    ev('response.output_item.done', { output_index: 1, item: call }),
    ev('response.completed', { response: whole }),
  ].join('');
}

const GEMINI_USAGE = { promptTokenCount: 5, candidatesTokenCount: 5, totalTokenCount: 10 };

/** Gemini's answer echoing `text`: text parts, then a function call whose args carry the placeholders. */
function geminiChunks(text: string, perChar: boolean): Json[] {
  const candidate = (parts: object[], finishReason?: string) => ({ candidates: [{ index: 0, content: { role: 'model', parts }, ...(finishReason ? { finishReason } : {}) }] });
  const call = { functionCall: { name: 'send', args: argsFor(text) } };
  if (!perChar) return [{ ...candidate([{ text }, call], 'STOP'), usageMetadata: GEMINI_USAGE }];
  return [
    ...[...text].map((ch) => candidate([{ text: ch }])),
    { ...candidate([call], 'STOP'), usageMetadata: GEMINI_USAGE },
  ];
}

function geminiReply(req: UpstreamRequest): MockReply {
  if (req.path.endsWith(':countTokens')) return { body: { totalTokens: 7 } };
  const text = upstreamText(req);
  if (req.path.endsWith(':streamGenerateContent')) return { sse: geminiChunks(text, true).map((c) => sse(c)).join('') };
  return { body: geminiChunks(text, false)[0] };
}

let h: Harness;
let db: Db;
const keys: Record<'localOnly' | 'deny' | 'redact' | 'redactPass' | 'logged', string> = { localOnly: '', deny: '', redact: '', redactPass: '', logged: '' };
let loggedKeyId = 0;

beforeAll(async () => {
  h = await startHarness({
    config: {
      providers: {
        oai: { type: 'openai', baseUrl: '${UPSTREAM}/oai/v1', models: ['gpt-4o'], pricing: { prompt: '0.000001', completion: '0.000001' } },
        mock: { type: 'openai-compatible', baseUrl: '${UPSTREAM}/v1', models: ['gpt-4o-mini'], pricing: { prompt: '0.000001', completion: '0.000001' } },
        gem: { type: 'google', baseUrl: '${UPSTREAM}/gemini/v1beta', models: ['gemini-2.5-pro'], pricing: { prompt: '0.000001', completion: '0.000001' } },
        // The dearest, so only a data rule sends anything there.
        local: { type: 'openai-compatible', baseUrl: '${UPSTREAM}/local/v1', models: ['m'], dataPolicy: { local: true }, pricing: { prompt: '0.001', completion: '0.001' } },
      },
      models: {
        shared: { endpoints: [{ provider: 'oai', model: 'gpt-4o' }, { provider: 'gem', model: 'gemini-2.5-pro' }, { provider: 'local', model: 'm' }] },
      },
    },
    vaultKeys: { oai: ['k-oai'], mock: ['k-mock'], gem: ['k-gem'] },
  });
  h.upstream.on('POST', /^\/(local\/)?v1\/chat\/completions$/, chatReply);
  h.upstream.on('POST', '/oai/v1/responses', (req) => {
    const text = upstreamText(req);
    return (req.body as Json).stream ? { sse: responsesEcho(text) } : { body: responseObject(text) };
  });
  h.upstream.on('POST', /^\/gemini\/v1beta\/models\/[^/]+:(generateContent|streamGenerateContent|countTokens)$/, geminiReply);

  db = openDb(usageDbPath(h.dataDir));
  const appKeys = new AppKeyStore(db);
  const privacy = new PrivacyStore(db);
  const make = (name: keyof typeof keys, patch: Parameters<PrivacyStore['setForKey']>[1]) => {
    const created = appKeys.create({ name });
    keys[name] = created.key;
    privacy.setForKey(created.appKey.id, patch);
    return created.appKey.id;
  };
  make('localOnly', { rules: { localOnly: true } });
  make('deny', { rules: { dataCollection: 'deny' } });
  make('redact', { redaction: { mode: 'reversible' } });
  make('redactPass', { redaction: { mode: 'reversible', attachments: 'pass' } });
  loggedKeyId = make('logged', { logging: { bodies: true, retentionDays: 7 } });
  // The gateway re-reads settings changed by another connection within 100 ms.
  await new Promise((r) => setTimeout(r, 150));
});
afterAll(async () => {
  db?.close();
  await h?.close();
});

const openai = (key: string) => new OpenAI({ baseURL: h.baseURL, apiKey: key, maxRetries: 0 });
const genai = (key: string) => new GoogleGenAI({ apiKey: key, httpOptions: { baseUrl: h.gateway.url } });

function geminiFetch(key: string, model: string, method: string, body: object, query = ''): Promise<Response> {
  return fetch(`${h.gateway.url}/v1beta/models/${model}:${method}${query}`, {
    method: 'POST',
    headers: { 'x-goog-api-key': key, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

async function trace(key: string, id: string | null): Promise<{ provider: string; outcome: string; reason?: string }[]> {
  const res = await fetch(`${h.baseURL}/generation?id=${id}`, { headers: { authorization: `Bearer ${key}` } });
  return ((await res.json()) as { data: { attempts: { provider: string; outcome: string; reason?: string }[] } }).data.attempts;
}

/** The upstream requests made while `work` ran. */
async function sentDuring(work: () => Promise<unknown>): Promise<UpstreamRequest[]> {
  const before = h.upstream.requests.length;
  await work();
  return h.upstream.requests.slice(before);
}

function expectRedacted(sent: UpstreamRequest[]): void {
  expect(sent).toHaveLength(1);
  const raw = JSON.stringify(sent[0]!.body);
  expect(raw).not.toContain(SECRET);
  expect(raw).not.toContain(EMAIL);
  expect(placeholdersIn(upstreamText(sent[0]!))).toEqual(['[[AWS_ACCESS_KEY_1]]', '[[EMAIL_1]]']);
}

const NO_ENDPOINTS = /^No endpoints found matching your data policy \(local_only \(set by app_key\)\)/;

describe('data policy on POST /v1/responses', () => {
  it('a local-only key cannot reach a cloud model: 404 in OpenAI shape, nothing sent, the trace names the rule', async () => {
    for (const stream of [false, true]) {
      const sent = await sentDuring(async () => {
        const res = await fetch(`${h.baseURL}/responses`, {
          method: 'POST',
          headers: { authorization: `Bearer ${keys.localOnly}`, 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'oai/gpt-4o', input: 'hello', stream }),
        });
        expect(res.status).toBe(404);
        const body = (await res.json()) as { error: { code: number; message: string; metadata: { data_policy: string[] } } };
        expect(body.error.code).toBe(404);
        expect(body.error.message).toMatch(NO_ENDPOINTS);
        expect(body.error.metadata.data_policy).toEqual(['local_only']);
        expect(await trace(keys.localOnly, res.headers.get('x-generation-id'))).toMatchObject([{ provider: 'oai', outcome: 'skipped', reason: 'data_policy' }]);
      });
      expect(sent).toEqual([]);
    }
    await expect(openai(keys.localOnly).responses.create({ model: 'oai/gpt-4o', input: 'hello' })).rejects.toMatchObject({ status: 404 });
  });

  it('a local-only key on a shared model is routed to the declared-local endpoint only', async () => {
    const sent = await sentDuring(async () => {
      const response = await openai(keys.localOnly).responses.create({ model: 'shared', input: 'hello there' });
      expect(response.output_text).toBe('hello there');
      expect(await trace(keys.localOnly, response.id)).toMatchObject([
        { provider: 'oai', outcome: 'skipped', reason: 'data_policy' },
        { provider: 'gem', outcome: 'skipped', reason: 'data_policy' },
        { provider: 'local', outcome: 'ok' },
      ]);
    });
    expect(sent.map((r) => r.path)).toEqual(['/local/v1/chat/completions']);
  });

  it('a request can tighten its policy with provider.local_only, and the native body does not carry it upstream', async () => {
    const client = openai(h.appKey);
    const tight = await sentDuring(() => client.responses.create({ model: 'shared', input: 'hi', provider: { local_only: true } } as never));
    expect(tight.map((r) => r.path)).toEqual(['/local/v1/chat/completions']);
    // Another conversation: the first would stay on its endpoint for the prompt cache.
    const open = await sentDuring(() => client.responses.create({ model: 'shared', input: 'another conversation' }));
    expect(open.map((r) => r.path)).toEqual(['/oai/v1/responses']);
  });
});

describe('data policy on the Gemini routes', () => {
  it('a local-only key gets 404 in Google\'s shape on generateContent, both streams and countTokens; nothing is sent', async () => {
    const calls: [string, string][] = [
      ['generateContent', ''], ['streamGenerateContent', '?alt=sse'], ['streamGenerateContent', ''], ['countTokens', ''],
    ];
    const sent = await sentDuring(async () => {
      for (const [method, query] of calls) {
        const res = await geminiFetch(keys.localOnly, GEMINI_MODEL, method, { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] }, query);
        expect(res.status, method + query).toBe(404);
        const body = (await res.json()) as { error: { code: number; status: string; message: string } };
        expect(body.error).toMatchObject({ code: 404, status: 'NOT_FOUND' });
        expect(body.error.message).toMatch(NO_ENDPOINTS);
        expect(await trace(keys.localOnly, res.headers.get('x-generation-id'))).toMatchObject([{ provider: 'gem', outcome: 'skipped', reason: 'data_policy' }]);
      }
    });
    expect(sent).toEqual([]);
    await expect(genai(keys.localOnly).models.generateContent({ model: GEMINI_MODEL, contents: 'hi' })).rejects.toMatchObject({ status: 404 });
  });

  it('data_collection deny set on the key skips a Google free-tier provider; a shared model goes elsewhere', async () => {
    const res = await geminiFetch(keys.deny, GEMINI_MODEL, 'generateContent', { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/^No endpoints found matching your data policy \(data_collection \(set by app_key\)\)/);
    const sent = await sentDuring(async () => {
      const answer = await genai(keys.localOnly).models.generateContent({ model: 'shared', contents: 'hello local' });
      expect(answer.text).toBe('hello local');
    });
    expect(sent.map((r) => r.path)).toEqual(['/local/v1/chat/completions']);
  });

  it('the egress audit records the policy of every request on both routes', async () => {
    await h.usageRows((rows) => rows.filter((r) => r.app_key === 'localOnly').length >= 9);
    const audit = egressAudit(new UsageQueries(db), { appKey: 'localOnly' });
    expect(audit.length).toBeGreaterThanOrEqual(9);
    for (const row of audit) expect(row.policy).toMatchObject({ local_only: true, set_by: { local_only: 'app_key' } });
    expect(new Set(audit.map((r) => r.provider))).toEqual(new Set([null, 'local']));
  });
});

async function collectResponses(stream: AsyncIterable<ResponseStreamEvent>) {
  let text = '';
  let args = '';
  let completed: OpenAI.Responses.Response | undefined;
  for await (const event of stream) {
    if (event.type === 'response.output_text.delta') text += event.delta;
    if (event.type === 'response.function_call_arguments.delta') args += event.delta;
    if (event.type === 'response.completed') completed = event.response;
  }
  return { text, args, completed };
}

function callArgsOf(response: OpenAI.Responses.Response | undefined): unknown {
  const call = response?.output.find((item) => item.type === 'function_call');
  return call?.type === 'function_call' ? JSON.parse(call.arguments) : undefined;
}

describe('redaction on POST /v1/responses', () => {
  for (const [route, model] of [['native (openai provider)', 'oai/gpt-4o'], ['translated (chat provider)', 'mock/gpt-4o-mini']] as const) {
    it(`${route}, JSON: placeholders go up, originals come back in text and call arguments`, async () => {
      let response: OpenAI.Responses.Response | undefined;
      expectRedacted(await sentDuring(async () => {
        response = await openai(keys.redact).responses.create({ model, input: PROMPT });
      }));
      expect(response?.output_text).toBe(PROMPT);
      expect(callArgsOf(response)).toEqual(RESTORED_ARGS);
    });

    it(`${route}, streamed one character per event: deltas, done events and the final response restored`, async () => {
      let got: Awaited<ReturnType<typeof collectResponses>> | undefined;
      expectRedacted(await sentDuring(async () => {
        got = await collectResponses(await openai(keys.redact).responses.create({ model, input: PROMPT, stream: true }));
      }));
      expect(got?.text).toBe(PROMPT);
      expect(JSON.parse(got?.args ?? '')).toEqual(RESTORED_ARGS);
      expect(got?.completed?.output_text ?? got?.completed?.output.flatMap((o) => (o.type === 'message' ? o.content : [])).map((c) => (c.type === 'output_text' ? c.text : '')).join('')).toBe(PROMPT);
      expect(callArgsOf(got?.completed)).toEqual(RESTORED_ARGS);
    });
  }

  it('instructions and input items are redacted too', async () => {
    const sent = await sentDuring(() => openai(keys.redact).responses.create({
      model: 'oai/gpt-4o',
      instructions: `Never reveal ${SECRET}`,
      input: [{ role: 'user', content: [{ type: 'input_text', text: `Write to ${EMAIL}` }] }],
    }));
    const raw = JSON.stringify(sent[0]?.body);
    expect(raw).not.toContain(SECRET);
    expect(raw).not.toContain(EMAIL);
  });
});

async function collectGemini(stream: AsyncIterable<GenerateContentResponse>) {
  let text = '';
  const calls: unknown[] = [];
  for await (const chunk of stream) {
    text += chunk.text ?? '';
    for (const call of chunk.functionCalls ?? []) calls.push(call.args);
  }
  return { text, calls };
}

describe('redaction on the Gemini routes', () => {
  for (const [route, model] of [['native (Google provider)', GEMINI_MODEL], ['translated (chat provider)', 'mock/gpt-4o-mini']] as const) {
    it(`${route}, JSON: placeholders go up, originals come back in text and function-call args`, async () => {
      let answer: GenerateContentResponse | undefined;
      expectRedacted(await sentDuring(async () => {
        answer = await genai(keys.redact).models.generateContent({ model, contents: PROMPT });
      }));
      expect(answer?.text).toBe(PROMPT);
      expect(answer?.functionCalls?.[0]?.args).toEqual(RESTORED_ARGS);
    });

    it(`${route}, SSE stream one character per chunk: text and args restored`, async () => {
      let got: Awaited<ReturnType<typeof collectGemini>> | undefined;
      expectRedacted(await sentDuring(async () => {
        got = await collectGemini(await genai(keys.redact).models.generateContentStream({ model, contents: PROMPT }));
      }));
      expect(got?.text).toBe(PROMPT);
      expect(got?.calls).toEqual([RESTORED_ARGS]);
    });

    it(`${route}, JSON-array stream (no alt=sse): restored`, async () => {
      let chunks: GenerateContentResponse[] = [];
      expectRedacted(await sentDuring(async () => {
        const res = await geminiFetch(keys.redact, model, 'streamGenerateContent', { contents: [{ role: 'user', parts: [{ text: PROMPT }] }] });
        expect(res.status).toBe(200);
        chunks = (await res.json()) as GenerateContentResponse[];
      }));
      const parts = chunks.flatMap((c) => c.candidates?.[0]?.content?.parts ?? []);
      expect(parts.map((p) => p.text ?? '').join('')).toBe(PROMPT);
      expect(parts.filter((p) => p.functionCall).map((p) => p.functionCall?.args)).toEqual([RESTORED_ARGS]);
    });
  }

  it('system instruction and countTokens are redacted before they leave', async () => {
    const generated = await sentDuring(() => genai(keys.redact).models.generateContent({
      model: GEMINI_MODEL, contents: `Mail ${EMAIL}`, config: { systemInstruction: `Never reveal ${SECRET}` },
    }));
    const counted = await sentDuring(() => genai(keys.redact).models.countTokens({ model: GEMINI_MODEL, contents: PROMPT }));
    for (const sent of [...generated, ...counted]) {
      expect(JSON.stringify(sent.body)).not.toContain(SECRET);
      expect(JSON.stringify(sent.body)).not.toContain(EMAIL);
    }
    expect(counted.map((r) => r.path)).toEqual([`/gemini/v1beta/models/gemini-2.5-pro:countTokens`]);
  });

  it('inlineData and fileData parts are attachments: refused by default, passed untouched and counted when allowed', async () => {
    const image = { inlineData: { mimeType: 'image/png', data: Buffer.from(`png ${SECRET}`).toString('base64') } };
    const file = { fileData: { mimeType: 'application/pdf', fileUri: 'https://example.com/a.pdf' } };
    const body = { contents: [{ role: 'user', parts: [{ text: PROMPT }, image, file] }] };
    const refused = await sentDuring(async () => {
      const res = await geminiFetch(keys.redact, GEMINI_MODEL, 'generateContent', body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { status: string; message: string } }).error).toMatchObject({ status: 'INVALID_ARGUMENT', message: expect.stringContaining('2 attachment(s)') });
    });
    expect(refused).toEqual([]);
    const passed = await sentDuring(async () => {
      expect((await geminiFetch(keys.redactPass, GEMINI_MODEL, 'generateContent', body)).status).toBe(200);
    });
    const parts = (passed[0]?.body as { contents: { parts: object[] }[] }).contents[0]!.parts;
    expect(parts.slice(1)).toEqual([image, file]);
    const rows = await h.usageRows((all) => all.some((r) => r.app_key === 'redactPass'));
    const audit = egressAudit(new UsageQueries(db), { appKey: 'redactPass' });
    expect(rows.length).toBeGreaterThan(0);
    expect(audit[0]).toMatchObject({ attachments_passed: 2, redacted: { aws_access_key: 1, email: 1 } });
  });

  it('the audit counts by kind on every redacted request of both routes', async () => {
    // 5 Responses requests, 8 Gemini ones answered, 1 refused for its attachments.
    await h.usageRows((rows) => rows.filter((r) => r.app_key === 'redact').length >= 14);
    const audit = egressAudit(new UsageQueries(db), { appKey: 'redact' });
    expect(audit.filter((r) => r.provider === null)).toHaveLength(1);
    const answered = audit.filter((r) => r.provider !== null);
    expect(answered).toHaveLength(13);
    for (const row of answered) expect(Object.keys(row.redacted).length).toBeGreaterThan(0);
  });
});

describe('redaction fails closed on both routes', () => {
  it('a detector that errors refuses the request in the route\'s own error shape; nothing goes upstream', async () => {
    const { key, appKey } = new AppKeyStore(db).create({ name: 'broken-pattern' });
    // Written past the API's validation, as an older version or a hand edit could leave it.
    db.prepare('INSERT INTO app_key_privacy (app_key_id, settings) VALUES (?, ?)').run(appKey.id, JSON.stringify({
      rules: { dataCollection: 'allow', zdr: false, localOnly: false },
      logging: { bodies: false, retentionDays: 30 },
      redaction: { mode: 'mask', secrets: true, pii: true, custom: [{ name: 'bad', pattern: '(unclosed' }], allow: [], attachments: 'block' },
    }));
    await new Promise((r) => setTimeout(r, 150));
    const sent = await sentDuring(async () => {
      await expect(openai(key).responses.create({ model: 'oai/gpt-4o', input: PROMPT })).rejects.toMatchObject({ status: 500 });
      const res = await geminiFetch(key, GEMINI_MODEL, 'streamGenerateContent', { contents: [{ role: 'user', parts: [{ text: PROMPT }] }] }, '?alt=sse');
      expect(res.status).toBe(500);
      const body = (await res.json()) as { error: { status: string; message: string } };
      expect(body.error.status).toBe('INTERNAL');
      expect(body.error.message).toContain('nothing left this machine');
    });
    expect(sent).toEqual([]);
  });
});

describe('opt-in body logging on both routes', () => {
  it('keeps the prompt as sent and the answer as received for a logging key', async () => {
    const response = await openai(keys.logged).responses.create({ model: 'oai/gpt-4o', input: 'log-me-responses' });
    const streamed = await collectGemini(await genai(keys.logged).models.generateContentStream({ model: GEMINI_MODEL, contents: 'log-me-gemini' }));
    expect(streamed.text).toBe('log-me-gemini');
    await h.usageRows((rows) => rows.filter((r) => r.app_key === 'logged').length >= 2);
    const history = new BodyLog(db).history(loggedKeyId);
    const responsesEntry = history.find((e) => e.prompt.includes('log-me-responses'));
    const geminiEntry = history.find((e) => e.prompt.includes('log-me-gemini'));
    expect(responsesEntry?.request_id).toBe(response.id);
    expect(responsesEntry?.completion).toContain('log-me-responses');
    expect(geminiEntry?.completion).toContain('"text":"l"');
  });
});
