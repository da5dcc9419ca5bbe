/**
 * A tool loop of an Anthropic client (Claude Code, the Anthropic SDK) with a DeepSeek model
 * through /v1/messages. DeepSeek's reasoning reaches the client as a thinking block with an
 * empty signature, and the client sends that block back unchanged; DeepSeek in thinking mode
 * refuses the turn after a tool call unless the reasoning comes back as `reasoning_content`.
 *
 * The first turn's stream is synthetic, in the chunk shape of the recorded DeepSeek stream
 * (test/fixtures/openai/extracted/compat_deepseek_stream_reasoning_content.sse) with a tool
 * call as DeepSeek documents it (https://api-docs.deepseek.com/guides/thinking_mode); the
 * second turn replays that recording.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import { loadBody } from './helpers/fixtures.js';
import { deepseekThinkingMode } from './helpers/deepseek-upstream.js';
import { startHarness, type Harness } from './helpers/gateway-harness.js';

type Json = Record<string, unknown>;

const REASONING = ['The user wants 17 * 23. ', 'I should use the multiply tool.'];
const TOOL_CALL = { id: 'call_00_qV3uZ7', name: 'multiply', arguments: '{"a":17,"b":23}' };
const TOOLS = [
  {
    name: 'multiply',
    description: 'Multiplies two integers',
    input_schema: { type: 'object' as const, properties: { a: { type: 'integer' }, b: { type: 'integer' } }, required: ['a', 'b'] },
  },
];

function chunk(delta: Json, finishReason: string | null, usage: Json | null = null): string {
  const body = {
    id: 'b1f6a0e2-4c55-4d9e-9a77-2f1c9d3e8a10',
    object: 'chat.completion.chunk',
    created: 1779989400,
    model: 'deepseek-v4-pro',
    system_fingerprint: 'fp_9954b31ca7_prod0820_fp8_kvcache_20260402',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    usage,
  };
  return `data: ${JSON.stringify(body)}\n\n`;
}

const TOOL_CALL_STREAM =
  chunk({ role: 'assistant', content: null, reasoning_content: '' }, null) +
  REASONING.map((text) => chunk({ content: null, reasoning_content: text }, null)).join('') +
  chunk({ tool_calls: [{ index: 0, id: TOOL_CALL.id, type: 'function', function: { name: TOOL_CALL.name, arguments: '' } }] }, null) +
  chunk({ tool_calls: [{ index: 0, function: { arguments: TOOL_CALL.arguments } }] }, null) +
  chunk({ content: '', reasoning_content: null }, 'tool_calls', {
    prompt_tokens: 151,
    completion_tokens: 38,
    total_tokens: 189,
    prompt_tokens_details: { cached_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 17 },
    prompt_cache_hit_tokens: 0,
    prompt_cache_miss_tokens: 151,
  }) +
  'data: [DONE]\n\n';

let h: Harness;
let client: Anthropic;

beforeAll(async () => {
  h = await startHarness({
    config: {
      providers: {
        deepseek: { type: 'deepseek', baseUrl: '${UPSTREAM}', models: ['deepseek-v4-pro'], pricing: { prompt: '0.00000027', completion: '0.0000011' } },
        plain: { type: 'openai-compatible', baseUrl: '${UPSTREAM}/plain/v1', models: ['qwen3'], pricing: { prompt: '0', completion: '0' } },
      },
    },
    vaultKeys: { deepseek: ['sk-deepseek-test-2'], plain: ['sk-plain-test'] },
  });
  client = new Anthropic({ baseURL: h.gateway.url, apiKey: h.appKey, maxRetries: 0 });
});
afterAll(async () => {
  await h?.close();
});

/** The first turn: the model thinks, then calls the tool. */
async function toolCallTurn(model: string): Promise<Anthropic.Message> {
  h.upstream.enqueue(deepseekThinkingMode({ sse: TOOL_CALL_STREAM }));
  const question: Anthropic.MessageParam = { role: 'user', content: 'What is 17 * 23?' };
  return client.messages.stream({ model, max_tokens: 1024, tools: TOOLS, messages: [question] }).finalMessage();
}

/** The client's next request, with the assistant turn exactly as it came back. */
function nextTurn(model: string, first: Anthropic.Message): Anthropic.MessageCreateParamsNonStreaming {
  const toolUse = first.content.find((b) => b.type === 'tool_use');
  if (toolUse?.type !== 'tool_use') throw new Error('the first turn has no tool call');
  return {
    model,
    max_tokens: 1024,
    tools: TOOLS,
    messages: [
      { role: 'user', content: 'What is 17 * 23?' },
      { role: 'assistant', content: first.content },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUse.id, content: '391' }] },
    ],
  };
}

describe('a tool loop with unsigned thinking through /v1/messages', () => {
  it('sends DeepSeek its own reasoning back as reasoning_content, so the turn after the tool call is accepted', async () => {
    const first = await toolCallTurn('deepseek/deepseek-v4-pro');
    expect(first.content).toEqual([
      { type: 'thinking', thinking: REASONING.join(''), signature: '' },
      { type: 'tool_use', id: TOOL_CALL.id, name: TOOL_CALL.name, input: JSON.parse(TOOL_CALL.arguments) },
    ]);
    expect(first.stop_reason).toBe('tool_use');

    const recorded = loadBody('openai/extracted/compat_deepseek_stream_reasoning_content.sse');
    h.upstream.enqueue(deepseekThinkingMode({ sse: recorded }));
    const before = h.upstream.requests.length;
    const second = await client.messages.stream(nextTurn('deepseek/deepseek-v4-pro', first)).finalMessage();
    expect(second.stop_reason).toBe('end_turn');
    expect(second.content.at(-1)?.type).toBe('text');

    const sent = h.upstream.requests.slice(before);
    expect(sent).toHaveLength(1);
    const messages = (sent[0]?.body as { messages: Json[] }).messages;
    expect(messages[1]).toEqual({
      role: 'assistant',
      content: null,
      tool_calls: [{ id: TOOL_CALL.id, type: 'function', function: { name: TOOL_CALL.name, arguments: TOOL_CALL.arguments } }],
      reasoning_content: REASONING.join(''),
    });
  });

  it('still leaves unsigned thinking out for a plain OpenAI-compatible server, which refuses unknown message fields', async () => {
    const first = await toolCallTurn('plain/qwen3');
    h.upstream.enqueue({ sse: loadBody('openai/extracted/compat_deepseek_stream_reasoning_content.sse') });
    const before = h.upstream.requests.length;
    await client.messages.stream(nextTurn('plain/qwen3', first)).finalMessage();
    const assistant = ((h.upstream.requests[before]?.body as { messages: Json[] }).messages)[1];
    expect(assistant).toEqual({
      role: 'assistant',
      content: null,
      tool_calls: [{ id: TOOL_CALL.id, type: 'function', function: { name: TOOL_CALL.name, arguments: TOOL_CALL.arguments } }],
    });
  });
});
