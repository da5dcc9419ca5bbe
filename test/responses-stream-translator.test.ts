import { describe, expect, it } from 'vitest';
import { ResponsesStreamTranslator, type ResponsesEvent } from '../src/main/core/protocol/responses/from-chat-stream.js';
import { parseResponsesRequest } from '../src/main/core/protocol/responses/responses-request.js';
import { loadBody } from './helpers/fixtures.js';
import { interleaveToolCalls, recordedCalls, translateChatStream } from './helpers/interleaved-tool-calls.js';

const PARALLEL = 'openai/extracted/stream_parallel_tool_calls.sse';

function translate(sse: string): ResponsesEvent[] {
  const request = parseResponsesRequest({ model: 'mock/gpt-4o-mini', input: 'hi', stream: true });
  const translator = new ResponsesStreamTranslator({ id: 'gen-1', model: 'mock/gpt-4o-mini', request, createdAt: 1, providerId: 'mock' });
  return translateChatStream(translator, sse);
}

const ofType = (events: ResponsesEvent[], type: string) => events.filter((e) => e.type === type);

describe('chat stream -> Responses stream, parallel tool calls', () => {
  it('keeps the recorded one-call-after-another stream as it was: each call added, filled and done in turn', () => {
    const events = translate(loadBody(PARALLEL));
    expect(events.map((e) => e.type)).toEqual([
      'response.created',
      'response.in_progress',
      ...['output_item.added', 'function_call_arguments.delta', 'function_call_arguments.done', 'output_item.done'].map((t) => `response.${t}`),
      ...['output_item.added', 'function_call_arguments.delta', 'function_call_arguments.done', 'output_item.done'].map((t) => `response.${t}`),
      'response.completed',
    ]);
  });

  it('gives interleaved call deltas one function_call item per call, each filled only with its own arguments', () => {
    const sse = interleaveToolCalls(loadBody(PARALLEL));
    const calls = recordedCalls(sse);
    expect(calls.length).toBe(2);
    const events = translate(sse);
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));

    const added = ofType(events, 'response.output_item.added').map((e) => e.item as { id: string; call_id: string; name: string });
    expect(added.map(({ call_id, name }) => ({ id: call_id, name }))).toEqual(calls.map(({ id, name }) => ({ id, name })));
    expect(ofType(events, 'response.output_item.added').map((e) => e.output_index)).toEqual([0, 1]);
    added.forEach((item, outputIndex) => {
      const mine = events.filter((e) => e.item_id === item.id || (e.item as { id?: string } | undefined)?.id === item.id);
      expect(mine.every((e) => e.output_index === outputIndex)).toBe(true);
      const deltas = mine.filter((e) => e.type === 'response.function_call_arguments.delta');
      expect(deltas.length).toBeGreaterThan(1);
      expect(deltas.map((e) => e.delta).join('')).toBe(calls[outputIndex]?.args);
      const done = mine.filter((e) => e.type === 'response.function_call_arguments.done');
      expect(done).toMatchObject([{ name: item.name, arguments: calls[outputIndex]?.args }]);
      expect(mine.filter((e) => e.type === 'response.output_item.done')).toMatchObject([{ item: { status: 'completed', arguments: calls[outputIndex]?.args } }]);
      // As in OpenAI's own streams, an item's events run from its added to its done with no other item's in between.
      const at = mine.map((e) => events.indexOf(e));
      expect(at.at(-1)! - at[0]!).toBe(at.length - 1);
    });

    const completed = ofType(events, 'response.completed')[0]?.response as { output: unknown[] };
    expect(completed.output).toEqual(
      added.map((item, i) => ({ id: item.id, type: 'function_call', status: 'completed', call_id: calls[i]?.id, name: calls[i]?.name, arguments: calls[i]?.args })),
    );
  });
});
