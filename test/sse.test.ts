import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  LineParser,
  SSE_DONE,
  SSE_HEADERS,
  SseParser,
  readLines,
  readSse,
  sseComment,
  sseData,
  sseEvent,
  sseMessage,
  type SseEvent,
} from '../src/main/core/protocol/sse.js';
import { GatewayError } from '../src/shared/errors.js';

const utf8 = new TextEncoder();

function fixture(path: string): Buffer {
  return readFileSync(new URL(`./fixtures/${path}`, import.meta.url));
}

function parse(chunks: readonly (Uint8Array | string)[]): { events: SseEvent[]; truncated: boolean } {
  const events: SseEvent[] = [];
  const parser = new SseParser((event) => events.push(event));
  for (const chunk of chunks) parser.push(chunk);
  return { events, truncated: parser.end().truncated };
}

function parseLines(chunks: readonly (Uint8Array | string)[]): string[] {
  const lines: string[] = [];
  const parser = new LineParser((line) => lines.push(line));
  for (const chunk of chunks) parser.push(chunk);
  parser.end();
  return lines;
}

/** Cuts `whole` at the given offsets (taken modulo its length + 1), keeping empty pieces out. */
function split<T extends Uint8Array | string>(whole: T, offsets: readonly number[]): T[] {
  const cuts = [...new Set(offsets.map((o) => o % (whole.length + 1)))].sort((a, b) => a - b);
  const pieces: T[] = [];
  let from = 0;
  for (const cut of [...cuts, whole.length]) {
    if (cut > from) pieces.push(whole.slice(from, cut) as T);
    from = Math.max(from, cut);
  }
  return pieces;
}

function bytewise(bytes: Uint8Array): Uint8Array[] {
  return Array.from(bytes, (_, i) => bytes.subarray(i, i + 1));
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

async function* asyncChunks(chunks: readonly Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const chunk of chunks) yield chunk;
}

// Characters that stress the framing: field separators, BOM, NUL, multi-byte and astral code points.
const tricky = fc.constantFrom(':', ' ', '\uFEFF', '\0', 'é', '€', '😀', '\u2028', '\u0085', 'data', 'event:', 'id');
const anyChar = fc.string({ unit: 'binary', minLength: 1, maxLength: 1 });
const lineChar = fc
  .oneof({ weight: 1, arbitrary: tricky }, { weight: 3, arbitrary: anyChar })
  .filter((c) => !c.includes('\n') && !c.includes('\r'));
const lineText = fc.string({ unit: lineChar, maxLength: 12 });
const lineBreak = fc.constantFrom('\n', '\r\n', '\r');

interface GeneratedEvent {
  /** What the writer is given: lines joined with mixed line breaks. */
  written: SseEvent;
  /** What a reader must yield. */
  expected: SseEvent;
}

const generatedEvent: fc.Arbitrary<GeneratedEvent> = fc
  .record({
    lines: fc.array(fc.record({ text: lineText, brk: lineBreak }), { minLength: 1, maxLength: 4 }),
    event: fc.option(lineText.filter((s) => s.length > 0), { nil: undefined }),
    id: fc.option(lineText.filter((s) => !s.includes('\0')), { nil: undefined }),
    retry: fc.option(fc.nat(), { nil: undefined }),
  })
  .map(({ lines, event, id, retry }) => {
    let data = lines[0]?.text ?? '';
    for (const { brk, text } of lines.slice(1)) {
      // "\r" + "" + "\n" would read as one CRLF and merge two line breaks.
      data += (data.endsWith('\r') && brk === '\n' ? '\r\n' : brk) + text;
    }
    const expectedData = lines.map((l) => l.text).join('\n');
    return { written: { event, data, id, retry }, expected: { event, data: expectedData, id, retry } };
  });

const comment = fc.option(lineText, { nil: undefined });

/** Serialises with the writer, then re-frames the lines with the chosen breaks and extra comment lines. */
function frame(
  items: readonly { event: GeneratedEvent; before: string | undefined }[],
  endings: readonly string[],
  inserted: readonly { at: number; text: string }[],
): string {
  const written = items.map(({ event, before }) => (before === undefined ? '' : sseComment(before)) + sseMessage(event.written)).join('');
  const lines = written.split('\n');
  lines.pop();
  for (const { at, text } of inserted) lines.splice(at % (lines.length + 1), 0, `: ${text}`);
  let out = '';
  let previous = '';
  lines.forEach((line, i) => {
    let ending = endings[i % endings.length] ?? '\n';
    // "\r" + "" + "\n" would read as one CRLF and swallow the blank line.
    if (previous === '\r' && line === '' && ending === '\n') ending = '\r\n';
    out += line + ending;
    previous = ending;
  });
  return out;
}

const stream = fc.record({
  items: fc.array(fc.record({ event: generatedEvent, before: comment }), { maxLength: 6 }),
  endings: fc.array(lineBreak, { minLength: 1, maxLength: 6 }),
  inserted: fc.array(fc.record({ at: fc.nat(), text: lineText }), { maxLength: 4 }),
  bom: fc.boolean(),
  offsets: fc.array(fc.nat({ max: 100_000 }), { maxLength: 24 }),
});

describe('SseParser round trip with the writer', () => {
  it('yields exactly the written events for any line endings, comments and byte chunking', () => {
    fc.assert(
      fc.property(stream, ({ items, endings, inserted, bom, offsets }) => {
        const text = (bom ? '\uFEFF' : '') + frame(items, endings, inserted);
        const { events, truncated } = parse(split(utf8.encode(text), offsets));
        expect(events).toEqual(items.map((item) => item.event.expected));
        expect(truncated).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('yields the same events when fed strings cut anywhere, even inside surrogate pairs', () => {
    fc.assert(
      fc.property(stream, ({ items, endings, inserted, bom, offsets }) => {
        const text = (bom ? '\uFEFF' : '') + frame(items, endings, inserted);
        const { events, truncated } = parse(split(text, offsets));
        expect(events).toEqual(items.map((item) => item.event.expected));
        expect(truncated).toBe(false);
      }),
    );
  });

  it('discards a cut last event and reports the stream as truncated', () => {
    fc.assert(
      fc.property(
        fc.array(generatedEvent, { minLength: 1, maxLength: 5 }),
        fc.nat(),
        fc.array(fc.nat({ max: 100_000 }), { maxLength: 12 }),
        (generated, cutSeed, offsets) => {
          const complete = generated.slice(0, -1);
          const last = utf8.encode(sseMessage(generated[generated.length - 1]!.written));
          // Anywhere from its first byte up to, not including, the LF that ends its blank line.
          const kept = last.subarray(0, 1 + (cutSeed % (last.length - 1)));
          const head = utf8.encode(complete.map((g) => sseMessage(g.written)).join(''));
          const bytes = new Uint8Array(head.length + kept.length);
          bytes.set(head);
          bytes.set(kept, head.length);
          const { events, truncated } = parse(split(bytes, offsets));
          expect(events).toEqual(complete.map((g) => g.expected));
          expect(truncated).toBe(true);
        },
      ),
    );
  });
});

describe('SseParser framing details', () => {
  it('reassembles a 4-byte UTF-8 sequence and a CRLF split at every possible byte', () => {
    const bytes = utf8.encode('event: 😀é\r\ndata: a😀\r\ndata: €\r\n\r\n');
    const expected = [{ event: '😀é', data: 'a😀\n€' }];
    for (let cut = 0; cut <= bytes.length; cut++) {
      expect(parse([bytes.subarray(0, cut), bytes.subarray(cut)]).events).toEqual(expected);
    }
    expect(parse(bytewise(bytes)).events).toEqual(expected);
  });

  it('treats a lone CR as a line end even when the next chunk starts with something else', () => {
    expect(parse(['data: a\r', '\rdata: b\r', '\r']).events).toEqual([{ data: 'a' }, { data: 'b' }]);
    expect(parse(['data: a\r', '\n', '\r\n']).events).toEqual([{ data: 'a' }]);
  });

  it('follows the WHATWG examples for data lines, missing colons and the optional space', () => {
    const spec = parse(['data: YHOO\ndata: +2\ndata: 10\n\n', 'data\n\ndata\ndata\n\ndata:', '']);
    expect(spec.events.map((e) => e.data)).toEqual(['YHOO\n+2\n10', '', '\n']);
    expect(spec.truncated).toBe(true);
    expect(parse(['data:test\n\ndata: test\n\ndata:  two spaces\n\n']).events.map((e) => e.data)).toEqual([
      'test',
      'test',
      ' two spaces',
    ]);
  });

  it('ignores comments, unknown fields, blocks without data and invalid retry or id values', () => {
    const { events, truncated } = parse([
      ': keep-alive\n\nevent: ping\n\nfoo: bar\nid: a\0b\nretry: 12x\nretry:\ndata: x\n\n',
      'event:\nid:\nretry: 3000\ndata: y\n\n:\n: trailing comment',
    ]);
    expect(events).toEqual([{ data: 'x' }, { data: 'y', id: '', retry: 3000 }]);
    expect(truncated).toBe(false);
  });

  it('does not carry an id or event name over to the next event', () => {
    expect(parse(['id: 7\nevent: a\ndata: 1\n\ndata: 2\n\n']).events).toEqual([
      { id: '7', event: 'a', data: '1' },
      { data: '2' },
    ]);
  });

  it('skips one leading BOM, even split across chunks, but not a second one', () => {
    const bom = utf8.encode('\uFEFF');
    const { events } = parse([bom.subarray(0, 1), bom.subarray(1), utf8.encode('data: a\n\n')]);
    expect(events).toEqual([{ data: 'a' }]);
    expect(parse(['\uFEFF\uFEFFdata: b\n\ndata: c\n\n']).events).toEqual([{ data: 'c' }]);
  });

  it('reports truncation for a cut field line but not for a cut comment', () => {
    expect(parse(['data: a\n\nda']).truncated).toBe(true);
    expect(parse(['data: a\n\n: keep-al']).truncated).toBe(false);
    expect(parse(['data: a\n']).truncated).toBe(true);
    expect(parse(['data: a\n\n']).truncated).toBe(false);
    expect(parse([]).truncated).toBe(false);
  });

  it('reports a stream cut inside a UTF-8 sequence as truncated', () => {
    const bytes = utf8.encode('data: 😀\n\n');
    expect(parse([bytes.subarray(0, 8)])).toEqual({ events: [], truncated: true });
  });
});

describe('readSse', () => {
  it('reads events from an async iterable of chunks and from a Readable', async () => {
    const bytes = utf8.encode(sseEvent('a', '1') + sseComment('ping') + sseData('2\n3') + SSE_DONE);
    const expected = [{ event: 'a', data: '1' }, { data: '2\n3' }, { data: '[DONE]' }];
    expect(await collect(readSse(asyncChunks(bytewise(bytes))))).toEqual(expected);
    expect(await collect(readSse(Readable.from([Buffer.from(bytes)])))).toEqual(expected);
  });

  it('throws a 502 GatewayError after the last complete event when the body is cut mid-event', async () => {
    const seen: SseEvent[] = [];
    const reading = (async () => {
      for await (const event of readSse(asyncChunks([utf8.encode('data: 1\n\ndata: {"par')]))) seen.push(event);
    })();
    const error: unknown = await reading.catch((err: unknown) => err);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ status: 502, reason: 'upstream_stream_truncated' });
    expect(seen).toEqual([{ data: '1' }]);
  });
});

describe('recorded provider streams', () => {
  it('parses the OpenAI chat stream with include_usage', async () => {
    const events = await collect(readSse(Readable.from(split(fixture('openai/extracted/stream_text_include_usage.sse'), [97, 1000, 1001, 4000]))));
    expect(events).toHaveLength(17);
    expect(events.at(-1)).toEqual({ data: '[DONE]' });
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.data) as { object: string; usage: unknown });
    expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks.at(-1)?.usage).toMatchObject({ prompt_tokens: 14, completion_tokens: 13, total_tokens: 27 });
  });

  it('parses the Anthropic tool-use stream: every event name matches its payload type', () => {
    const { events, truncated } = parse(bytewise(fixture('anthropic/extracted/stream_tool_use.sse')));
    expect(truncated).toBe(false);
    expect(events).toHaveLength(85);
    const names = events.map((e) => e.event);
    expect(names[0]).toBe('message_start');
    expect(names.at(-1)).toBe('message_stop');
    for (const event of events) expect((JSON.parse(event.data) as { type: string }).type).toBe(event.event);
  });
});

describe('SSE writer', () => {
  it('produces the exact bytes', () => {
    expect(sseData('{"a":1}')).toBe('data: {"a":1}\n\n');
    expect(sseData('a\nb\r\nc\rd')).toBe('data: a\ndata: b\ndata: c\ndata: d\n\n');
    expect(sseData('')).toBe('data: \n\n');
    expect(sseEvent('message_stop', '{"type":"message_stop"}')).toBe('event: message_stop\ndata: {"type":"message_stop"}\n\n');
    expect(sseComment('keep-alive')).toBe(': keep-alive\n\n');
    expect(sseComment('a\nb')).toBe(': a\n: b\n\n');
    expect(sseMessage({ id: '1', event: 'e', retry: 10, data: 'x' })).toBe('id: 1\nevent: e\nretry: 10\ndata: x\n\n');
    expect(sseMessage({ event: '', data: 'x' })).toBe('data: x\n\n');
    expect(SSE_DONE).toBe('data: [DONE]\n\n');
    expect(SSE_HEADERS).toEqual({
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
  });

  it('refuses fields that cannot be framed', () => {
    expect(() => sseEvent('a\nb', 'x')).toThrow(TypeError);
    expect(() => sseMessage({ id: 'a\rb', data: 'x' })).toThrow(TypeError);
    expect(() => sseMessage({ id: 'a\0b', data: 'x' })).toThrow(TypeError);
    expect(() => sseMessage({ retry: -1, data: 'x' })).toThrow(RangeError);
    expect(() => sseMessage({ retry: 1.5, data: 'x' })).toThrow(RangeError);
  });
});

describe('LineParser', () => {
  // A leading BOM is dropped as the stream's BOM, so lines here do not start with one.
  const ndjsonLine = fc.string({ unit: lineChar, minLength: 1, maxLength: 16 }).filter((l) => !l.startsWith('\uFEFF'));

  it('yields every non-empty line for LF or CRLF endings and any byte chunking', () => {
    fc.assert(
      fc.property(
        fc.array(ndjsonLine, { maxLength: 8 }),
        lineBreak.filter((b) => b !== '\r'),
        fc.boolean(),
        fc.array(fc.nat({ max: 100_000 }), { maxLength: 16 }),
        (lines, brk, finalBreak, offsets) => {
          const text = lines.join(`${brk}${brk}`) + (finalBreak ? brk : '');
          expect(parseLines(split(utf8.encode(text), offsets))).toEqual(lines);
        },
      ),
    );
  });

  it('reads the recorded Ollama NDJSON stream through readLines', async () => {
    const bytes = fixture('ollama/extracted/chat_stream_local.ndjson');
    const lines = await collect(readLines(asyncChunks(bytewise(bytes))));
    expect(lines).toHaveLength(22);
    const objects = lines.map((line) => JSON.parse(line) as { done: boolean });
    expect(objects.map((o) => o.done)).toEqual([...Array<boolean>(21).fill(false), true]);
  });

  it('delivers a last line that lacks its newline', async () => {
    expect(await collect(readLines(asyncChunks([utf8.encode('{"a":1}\n{"b"'), utf8.encode(':2}')])))).toEqual([
      '{"a":1}',
      '{"b":2}',
    ]);
  });
});
