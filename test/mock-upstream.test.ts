import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { loadBody, loadChunks, loadDdTraceJson, loadHttprr, loadVcrYaml, type Recording } from './helpers/fixtures.js';
import { replyFromRecording, startMockUpstream, type MockUpstream } from './helpers/mock-upstream.js';

function only(recordings: Recording[]): Recording {
  expect(recordings).toHaveLength(1);
  const [recording] = recordings;
  if (!recording) throw new Error('no recording');
  return recording;
}

function json(text: string): unknown {
  return JSON.parse(text) as unknown;
}

describe('fixture loaders', () => {
  it('loadHttprr parses a raw HTTP trace into request and response', () => {
    const { request, response } = only(loadHttprr('openai/langchaingo__TestClient_CreateChatCompletion.httprr'));
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/v1/chat/completions');
    expect(request.headers['authorization']).toBe('Bearer test-api-key');
    expect(json(request.body)).toMatchObject({ model: 'gpt-3.5-turbo', max_completion_tokens: 50 });
    expect(response.status).toBe(200);
    expect(response.headers['x-request-id']).toBe('req_7997c69c86b744538a2884c8d777754b');
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.headers).not.toHaveProperty('content-length');
    expect(json(response.body)).toMatchObject({ object: 'chat.completion', usage: { total_tokens: 44 } });
  });

  it('loadHttprr returns streamed bodies byte-for-byte and removes chunked framing', () => {
    const anthropic = only(loadHttprr('anthropic/langchaingo__TestClient_CreateMessageStream.httprr'));
    expect(anthropic.request.headers['x-api-key']).toBe('test-api-key');
    expect(anthropic.response.body).toBe(loadBody('anthropic/extracted/stream_text.sse'));

    const ollama = only(loadHttprr('ollama/langchaingo__TestClient_GenerateChatStream.httprr'));
    expect(ollama.request.path).toBe('/api/chat');
    expect(ollama.response.headers['content-type']).toBe('application/x-ndjson');
    expect(ollama.response.headers).not.toHaveProperty('transfer-encoding');
    expect(ollama.response.body).toBe(loadBody('ollama/extracted/chat_stream_local.ndjson'));
  });

  it('loadHttprr keeps the query string in the path', () => {
    const { request, response } = only(loadHttprr('gemini/langchaingo__TestGoogleAIErrorHandling.httprr'));
    expect(request.path).toBe('/v1beta/models/gemini-2.0-flash:generateContent?%24alt=json%3Benum-encoding%3Dint');
    expect(response.status).toBe(403);
    expect(json(response.body)).toMatchObject({ error: { status: 'PERMISSION_DENIED' } });
  });

  it('loadVcrYaml reads every interaction of a pydantic-ai cassette', () => {
    const [toolCall, answer, ...rest] = loadVcrYaml('openai/pydantic-ai__test_run_stream_sync_streams_real_model.yaml');
    expect(rest).toHaveLength(0);
    expect(toolCall?.request.path).toBe('/v1/chat/completions');
    expect(json(toolCall?.request.body ?? '')).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(toolCall?.response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(toolCall?.response.body).toBe(loadBody('openai/extracted/stream_tool_call_arg_deltas.sse'));
    expect(answer?.response.body).toBe(loadBody('openai/extracted/stream_text_after_tool_result.sse'));
  });

  it('loadVcrYaml re-serialises parsed_body responses as JSON', () => {
    const { response } = only(loadVcrYaml('openai/pydantic-ai__test_model_name_suggestion[openai-chat].yaml'));
    expect(response.status).toBe(404);
    expect(json(response.body)).toEqual({
      error: {
        code: 'model_not_found',
        message: 'The model `gpt-5.2-proo` does not exist or you do not have access to it.',
        param: null,
        type: 'invalid_request_error',
      },
    });
  });

  it('loadVcrYaml inflates gzip !!binary bodies and drops their content-encoding', () => {
    const { request, response } = only(loadVcrYaml('anthropic/dd-trace__anthropic_create_image.yaml'));
    expect(json(request.body)).toMatchObject({ model: expect.stringContaining('claude') });
    expect(response.headers).not.toHaveProperty('content-encoding');
    expect(response.headers['request-id']).toMatch(/^req_/);
    expect(json(response.body)).toMatchObject({ type: 'message', role: 'assistant' });
  });

  it('loadVcrYaml reads the legacy layout (response.content, status_code)', () => {
    const { request, response } = only(loadVcrYaml('openai/dd-trace__model_list.yaml'));
    expect(request).toMatchObject({ method: 'GET', path: '/v1/models', body: '' });
    expect(response.status).toBe(200);
    const list = json(response.body);
    expect(list).toMatchObject({ object: 'list' });
    expect((list as { data: unknown[] }).data.length).toBeGreaterThan(10);
  });

  it('loadVcrYaml keeps raw error bodies and statuses', () => {
    const { response } = only(loadVcrYaml('openai/dd-trace__llama_index_chat_error.yaml'));
    expect(response.status).toBe(401);
    expect(json(response.body)).toMatchObject({ error: { code: 'invalid_api_key', type: 'invalid_request_error' } });
  });

  it('loadDdTraceJson reads a dd-trace JSON cassette', () => {
    const { request, response } = loadDdTraceJson('openai/dd-trace__openai_chat_completions_post_6c0d752b.json');
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/v1/chat/completions');
    expect(json(request.body)).toMatchObject({ model: 'gpt-3.5-turbo-0125', stream: false });
    expect(response.status).toBe(200);
    expect(response.headers).not.toHaveProperty('content-encoding');
    expect(json(response.body)).toMatchObject({
      choices: [{ finish_reason: 'tool_calls', message: { content: null, tool_calls: [{ type: 'function' }] } }],
    });
  });

  it('loadDdTraceJson returns a streamed body verbatim', () => {
    const { response } = loadDdTraceJson('mistral/dd-trace__mistral_text_stream_7dbf2fa3.json');
    expect(response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(response.body).toBe(loadBody('mistral/extracted/stream_text.sse'));
  });

  it('loadBody reads a verbatim body file', () => {
    expect(json(loadBody('openai/vercel__openai-text.json'))).toMatchObject({
      object: 'chat.completion',
      usage: { prompt_tokens_details: { cached_tokens: 0 } },
    });
  });

  it('loadChunks frames each payload line as an SSE event without inventing [DONE]', () => {
    const payloads = loadBody('gemini/vercel__google-stream-tool-call-arguments.chunks.txt').split('\n');
    const sse = loadChunks('gemini/vercel__google-stream-tool-call-arguments.chunks.txt');
    expect(sse).toBe(payloads.map((payload) => `data: ${payload}\n\n`).join(''));
    expect(sse).not.toContain('[DONE]');
  });

  it('loadChunks can restore Anthropic event names from each payload type', () => {
    const payloadCount = loadBody('anthropic/vercel__anthropic-tool-no-args.chunks.txt').split('\n').length;
    const sse = loadChunks('anthropic/vercel__anthropic-tool-no-args.chunks.txt', { eventFromType: true });
    const events = sse.split('\n\n').filter((event) => event !== '');
    expect(events).toHaveLength(payloadCount);
    for (const event of events) {
      const [eventLine = '', dataLine = ''] = event.split('\n');
      const payload = json(dataLine.slice('data: '.length)) as { type: string };
      expect(eventLine).toBe(`event: ${payload.type}`);
    }
    expect(events[0]).toMatch(/^event: message_start\n/);
    expect(events.at(-1)).toMatch(/^event: message_stop\n/);
  });
});

/** Sends one HTTP/1.1 request over a raw socket and returns the body's transfer chunks as sent. */
async function rawChunks(url: string, path: string): Promise<{ head: string; chunks: Buffer[] }> {
  const { hostname, port } = new URL(url);
  const socket = net.connect(Number(port), hostname);
  socket.write(`GET ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nConnection: close\r\n\r\n`);
  const parts: Buffer[] = [];
  for await (const part of socket) parts.push(part as Buffer);
  const raw = Buffer.concat(parts);
  const headEnd = raw.indexOf('\r\n\r\n');
  const chunks: Buffer[] = [];
  let offset = headEnd + 4;
  while (offset < raw.length) {
    const lineEnd = raw.indexOf('\r\n', offset);
    const size = Number.parseInt(raw.subarray(offset, lineEnd).toString('latin1'), 16);
    if (!(size > 0)) break;
    chunks.push(raw.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
  return { head: raw.subarray(0, headEnd).toString('latin1'), chunks };
}

async function readUntilError(response: Response): Promise<{ received: Buffer; error: unknown }> {
  const reader = response.body?.getReader();
  if (!reader) throw new Error('no body');
  const parts: Uint8Array[] = [];
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { received: Buffer.concat(parts), error: undefined };
      parts.push(value);
    }
  } catch (error) {
    return { received: Buffer.concat(parts), error };
  }
}

describe('mock upstream', () => {
  let mock: MockUpstream | undefined;
  afterEach(async () => {
    await mock?.close();
    mock = undefined;
  });

  it('answers a JSON reply and records the request as received', async () => {
    mock = await startMockUpstream({
      'POST /v1/chat/completions': { status: 201, headers: { 'X-Request-Id': 'req_1' }, body: { ok: true } },
    });
    const response = await fetch(`${mock.url}/v1/chat/completions?trace=1`, {
      method: 'POST',
      headers: { Authorization: 'Bearer sk-provider', 'Content-Type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', stream: false }),
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('x-request-id')).toBe('req_1');
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ ok: true });

    expect(mock.requests).toHaveLength(1);
    const [request] = mock.requests;
    expect(request).toMatchObject({
      method: 'POST',
      url: '/v1/chat/completions?trace=1',
      path: '/v1/chat/completions',
      body: { model: 'gpt-4o-mini', stream: false },
    });
    expect(request?.headers['authorization']).toBe('Bearer sk-provider');
    expect(request?.rawBody).toBe('{"model":"gpt-4o-mini","stream":false}');
    expect(await request?.closed).toBe('finished');
  });

  it('uses routes first, then enqueued replies in order, then a 404 naming the request', async () => {
    mock = await startMockUpstream({ 'GET /v1/models': { body: { data: [] } } });
    mock.enqueue({ body: 'first' }, () => ({ status: 503, body: { error: { message: 'second' } } }));
    mock.on('*', /^\/v1\/models\/.+/, { body: { id: 'routed' } });

    const texts: string[] = [];
    for (const path of ['/v1/models', '/v1/chat/completions', '/v1/models/x', '/v1/embeddings', '/v1/other']) {
      const response = await fetch(`${mock.url}${path}`);
      texts.push(`${response.status} ${await response.text()}`);
    }
    expect(texts).toEqual([
      '200 {"data":[]}',
      '200 first',
      '200 {"id":"routed"}',
      '503 {"error":{"message":"second"}}',
      `404 {"error":{"message":"mock upstream has no reply for GET /v1/other","type":"mock_unrouted"}}`,
    ]);
  });

  it('lets a later route override an earlier one', async () => {
    mock = await startMockUpstream({ 'GET /v1/models': { body: { data: ['old'] } } });
    mock.on('GET', '/v1/models', { body: { data: ['new'] } });
    expect(await (await fetch(`${mock.url}/v1/models`)).json()).toEqual({ data: ['new'] });
  });

  it('streams an SSE body that the client reads back byte-for-byte', async () => {
    const sse = loadBody('openai/extracted/stream_tool_call_arg_deltas.sse');
    mock = await startMockUpstream({ 'POST /v1/chat/completions': { sse, chunkDelayMs: 1 } });
    const response = await fetch(`${mock.url}/v1/chat/completions`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(await response.text()).toBe(sse);
  });

  it('writes one transfer chunk per SSE event, or two with splitMidEvent', async () => {
    const sse = loadBody('gemini/extracted/stream_text_alt_sse.sse');
    const events = sse.split(/(?<=\r\n\r\n)/);
    expect(events.length).toBeGreaterThan(1);
    mock = await startMockUpstream({
      'GET /whole': { sse },
      'GET /split': { sse, splitMidEvent: true },
    });

    const whole = await rawChunks(mock.url, '/whole');
    expect(whole.head).toMatch(/transfer-encoding: chunked/i);
    expect(whole.chunks.map((chunk) => chunk.toString('utf8'))).toEqual(events);

    const split = await rawChunks(mock.url, '/split');
    expect(split.chunks).toHaveLength(events.length * 2);
    expect(Buffer.concat(split.chunks).toString('utf8')).toBe(sse);
  });

  it('keeps a hanging request open until the client aborts', async () => {
    mock = await startMockUpstream();
    let arrived!: () => void;
    const arrival = new Promise<void>((resolve) => (arrived = resolve));
    mock.on('POST', '/v1/chat/completions', () => {
      arrived();
      return { hang: true };
    });
    const controller = new AbortController();
    const pending = fetch(`${mock.url}/v1/chat/completions`, { method: 'POST', body: '{}', signal: controller.signal });
    await arrival;
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(await mock.requests[0]?.closed).toBe('aborted');
  });

  it('answers after delayMs', async () => {
    mock = await startMockUpstream({ 'GET /slow': { delayMs: 20, body: 'late' } });
    expect(await (await fetch(`${mock.url}/slow`)).text()).toBe('late');
  });

  it('cuts a JSON body after cutAfterBytes so the client sees a truncated body', async () => {
    const body = loadBody('openai/vercel__openai-text.json');
    mock = await startMockUpstream({ 'POST /v1/chat/completions': { body, cutAfterBytes: 100 } });
    const response = await fetch(`${mock.url}/v1/chat/completions`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe(String(Buffer.byteLength(body)));
    const { received, error } = await readUntilError(response);
    expect(error).toBeInstanceOf(Error);
    expect(received.toString('utf8')).toBe(Buffer.from(body).subarray(0, 100).toString('utf8'));
    expect(await mock.requests[0]?.closed).toBe('aborted');
  });

  it('cuts an SSE stream mid-event', async () => {
    const sse = loadBody('openai/extracted/stream_parallel_tool_calls.sse');
    const cut = Math.floor(Buffer.byteLength(sse) / 2);
    mock = await startMockUpstream({ 'POST /v1/chat/completions': { sse, cutAfterBytes: cut } });
    const response = await fetch(`${mock.url}/v1/chat/completions`, { method: 'POST', body: '{}' });
    const { received, error } = await readUntilError(response);
    expect(error).toBeInstanceOf(Error);
    expect(received.equals(Buffer.from(sse).subarray(0, cut))).toBe(true);
    expect(received.toString('utf8')).not.toContain('[DONE]');
  });

  it('answers a redirect with 302 and Location', async () => {
    mock = await startMockUpstream({ 'POST /v1/chat/completions': { redirectTo: 'http://127.0.0.1:9/elsewhere' } });
    const response = await fetch(`${mock.url}/v1/chat/completions`, { method: 'POST', body: '{}', redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('http://127.0.0.1:9/elsewhere');
  });

  it('replays recordings: JSON with their headers, event streams as SSE', async () => {
    const completion = only(loadHttprr('openai/langchaingo__TestClient_CreateChatCompletion.httprr'));
    const stream = only(loadHttprr('openai/langchaingo__TestClient_CreateChatCompletionStream.httprr'));
    const unauthorized = only(loadVcrYaml('openai/dd-trace__llama_index_chat_error.yaml'));
    mock = await startMockUpstream();
    mock.enqueue(replyFromRecording(completion), replyFromRecording(stream, { splitMidEvent: true }));
    mock.enqueue(replyFromRecording(unauthorized));

    const first = await fetch(`${mock.url}/v1/chat/completions`, { method: 'POST', body: '{}' });
    expect(first.headers.get('x-request-id')).toBe(completion.response.headers['x-request-id']);
    expect(first.headers.get('content-length')).toBe(String(Buffer.byteLength(completion.response.body)));
    expect(await first.text()).toBe(completion.response.body);

    const second = await fetch(`${mock.url}/v1/chat/completions`, { method: 'POST', body: '{}' });
    expect(second.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(second.headers.get('content-length')).toBeNull();
    const streamed = await second.text();
    expect(streamed).toBe(stream.response.body);
    expect(streamed.endsWith('data: [DONE]\n\n')).toBe(true);

    const third = await fetch(`${mock.url}/v1/chat/completions`, { method: 'POST', body: '{}' });
    expect(third.status).toBe(401);
    expect(await third.json()).toMatchObject({ error: { code: 'invalid_api_key' } });
  });

  it('refuses connections once closed', async () => {
    const closing = await startMockUpstream({ 'GET /v1/models': { body: { data: [] } } });
    expect((await fetch(`${closing.url}/v1/models`)).status).toBe(200);
    await closing.close();
    await expect(fetch(`${closing.url}/v1/models`)).rejects.toThrow();
  });
});
