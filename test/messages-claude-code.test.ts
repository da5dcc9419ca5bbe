/**
 * /v1/messages as current Claude Code sends it to a model that is not Anthropic's: system turns
 * among the messages, adaptive thinking with an effort, context management, metadata and beta
 * headers. The translation keeps the system turns in place, forwards the effort only where the
 * endpoint reasons, and refuses what it cannot take in Anthropic's own words.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBody } from './helpers/fixtures.js';
import { startHarness, type Harness } from './helpers/gateway-harness.js';
import { postMessages } from './helpers/post-messages.js';

const config = {
  providers: {
    mock: {
      type: 'openai-compatible',
      baseUrl: '${UPSTREAM}/v1',
      models: ['gpt-4o-mini'],
      pricing: { prompt: '0.00000015', completion: '0.0000006' },
    },
    thinker: {
      type: 'openai-compatible',
      baseUrl: '${UPSTREAM}/v1',
      models: ['o4-mini'],
      pricing: { prompt: '0.0000011', completion: '0.0000044' },
      supportedParameters: ['tools', 'tool_choice', 'max_tokens', 'reasoning'],
    },
  },
};

const claudeCodeHeaders = (appKey: string) => ({
  'x-api-key': appKey,
  'anthropic-beta': 'claude-code-20250219,interleaved-thinking-2025-05-14,context-management-2025-06-27',
});

function claudeCodeBody(model: string): Record<string, unknown> {
  return {
    model,
    max_tokens: 32000,
    stream: false,
    system: [{ type: 'text', text: 'You are Claude Code.', cache_control: { type: 'ephemeral' } }],
    messages: [
      { role: 'user', content: [{ type: 'text', text: 'Invent a new holiday' }] },
      { role: 'system', content: 'The user works in /tmp/project.' },
      { role: 'system', content: [{ type: 'text', text: 'Today is Monday.' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'Sure.' }] },
      { role: 'user', content: 'Go on' },
    ],
    thinking: { type: 'adaptive' },
    output_config: { effort: 'high' },
    context_management: { edits: [{ type: 'clear_thinking_20251015', keep: 'all' }] },
    metadata: { user_id: 'user_abc_account_def_session_ghi' },
  };
}

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ config, vaultKeys: { mock: ['k1'], thinker: ['k2'] } });
});
afterAll(async () => {
  await h?.close();
});

describe("Claude Code's requests to a model that is not Anthropic's", () => {
  it('keeps system turns in place as system messages and drops what has no OpenAI form', async () => {
    const recorded = JSON.parse(loadBody('openai/vercel__openai-text.json')) as { choices: { message: { content: string } }[] };
    h.upstream.enqueue({ body: recorded });
    const before = h.upstream.requests.length;
    const res = await postMessages(h, claudeCodeBody('mock/gpt-4o-mini'), claudeCodeHeaders(h.appKey));
    expect(res.status).toBe(200);
    const message = (await res.json()) as { content: { type: string; text: string }[] };
    expect(message.content).toEqual([{ type: 'text', text: recorded.choices[0]?.message.content }]);
    expect(h.upstream.requests[before]?.body).toEqual({
      model: 'gpt-4o-mini',
      max_tokens: 32000,
      messages: [
        { role: 'system', content: 'You are Claude Code.' },
        { role: 'user', content: 'Invent a new holiday' },
        { role: 'system', content: 'The user works in /tmp/project.' },
        { role: 'system', content: 'Today is Monday.' },
        { role: 'assistant', content: 'Sure.' },
        { role: 'user', content: 'Go on' },
      ],
    });
  });

  it('sends output_config.effort as reasoning_effort to an endpoint that declares reasoning', async () => {
    h.upstream.enqueue({ body: JSON.parse(loadBody('openai/vercel__openai-text.json')) as object });
    const before = h.upstream.requests.length;
    const res = await postMessages(h, claudeCodeBody('thinker/o4-mini'), claudeCodeHeaders(h.appKey));
    expect(res.status).toBe(200);
    expect(h.upstream.requests[before]?.body).toMatchObject({ model: 'o4-mini', reasoning_effort: 'high' });

    h.upstream.enqueue({ body: JSON.parse(loadBody('openai/vercel__openai-text.json')) as object });
    const off = await postMessages(h, { ...claudeCodeBody('thinker/o4-mini'), thinking: { type: 'disabled' } }, claudeCodeHeaders(h.appKey));
    expect(off.status).toBe(200);
    expect(h.upstream.requests[before + 1]?.body).not.toHaveProperty('reasoning_effort');
  });

  it("refuses a role it cannot take with Anthropic's invalid_request_error wording, without calling the provider", async () => {
    const before = h.upstream.requests.length;
    const body = { ...claudeCodeBody('mock/gpt-4o-mini'), messages: [{ role: 'user', content: 'hi' }, { role: 'tool', content: 'x' }] };
    const res = await postMessages(h, body, claudeCodeHeaders(h.appKey));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      type: 'error',
      error: { type: 'invalid_request_error', message: "messages.1.role: Input should be 'user', 'assistant' or 'system'" },
    });
    const missing = await postMessages(h, { model: 'mock/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }, claudeCodeHeaders(h.appKey));
    expect(((await missing.json()) as { error: { message: string } }).error.message).toBe('max_tokens: Field required');
    expect(h.upstream.requests.length).toBe(before);
  });
});
