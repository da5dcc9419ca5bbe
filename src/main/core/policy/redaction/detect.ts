import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { RE2JS } from 're2js';
import validator from 'validator';
import type { RedactionSettings } from '../../../../shared/privacy.js';
import { looksHarmless, SECRET_RULES, shannonEntropy } from './secret-rules.js';

/** A value to redact: its kind and where it is in the text (UTF-16 offsets). */
export interface Finding {
  kind: string;
  start: number;
  end: number;
}

/** A detector failed: the request must not go out (fail closed). */
export class DetectorError extends Error {
  constructor(readonly detector: string, cause: unknown) {
    super(`${detector}: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

function* matches(pattern: RE2JS, text: string, group = 0): Generator<{ start: number; end: number; value: string }> {
  const m = pattern.matcher(text);
  while (m.find()) {
    const value = m.group(group);
    if (value) yield { start: m.start(group), end: m.end(group), value };
  }
}

/** Start offsets of the lines of `text` that contain one of `keywords` (`lower` is `text` lowercased). */
function linesWith(text: string, lower: string, keywords: readonly string[]): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  for (const keyword of keywords) {
    for (let at = lower.indexOf(keyword); at >= 0; at = lower.indexOf(keyword, at + keyword.length)) {
      const start = text.lastIndexOf('\n', at) + 1;
      const newline = text.indexOf('\n', at);
      const end = newline < 0 ? text.length : newline;
      const last = out.at(-1);
      if (last && start <= last.end) last.end = Math.max(last.end, end);
      else out.push({ start, end });
      at = end;
    }
  }
  return out.sort((a, b) => a.start - b.start);
}

/**
 * Secret rules, each run only over the lines holding one of its keywords (a private key block
 * spans lines, so it runs from its first line to the end). Most prompts hold no keyword at all.
 */
function secretFindings(text: string): Finding[] {
  const out: Finding[] = [];
  const lower = text.toLowerCase();
  for (const rule of SECRET_RULES) {
    const spans = rule.kind === 'private_key'
      ? (lower.includes('private key') ? [{ start: 0, end: text.length }] : [])
      : linesWith(text, lower, rule.keywords);
    for (const span of spans) {
      for (const m of matches(rule.pattern, text.slice(span.start, span.end), rule.group)) {
        if (rule.minEntropy !== undefined && (looksHarmless(m.value) || shannonEntropy(m.value) < rule.minEntropy)) continue;
        out.push({ kind: rule.kind, start: span.start + m.start, end: span.start + m.end });
      }
    }
  }
  return out;
}

/*
 * PII candidates use V8's own regular expressions: fixed patterns with bounded repetition and no
 * nested unbounded quantifiers, so they run in linear time, a hundred times faster than re2js.
 * Each candidate counts only once a validator confirms it.
 */
const EMAIL = /[\p{L}\p{N}._%+-]{1,64}@[\p{L}\p{N}-]{1,63}(?:\.[\p{L}\p{N}-]{1,63}){0,8}\.\p{L}{2,24}/gu;
const CARD = /\b\d(?:[ -]?\d){12,18}\b/g;
const IBAN = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b/g;
const IPV4 = /\b\d{1,3}(?:\.\d{1,3}){3}\b/g;
const IPV6 = /(?:[0-9a-f]{1,4}:|:){2,7}[0-9a-f]{1,4}/gi;
const PHONE = /\+\d[\d ().-]{5,20}\d/g;

function* nativeMatches(pattern: RegExp, text: string): Generator<{ start: number; end: number; value: string }> {
  for (const m of text.matchAll(pattern)) yield { start: m.index, end: m.index + m[0].length, value: m[0] };
}

/** PII candidates found by pattern, kept only when a validator confirms them. */
function piiFindings(text: string): Finding[] {
  const out: Finding[] = [];
  const confirmed = (kind: string, pattern: RegExp, check: (value: string, start: number) => boolean) => {
    for (const m of nativeMatches(pattern, text)) if (check(m.value, m.start)) out.push({ kind, start: m.start, end: m.end });
  };
  if (text.includes('@')) confirmed('email', EMAIL, (v) => validator.isEmail(v));
  confirmed('credit_card', CARD, (v) => validator.isCreditCard(v.replace(/[ -]/g, '')));
  confirmed('iban', IBAN, (v) => validator.isIBAN(v.replace(/ /g, '')));
  // "v1.2.3.4" is a version, not an address.
  confirmed('ip_address', IPV4, (v, start) => validator.isIP(v, 4) && !/v$/i.test(text.slice(Math.max(0, start - 1), start)));
  if (text.includes(':')) confirmed('ip_address', IPV6, (v) => validator.isIP(v, 6));
  confirmed('phone_number', PHONE, (v) => parsePhoneNumberFromString(v)?.isValid() === true);
  return out;
}

export function compileCustom(settings: RedactionSettings): { kind: string; pattern: RE2JS }[] {
  return settings.custom.map((c) => ({ kind: c.name, pattern: RE2JS.compile(c.pattern) }));
}

/**
 * Every value to redact in `text`, overlaps resolved (the earliest wins; at the same start, the
 * detector that ran first: secrets, then PII, then custom patterns),
 * values on the allowlist left alone. Any detector that throws fails the whole detection.
 */
export async function detect(text: string, settings: RedactionSettings): Promise<Finding[]> {
  const all: Finding[] = [];
  const run = async (name: string, fn: () => Finding[] | Promise<Finding[]>) => {
    try {
      all.push(...(await fn()));
    } catch (err) {
      throw new DetectorError(name, err);
    }
  };
  if (settings.secrets) {
    await run('secret rules', () => secretFindings(text));
  }
  if (settings.pii) await run('PII validators', () => piiFindings(text));
  if (settings.custom.length > 0) {
    await run('custom patterns', () =>
      compileCustom(settings).flatMap(({ kind, pattern }) => [...matches(pattern, text)].map((m) => ({ kind, start: m.start, end: m.end }))),
    );
  }
  const allowed = new Set(settings.allow);
  // Stable: at the same start, secrets (found first) win over PII, then custom patterns.
  all.sort((a, b) => a.start - b.start);
  const kept: Finding[] = [];
  let reached = 0;
  for (const f of all) {
    if (f.start < reached || f.end <= f.start || allowed.has(text.slice(f.start, f.end))) continue;
    kept.push(f);
    reached = f.end;
  }
  return kept;
}
