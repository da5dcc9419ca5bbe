import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NO_REDACTION } from '../src/shared/privacy.js';
import { placeholderFor } from '../src/main/core/policy/redaction/placeholders.js';
import { redactRequest } from '../src/main/core/policy/redaction/redact-request.js';
import { geminiChunkRestorer, responsesEventRestorer } from '../src/main/core/policy/redaction/restore-native-streams.js';
import type { EventRestorer } from '../src/main/core/policy/redaction/restore-response.js';
import type { SseEvent } from '../src/main/core/protocol/sse.js';
import { split } from './helpers/placeholder-streams.js';

const VALUES = new Map([
  [placeholderFor('email', 1), 'zoë.müller@example.com'],
  [placeholderFor('custom', 12), 'pa"ss\\wörd🙂'],
]);
const restoredOf = (parts: string[]) => parts.map((p) => VALUES.get(p) ?? p).join('');

/** Text made of plain pieces (brackets and emoji, the troublemakers) and known placeholders. */
const pieces = fc.array(
  fc.oneof(fc.constantFrom(...VALUES.keys()), fc.string({ unit: fc.constantFrom('a', ' ', '[', ']', '_', '1', 'E', 'é', '🙂', '"'), maxLength: 8 })),
  { maxLength: 8 },
);

function run(restorer: EventRestorer, events: SseEvent[]): Record<string, unknown>[] {
  return [...events.flatMap((e) => restorer.event(e)), ...restorer.end()].map((e) => JSON.parse(e.data) as Record<string, unknown>);
}

describe('Responses API event restoration', () => {
  it('restores text and call-argument deltas cut anywhere; the held tail goes out before the .done event', () => {
    fc.assert(
      fc.property(pieces, fc.array(fc.nat(), { maxLength: 10 }), fc.array(fc.nat(), { maxLength: 10 }), (parts, textCuts, argCuts) => {
        const text = parts.join('');
        const args = JSON.stringify({ note: text });
        const ev = (type: string, data: object): SseEvent => ({ event: type, data: JSON.stringify({ type, ...data }) });
        const events = [
          ...split(text, textCuts).map((delta) => ev('response.output_text.delta', { item_id: 'm', output_index: 0, content_index: 0, delta })),
          ev('response.output_text.done', { item_id: 'm', output_index: 0, content_index: 0, text }),
          ...split(args, argCuts).map((delta) => ev('response.function_call_arguments.delta', { item_id: 'f', output_index: 1, delta })),
          ev('response.function_call_arguments.done', { item_id: 'f', output_index: 1, arguments: args }),
        ];
        const out = run(responsesEventRestorer(VALUES), events);
        const deltas = (type: string) => out.filter((e) => e.type === type).map((e) => e.delta as string).join('');
        expect(deltas('response.output_text.delta')).toBe(restoredOf(parts));
        expect(JSON.parse(deltas('response.function_call_arguments.delta'))).toEqual({ note: restoredOf(parts) });
        expect(out.find((e) => e.type === 'response.output_text.done')?.text).toBe(restoredOf(parts));
        expect(JSON.parse(out.find((e) => e.type === 'response.function_call_arguments.done')?.arguments as string)).toEqual({ note: restoredOf(parts) });
        // Every tail delta comes before its part's .done.
        expect(out.findLastIndex((e) => e.type === 'response.output_text.delta')).toBeLessThan(out.findIndex((e) => e.type === 'response.output_text.done'));
      }),
      { numRuns: 300 },
    );
  });
});

describe('Gemini chunk restoration', () => {
  it('restores text and thought parts cut anywhere, flushing with the finishing chunk or at the end of the stream', () => {
    fc.assert(
      fc.property(pieces, pieces, fc.array(fc.nat(), { maxLength: 10 }), fc.boolean(), (thought, answer, cuts, finishes) => {
        const chunk = (parts: object[], finishReason?: string): SseEvent => ({
          data: JSON.stringify({ candidates: [{ index: 0, content: { role: 'model', parts }, ...(finishReason ? { finishReason } : {}) }] }),
        });
        const events = [
          ...split(thought.join(''), cuts).map((text) => chunk([{ text, thought: true }])),
          ...split(answer.join(''), cuts).map((text) => chunk([{ text }])),
          ...(finishes ? [chunk([{ functionCall: { name: 'f', args: { to: placeholderFor('email', 1) } } }], 'STOP')] : []),
        ];
        const parts = run(geminiChunkRestorer(VALUES), events).flatMap((c) => (c.candidates as { content: { parts: Record<string, unknown>[] } }[])[0]!.content.parts);
        expect(parts.filter((p) => p.thought === true).map((p) => p.text).join('')).toBe(restoredOf(thought));
        expect(parts.filter((p) => typeof p.text === 'string' && p.thought !== true).map((p) => p.text).join('')).toBe(restoredOf(answer));
        if (finishes) expect(parts.find((p) => p.functionCall)?.functionCall).toEqual({ name: 'f', args: { to: 'zoë.müller@example.com' } });
      }),
      { numRuns: 300 },
    );
  });
});

describe('redacting Gemini and Responses bodies', () => {
  const settings = { ...NO_REDACTION, mode: 'reversible' as const, attachments: 'pass' as const };

  it('finds text in contents, systemInstruction and a countTokens generateContentRequest; leaves opaque tokens and attachments alone', async () => {
    const image = { inlineData: { mimeType: 'image/png', data: 'Ym9iQGV4YW1wbGUuY29t' } };
    const body = {
      systemInstruction: { parts: [{ text: 'Write to bob@example.com' }] },
      contents: [{ role: 'user', parts: [{ text: 'and to bob@example.com', thoughtSignature: 'sig bob@example.com' }, image] }],
      generateContentRequest: { contents: [{ role: 'user', parts: [{ text: 'count carol@example.com' }] }] },
    };
    const redaction = await redactRequest(body, settings);
    expect(redaction.counts).toEqual({ email: 3 });
    expect(redaction.attachmentsPassed).toBe(1);
    expect(body.systemInstruction.parts[0]?.text).toBe('Write to [[EMAIL_1]]');
    expect(body.contents[0]?.parts[0]).toEqual({ text: 'and to [[EMAIL_1]]', thoughtSignature: 'sig bob@example.com' });
    expect(body.contents[0]?.parts[1]).toEqual(image);
    expect(body.generateContentRequest.contents[0]?.parts[0]?.text).toBe('count [[EMAIL_2]]');
  });

  it('keeps Responses reasoning items\' encrypted content and call ids as the upstream made them', async () => {
    const body = {
      input: [
        { type: 'reasoning', encrypted_content: 'gAAA bob@example.com', summary: [] },
        { type: 'function_call', call_id: 'bob@example.com', name: 'send', arguments: '{"to":"bob@example.com"}' },
      ],
    };
    await redactRequest(body, settings);
    expect(body.input[0]).toMatchObject({ encrypted_content: 'gAAA bob@example.com' });
    expect(body.input[1]).toMatchObject({ call_id: 'bob@example.com', arguments: '{"to":"[[EMAIL_1]]"}' });
  });
});
