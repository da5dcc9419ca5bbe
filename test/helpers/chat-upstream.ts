/**
 * An OpenAI-compatible upstream for UI tests: it lists models and streams answers in the
 * chunk shape of test/fixtures/openai/extracted/stream_text_include_usage.sse (role chunk,
 * content deltas, finish chunk, usage chunk, [DONE]). It checks the provider key and, like
 * OpenAI, quotes a wrong one in its 401, so tests can prove the gateway never passes it on.
 * Its listing says which models read images, as OpenRouter's does (o3-mini reads none). Three
 * prompts replay recordings: "capital" a tool call with streamed arguments
 * (openai/extracted/stream_tool_call_arg_deltas.sse), "product" two parallel tool calls
 * (openai/extracted/stream_parallel_tool_calls.sse), "think" DeepSeek's reasoning_content
 * (openai/extracted/compat_deepseek_stream_reasoning_content.sse).
 */
import { loadBody } from './fixtures.js';
import type { MockReply, MockUpstream, UpstreamRequest } from './mock-upstream.js';
import { startMockUpstream } from './mock-upstream.js';

export const UPSTREAM_MODELS = ['gpt-4o-mini', 'gpt-4o', 'o3-mini'];
const INPUT_MODALITIES: Record<string, string[]> = { 'gpt-4o-mini': ['text', 'image'], 'gpt-4o': ['text', 'image'], 'o3-mini': ['text'] };
const RECORDED_ANSWERS: [string, string][] = [
  ['capital', 'openai/extracted/stream_tool_call_arg_deltas.sse'],
  ['product', 'openai/extracted/stream_parallel_tool_calls.sse'],
  ['think', 'openai/extracted/compat_deepseek_stream_reasoning_content.sse'],
];

function chunk(model: string, delta: Record<string, unknown>, finish: string | null = null, usage: unknown = null): string {
  const body = { id: 'chatcmpl-ui', object: 'chat.completion.chunk', created: 1755691077, model, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], usage };
  return `data: ${JSON.stringify(body)}\n\n`;
}

/**
 * Context a coding agent adds to the user's turn (Claude Code wraps it in <system-reminder> tags).
 * Its wording changes from run to run and can hold a trigger word ("think"), which once replayed
 * the reasoning recording to a plain "Hello".
 */
const AGENT_CONTEXT = /<system-reminder>[\s\S]*?<\/system-reminder>/g;

function lastUserText(request: UpstreamRequest): string {
  const body = request.body as { messages?: { role: string; content: unknown }[] };
  const user = [...(body.messages ?? [])].reverse().find((m) => m.role === 'user');
  const text = Array.isArray(user?.content)
    ? (user.content as { type: string; text?: string }[]).flatMap((part) => (part.type === 'text' && part.text ? [part.text] : [])).join('\n')
    : typeof user?.content === 'string' ? user.content : '';
  return text.replace(AGENT_CONTEXT, '').trim();
}

/** Words of the answer: "long" in the prompt makes it 300 more pieces, sent 10 ms apart (stop has time to act). */
function answerPieces(model: string, prompt: string, host: string): string[] {
  const head = [`**${model}** `, 'answers: ', prompt.replace(/long/g, '').trim() || 'hello', '.'];
  // Markdown that would leak the chat if rendered as is: a remote image, a data image, a script link.
  if (prompt.includes('image')) {
    return [...head, `\n\n![tracker](http://${host}/track.png?chat=secret) `, '![inline](data:image/png;base64,iVBORw0KGgo=) ', '[run](javascript:alert(1)) ', '[docs](https://example.com/docs)'];
  }
  if (!prompt.includes('long')) return head;
  return [...head, '\n\n', ...Array.from({ length: 300 }, (_, i) => `word${i} `)];
}

export async function startChatUpstream(key: string): Promise<MockUpstream> {
  const upstream = await startMockUpstream();
  const authorized = (request: UpstreamRequest): MockReply | undefined =>
    request.headers.authorization === `Bearer ${key}`
      ? undefined
      : { status: 401, body: { error: { message: `Incorrect API key provided: ${request.headers.authorization?.slice(7) ?? ''}`, type: 'invalid_request_error', code: 'invalid_api_key' } } };
  upstream.on('GET', '/v1/models', (request) => authorized(request) ?? { body: { object: 'list', data: UPSTREAM_MODELS.map((id) => ({ id, object: 'model', owned_by: 'mock', architecture: { input_modalities: INPUT_MODALITIES[id], output_modalities: ['text'] } })) } });
  upstream.on('POST', '/v1/chat/completions', (request) => {
    const refused = authorized(request);
    if (refused) return refused;
    const model = (request.body as { model: string }).model;
    const prompt = lastUserText(request);
    const recorded = RECORDED_ANSWERS.find(([word]) => prompt.includes(word));
    if (recorded && (request.body as { stream?: boolean }).stream === true) {
      return { headers: { 'content-type': 'text/event-stream' }, sse: loadBody(recorded[1]), chunkDelayMs: 30 };
    }
    const pieces = answerPieces(model, prompt, request.headers.host ?? '');
    const usage = { prompt_tokens: 12, completion_tokens: pieces.length, total_tokens: 12 + pieces.length };
    if ((request.body as { stream?: boolean }).stream !== true) {
      const message = { role: 'assistant', content: pieces.join('') };
      // With the system_fingerprint OpenAI's recorded answers carry (the OpenRouter SDK requires it).
      return { body: { id: 'chatcmpl-ui', object: 'chat.completion', created: 1755691077, model, system_fingerprint: 'fp_07871e2ad8', choices: [{ index: 0, message, finish_reason: 'stop' }], usage } };
    }
    const sse = [
      chunk(model, { role: 'assistant', content: '' }),
      ...pieces.map((content) => chunk(model, { content })),
      chunk(model, {}, 'stop'),
      `data: ${JSON.stringify({ id: 'chatcmpl-ui', object: 'chat.completion.chunk', created: 1755691077, model, choices: [], usage })}\n\n`,
      'data: [DONE]\n\n',
    ].join('');
    return { headers: { 'content-type': 'text/event-stream' }, sse, chunkDelayMs: prompt.includes('long') ? 10 : 5 };
  });
  return upstream;
}
