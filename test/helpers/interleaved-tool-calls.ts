/**
 * OpenAI's recorded parallel tool-call stream sends each call whole before the next; other
 * chat upstreams (and OpenAI at times) interleave them by `tool_calls[].index`. This rearranges
 * a recorded stream that way, so the translators meet the interleaved shape with recorded chunks.
 */

interface CallChunk {
  choices: { delta: { tool_calls: { index: number; function?: { arguments?: string } }[] } }[];
}

export interface RecordedCall {
  id: string;
  name: string;
  args: string;
}

function callChunkOf(block: string): CallChunk | undefined {
  if (!block.startsWith('data: {')) return undefined;
  const chunk = JSON.parse(block.slice('data: '.length)) as Partial<CallChunk>;
  return chunk.choices?.[0]?.delta?.tool_calls?.length ? (chunk as CallChunk) : undefined;
}

/** Every argument piece split in two (so each call gets several), then the calls' chunks taken in turn. */
export function interleaveToolCalls(sse: string): string {
  const blocks = sse.split('\n\n').filter((block) => block.trim() !== '');
  const first = blocks.findIndex((block) => callChunkOf(block));
  const last = blocks.findLastIndex((block) => callChunkOf(block));
  const byCall = new Map<number, string[]>();
  for (const block of blocks.slice(first, last + 1)) {
    const chunk = callChunkOf(block);
    const call = chunk?.choices[0]?.delta.tool_calls[0];
    if (!chunk || !call) throw new Error('the recorded calls are not one run of tool-call chunks');
    const pieces = byCall.get(call.index) ?? [];
    byCall.set(call.index, pieces);
    const args = call.function?.arguments ?? '';
    if (args.length < 2 || !call.function) {
      pieces.push(block);
      continue;
    }
    const half = Math.floor(args.length / 2);
    for (const part of [args.slice(0, half), args.slice(half)]) {
      call.function.arguments = part;
      pieces.push(`data: ${JSON.stringify(chunk)}`);
    }
  }
  const queues = [...byCall.values()];
  if (queues.length < 2) throw new Error('the recording has no parallel calls to interleave');
  const interleaved: string[] = [];
  while (queues.some((queue) => queue.length > 0)) {
    for (const queue of queues) {
      const next = queue.shift();
      if (next) interleaved.push(next);
    }
  }
  return [...blocks.slice(0, first), ...interleaved, ...blocks.slice(last + 1)].map((block) => `${block}\n\n`).join('');
}

/** The calls a chat stream carries, assembled by index as chat clients do. */
export function recordedCalls(sse: string): RecordedCall[] {
  const calls = new Map<number, RecordedCall>();
  for (const block of sse.split('\n\n')) {
    const chunk = callChunkOf(block.trim()) as
      | { choices: { delta: { tool_calls: { index: number; id?: string; function?: { name?: string; arguments?: string } }[] } }[] }
      | undefined;
    for (const t of chunk?.choices[0]?.delta.tool_calls ?? []) {
      const call = calls.get(t.index) ?? { id: '', name: '', args: '' };
      call.id += t.id ?? '';
      call.name += t.function?.name ?? '';
      call.args += t.function?.arguments ?? '';
      calls.set(t.index, call);
    }
  }
  return [...calls.values()];
}

/** A chat-completions SSE body through one of the stream translators (/v1/messages, /v1/responses), with its final events. */
export function translateChatStream<E>(translator: { push(data: string): E[]; finish(cost: number | null): E[] }, sse: string): E[] {
  const events: E[] = [];
  for (const block of sse.split('\n\n')) {
    const data = block.trim().replace(/^data: /, '');
    if (data !== '' && data !== '[DONE]') events.push(...translator.push(data));
  }
  events.push(...translator.finish(null));
  return events;
}
