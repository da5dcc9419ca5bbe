import { describe, expect, it } from 'vitest';
import { AnthropicStreamTranslator, type AnthropicEvent } from '../src/main/core/protocol/anthropic-inbound/from-openai-stream.js';
import { loadBody } from './helpers/fixtures.js';
import { interleaveToolCalls, recordedCalls, translateChatStream } from './helpers/interleaved-tool-calls.js';

const PARALLEL = 'openai/extracted/stream_parallel_tool_calls.sse';

function translate(sse: string): AnthropicEvent[] {
  const translator = new AnthropicStreamTranslator({ id: 'gen-1', model: 'mock/gpt-4o-mini', providerId: 'mock', stopSequences: [] });
  return translateChatStream(translator, sse);
}

/** The recorded stream with a Gemini signature (as the google adapter passes it on) right after the second call began. */
function signedAfterSecondCall(sse: string): { sse: string; signature: string } {
  const signature = /"thoughtSignature":"([^"]+)"/.exec(loadBody('gemini/vercel__google-stream-tool-call-arguments.chunks.txt'))?.[1];
  if (!signature) throw new Error('the Gemini recording has no thoughtSignature');
  const detail = { type: 'reasoning.encrypted', data: signature, format: 'google-gemini-v1', index: 0 };
  const signed = `data: ${JSON.stringify({ choices: [{ index: 0, delta: { reasoning_details: [detail] }, finish_reason: null }] })}\n\n`;
  const blocks = sse.split('\n\n');
  const secondCall = blocks.findIndex((block) => block.includes('"tool_calls":[{"index":1,"id"'));
  if (secondCall < 0) throw new Error('the recording has no second call');
  return { sse: [...blocks.slice(0, secondCall + 1), signed, ...blocks.slice(secondCall + 1)].join('\n\n'), signature };
}

const blockEvents = (events: AnthropicEvent[]) => events.filter((e) => e.type.startsWith('content_block_'));

/** The block events as `type index`, runs of one block's deltas counted once: overlapping blocks show as a longer list. */
function blockRuns(events: AnthropicEvent[]): string[] {
  const runs = blockEvents(events).map((e) => `${e.type} ${String(e.index)}`);
  return runs.filter((run, i) => run !== runs[i - 1]);
}

function inputOf(events: AnthropicEvent[], index: number): string {
  return events
    .filter((e) => e.type === 'content_block_delta' && e.index === index)
    .map((e) => (e.delta as { partial_json: string }).partial_json)
    .join('');
}

const oneBlockAfterAnother = (count: number) =>
  Array.from({ length: count }, (_, i) => [`content_block_start ${i}`, `content_block_delta ${i}`, `content_block_stop ${i}`]).flat();

describe('chat stream -> Anthropic Messages stream, parallel tool calls', () => {
  it('keeps the recorded one-call-after-another stream as it was: each tool_use block started, filled and stopped in turn', () => {
    const sse = loadBody(PARALLEL);
    const calls = recordedCalls(sse);
    const events = translate(sse);
    expect(events.map((e) => e.type)).toEqual([
      'message_start',
      'ping',
      ...calls.flatMap(() => ['content_block_start', 'content_block_delta', 'content_block_stop']),
      'message_delta',
      'message_stop',
    ]);
    expect(blockEvents(events)).toEqual(
      calls.flatMap((c, index) => [
        { type: 'content_block_start', index, content_block: { type: 'tool_use', id: c.id, name: c.name, input: {} } },
        { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: c.args } },
        { type: 'content_block_stop', index },
      ]),
    );
    expect(events.at(-2)).toMatchObject({ delta: { stop_reason: 'tool_use', stop_sequence: null } });
  });

  it('keeps a signature that came after the second call began after that call, as a redacted_thinking block of its own', () => {
    const { sse, signature } = signedAfterSecondCall(loadBody(PARALLEL));
    const calls = recordedCalls(sse);
    const events = translate(sse);
    expect(blockRuns(events)).toEqual(oneBlockAfterAnother(calls.length + 1).filter((run) => run !== `content_block_delta ${calls.length}`));
    const redacted = events.find((e) => e.type === 'content_block_start' && e.index === calls.length)?.content_block as { type: string; data: string };
    expect(redacted.type).toBe('redacted_thinking');
    // The signature rides in the block's data with its format, for the next turn to send back.
    const carried = JSON.parse(Buffer.from(redacted.data.replace(/^swyd1\./, ''), 'base64url').toString()) as unknown;
    expect(carried).toEqual({ value: signature, format: 'google-gemini-v1' });
    calls.forEach((call, index) => expect(inputOf(events, index)).toBe(call.args));
  });

  it('gives interleaved call deltas one tool_use block per call, every delta between its start and its only stop', () => {
    const sse = interleaveToolCalls(loadBody(PARALLEL));
    const calls = recordedCalls(sse);
    expect(calls.length).toBe(2);
    const events = translate(sse);
    expect(events.slice(0, 2).map((e) => e.type)).toEqual(['message_start', 'ping']);
    expect(events.slice(-2).map((e) => e.type)).toEqual(['message_delta', 'message_stop']);
    expect(blockRuns(events)).toEqual(oneBlockAfterAnother(calls.length));

    const starts = events.filter((e) => e.type === 'content_block_start');
    expect(starts.map((e) => e.content_block)).toEqual(calls.map((c) => ({ type: 'tool_use', id: c.id, name: c.name, input: {} })));
    calls.forEach((call, index) => {
      expect(events.filter((e) => e.type === 'content_block_delta' && e.index === index).length).toBeGreaterThan(1);
      expect(inputOf(events, index)).toBe(call.args);
    });
    expect(events.at(-2)).toMatchObject({ delta: { stop_reason: 'tool_use' } });
  });
});
