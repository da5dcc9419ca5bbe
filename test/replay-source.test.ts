/**
 * What a replay reads from a logged exchange: the answer text of a chat completion as the client
 * got it (JSON or the recorded OpenAI streams, tool calls included), and whether the request can be
 * replayed at all (a logged chat request; not Anthropic's /v1/messages, whose bodies look alike).
 */
import { describe, expect, it } from 'vitest';
import { chatAnswerText, replayable } from '../src/main/core/control/replay-source.js';
import { loadBody } from './helpers/fixtures.js';

const CHAT_PROMPT = JSON.stringify({ model: 'openai/gpt-4o', messages: [{ role: 'user', content: 'count' }] });

describe('chatAnswerText', () => {
  it('reads a recorded OpenAI stream, and its parallel tool calls by their index', () => {
    expect(chatAnswerText(loadBody('openai/extracted/stream_text_include_usage.sse'))).toBe('1, 2, 3, 4, 5');
    expect(chatAnswerText(loadBody('openai/extracted/stream_parallel_tool_calls.sse'))).toBe('→ get_country{}\n→ get_product_name{}');
  });

  it('reads a JSON chat completion, its text and its tool calls', () => {
    const completion = {
      object: 'chat.completion',
      choices: [{ message: { role: 'assistant', content: 'Let me look.', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'search', arguments: '{"q":"x"}' } }] } }],
    };
    expect(chatAnswerText(JSON.stringify(completion))).toBe('Let me look.\n→ search{"q":"x"}');
  });

  it('is undefined for other wire formats: an Anthropic stream, an error', () => {
    expect(chatAnswerText(loadBody('anthropic/extracted/stream_text.sse'))).toBeUndefined();
    expect(chatAnswerText('{"error":{"message":"no","code":402}}')).toBeUndefined();
  });
});

describe('replayable', () => {
  it('says why without a logged prompt, naming the key', () => {
    expect(replayable(undefined, 'cli-tool')).toEqual({ available: false, reason: expect.stringMatching(/prompt was not logged.*“cli-tool”.*Privacy/) });
  });

  it('replays a chat request, with its answer, or with none when the original failed in the OpenAI shape', () => {
    expect(replayable({ prompt: CHAT_PROMPT, completion: loadBody('openai/extracted/stream_text_include_usage.sse') }, 'k')).toMatchObject({ available: true, answer: '1, 2, 3, 4, 5' });
    expect(replayable({ prompt: CHAT_PROMPT, completion: '{"error":{"message":"Spend limit reached","code":402}}' }, 'k')).toMatchObject({ available: true, answer: null });
  });

  it('refuses what came in another format: Anthropic messages (whose bodies have `messages` too), Responses', () => {
    const anthropic = { prompt: JSON.stringify({ model: 'm', max_tokens: 10, system: 's', messages: [{ role: 'user', content: 'hi' }] }), completion: loadBody('anthropic/extracted/stream_text.sse') };
    const anthropicError = { prompt: anthropic.prompt, completion: '{"type":"error","error":{"type":"overloaded_error","message":"busy"}}' };
    const responses = { prompt: JSON.stringify({ model: 'm', input: 'hi' }), completion: '{"object":"response"}' };
    for (const exchange of [anthropic, anthropicError, responses]) {
      expect(replayable(exchange, 'k')).toEqual({ available: false, reason: 'Only chat-completions requests can be replayed; this one came in another API format.' });
    }
  });
});
