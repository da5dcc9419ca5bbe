import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NO_REDACTION, type RedactionSettings } from '../src/shared/privacy.js';
import { detect } from '../src/main/core/policy/redaction/detect.js';
import { asJsonStringContent, placeholderFor, TextRestorer } from '../src/main/core/policy/redaction/placeholders.js';
import { redactRequest } from '../src/main/core/policy/redaction/redact-request.js';
import { restoringMapper } from '../src/main/core/policy/redaction/restore-response.js';
import type { StreamMapper } from '../src/main/core/providers/provider-adapter.js';
import { SseParser } from '../src/main/core/protocol/sse.js';
import { split } from './helpers/placeholder-streams.js';

const ON: RedactionSettings = { ...NO_REDACTION, mode: 'reversible' };

// Values whose restoration must survive any split: multi-byte and astral characters, JSON specials.
const VALUES = new Map([
  [placeholderFor('email', 1), 'zoë.müller@example.com'],
  [placeholderFor('aws_access_key', 1), 'AKIAZ7XTQ4PL2MNB6WUD'],
  [placeholderFor('custom', 12), 'pa"ss\\wörd🙂'],
]);

/** Text made of plain pieces (with brackets and emoji, the troublemakers) and known placeholders. */
const pieces = fc.array(
  fc.oneof(
    fc.constantFrom(...VALUES.keys()),
    fc.string({ unit: fc.constantFrom('a', ' ', '[', ']', '_', '1', 'E', 'é', '🙂', '"', '\n') , maxLength: 8 }),
  ),
  { maxLength: 8 },
);

function expected(parts: string[], encode: (v: string) => string = (v) => v): string {
  return parts.map((p) => (VALUES.has(p) ? encode(VALUES.get(p)!) : p)).join('');
}

describe('placeholder restoration', () => {
  it('restores placeholders split at every boundary (every 2-way split, then random n-way splits)', () => {
    fc.assert(
      fc.property(pieces, (parts) => {
        const text = parts.join('');
        const restoredText = expected(parts);
        for (let i = 0; i <= text.length; i++) {
          const r = new TextRestorer(VALUES);
          expect(r.push(text.slice(0, i)) + r.push(text.slice(i)) + r.flush()).toBe(restoredText);
        }
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(pieces, fc.array(fc.nat(), { maxLength: 12 }), (parts, cuts) => {
        const r = new TextRestorer(VALUES);
        const out = split(parts.join(''), cuts).map((c) => r.push(c)).join('') + r.flush();
        expect(out).toBe(expected(parts));
      }),
      { numRuns: 500 },
    );
  });

  it('escapes restored values for JSON text (tool-call arguments), so the arguments stay valid JSON', () => {
    fc.assert(
      fc.property(pieces.map((p) => p.filter((x) => VALUES.has(x))), fc.array(fc.nat(), { maxLength: 6 }), (parts, cuts) => {
        const args = JSON.stringify({ note: parts.join(' ') });
        const r = new TextRestorer(VALUES, asJsonStringContent);
        const out = split(args, cuts).map((c) => r.push(c)).join('') + r.flush();
        expect(JSON.parse(out)).toEqual({ note: parts.map((p) => VALUES.get(p)).join(' ') });
      }),
      { numRuns: 300 },
    );
  });

  it('restores an OpenAI chunk stream one character per chunk, content and tool-call arguments, flushing at finish', () => {
    const content = `Mail ${placeholderFor('email', 1)} now [not a placeholder] [[`;
    const args = JSON.stringify({ key: placeholderFor('aws_access_key', 1) });
    const chunk = (delta: object, finish: string | null = null) => JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] });
    const upstream = [
      ...[...content].map((ch) => chunk({ content: ch })),
      ...[...args].map((ch) => chunk({ tool_calls: [{ index: 0, function: { arguments: ch } }] })),
      chunk({}, 'tool_calls'),
    ];
    let i = 0;
    const mapper: StreamMapper = { onEvent: () => [upstream[i++]!], onEnd: () => [] };
    const restored = restoringMapper(mapper, VALUES);
    const out = upstream.map(() => restored.onEvent({ data: '' })).flat().concat(restored.onEnd());
    const deltas = out.map((d) => JSON.parse(d).choices[0].delta as { content?: string; tool_calls?: { function: { arguments: string } }[] });
    expect(deltas.map((d) => d.content ?? '').join('')).toBe('Mail zoë.müller@example.com now [not a placeholder] [[');
    expect(JSON.parse(deltas.flatMap((d) => d.tool_calls ?? []).map((c) => c.function.arguments).join(''))).toEqual({ key: 'AKIAZ7XTQ4PL2MNB6WUD' });
  });
});

describe('placeholder restoration across UTF-8 byte boundaries', () => {
  it('restores an SSE byte stream cut at any byte (mid-character, mid-placeholder, mid-event)', () => {
    fc.assert(
      fc.property(pieces, fc.array(fc.nat(), { maxLength: 16 }), (parts, cuts) => {
        const text = parts.join('');
        // Upstream chunks of 1-3 characters (code points, as an upstream would send them).
        const chars = [...text];
        const deltas: string[] = [];
        for (let i = 0; i < chars.length; i += 1 + (i % 3)) deltas.push(chars.slice(i, i + 1 + (i % 3)).join(''));
        const sse = deltas.map((d) => `data: ${JSON.stringify({ id: 'c', choices: [{ index: 0, delta: { content: d }, finish_reason: null }] })}\n\n`).join('')
          + `data: ${JSON.stringify({ id: 'c', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`;
        const bytes = Buffer.from(sse);
        const restored = restoringMapper({ onEvent: (e) => [e.data], onEnd: () => [] }, VALUES);
        const out: string[] = [];
        const parser = new SseParser((event) => out.push(...restored.onEvent(event)));
        const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        let from = 0;
        for (const p of [...points, bytes.length]) {
          parser.push(bytes.subarray(from, p));
          from = p;
        }
        parser.end();
        out.push(...restored.onEnd());
        const content = out.map((d) => (JSON.parse(d) as { choices: { delta: { content?: string } }[] }).choices[0]?.delta.content ?? '').join('');
        expect(content).toBe(expected(parts));
      }),
      { numRuns: 300 },
    );
  });
});

describe('detection', () => {
  it('finds secrets (gitleaks/secretlint-style rules), PII confirmed by validators, private keys and user patterns', async () => {
    const text = [
      'aws AKIAZ7XTQ4PL2MNB6WUD',
      'gh ghp_16C7e42F292c6912E7710c838347Ae178B4a',
      'mail zoë@example.com, card 4111 1111 1111 1111, not a card 4111 1111 1111 1112',
      'iban DE89 3704 0044 0532 0130 00, ip 192.168.10.20, phone +1 415 555 2671',
      '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----',
      'ticket TCK-99812',
      'registry npm_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8 and https://deploy:hunter2hunter@git.example.com/repo',
    ].join('\n');
    const findings = await detect(text, { ...ON, custom: [{ name: 'ticket', pattern: 'TCK-\\d+' }] });
    const found = findings.map((f) => [f.kind, text.slice(f.start, f.end)]);
    expect(found).toEqual(expect.arrayContaining([
      ['aws_access_key', 'AKIAZ7XTQ4PL2MNB6WUD'],
      ['email', 'zoë@example.com'],
      ['credit_card', '4111 1111 1111 1111'],
      ['iban', 'DE89 3704 0044 0532 0130 00'],
      ['ip_address', '192.168.10.20'],
      ['phone_number', '+1 415 555 2671'],
      ['ticket', 'TCK-99812'],
      ['npm_token', 'npm_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8'],
      ['basic_auth', 'hunter2hunter'],
    ]));
    expect(found.some(([, v]) => v === '4111 1111 1111 1112')).toBe(false);
    expect(found.some(([, v]) => v?.startsWith('ghp_'))).toBe(true);
    expect(found.some(([k, v]) => k === 'private_key' && v?.includes('b3BlbnNzaC1rZXk'))).toBe(true);
  });

  it('leaves hashes, UUIDs and version strings alone, and the allowlist', async () => {
    const text = [
      'token = "3f786850e387550fdab836ed7e6dc881de23001b"',
      'secret: 123e4567-e89b-12d3-a456-426614174000',
      'api_key=v1.22.333-beta.4',
      'password = "Xq9vR2pL7wZ4kM8tB3"',
      'release v1.2.3.4 and mail allowed@example.com',
    ].join('\n');
    const findings = await detect(text, { ...ON, allow: ['allowed@example.com'] });
    expect(findings.map((f) => [f.kind, text.slice(f.start, f.end)])).toEqual([['generic_secret', 'Xq9vR2pL7wZ4kM8tB3']]);
  });

  it('numbers placeholders by first appearance, so every turn of a conversation gets the same ones', async () => {
    const turn = (extra: string) => ({
      messages: [
        { role: 'user', content: 'write to a@example.com and b@example.com' },
        { role: 'assistant', content: 'done: a@example.com' },
        { role: 'user', content: extra },
      ],
    });
    const first = turn('thanks');
    const second = turn('now c@example.com and b@example.com');
    const r1 = await redactRequest(first, ON);
    const r2 = await redactRequest(second, ON);
    expect(first.messages[0]!.content).toBe('write to [[EMAIL_1]] and [[EMAIL_2]]');
    expect(second.messages[1]!.content).toBe('done: [[EMAIL_1]]');
    expect(second.messages[2]!.content).toBe('now [[EMAIL_3]] and [[EMAIL_2]]');
    expect([...r1.values]).toEqual([...r2.values].slice(0, 2));
    expect(r2.counts).toEqual({ email: 5 });
  });

  it('refuses attachments when set to block, passes and counts them when set to pass', async () => {
    const body = () => ({ messages: [{ role: 'user', content: [{ type: 'text', text: 'see a@example.com' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } }] }] });
    await expect(redactRequest(body(), { ...ON, attachments: 'block' })).rejects.toMatchObject({ status: 400, reason: 'attachment_blocked' });
    const passed = body();
    expect((await redactRequest(passed, { ...ON, attachments: 'pass' })).attachmentsPassed).toBe(1);
    expect(passed.messages[0]!.content[0]).toEqual({ type: 'text', text: 'see [[EMAIL_1]]' });
  });

  it('fails closed: a detector error refuses the request with a clear error', async () => {
    await expect(redactRequest({ messages: [{ role: 'user', content: 'x' }] }, { ...ON, custom: [{ name: 'bad', pattern: '(unclosed' }] }))
      .rejects.toMatchObject({ status: 500, reason: 'redaction_failed', message: expect.stringContaining('nothing left this machine') });
  });
});
