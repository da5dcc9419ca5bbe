import { lintSource } from '@secretlint/core';
import { creator as recommendedRules } from '@secretlint/secretlint-rule-preset-recommend';
import { findPhoneNumbersInText } from 'libphonenumber-js';
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

function secretFindings(text: string): Finding[] {
  const out: Finding[] = [];
  for (const rule of SECRET_RULES) {
    for (const m of matches(rule.pattern, text, rule.group)) {
      if (rule.minEntropy !== undefined && (looksHarmless(m.value) || shannonEntropy(m.value) < rule.minEntropy)) continue;
      out.push({ kind: rule.kind, start: m.start, end: m.end });
    }
  }
  return out;
}

/** The maintained secretlint rule set (AWS, GCP, GitHub, Slack, npm, private keys, basic auth…). */
async function secretlintFindings(text: string): Promise<Finding[]> {
  const result = await lintSource({
    source: { content: text, filePath: '/prompt.txt', ext: '.txt', contentType: 'text' },
    options: { config: { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: recommendedRules }] } },
  });
  return result.messages.map((m) => ({ kind: m.messageId.toLowerCase(), start: m.range[0], end: m.range[1] }));
}

const EMAIL = RE2JS.compile('[\\p{L}\\p{N}._%+-]+@[\\p{L}\\p{N}.-]+\\.\\p{L}{2,}');
const CARD = RE2JS.compile('\\b(?:\\d[ -]?){12,18}\\d\\b');
const IBAN = RE2JS.compile('\\b[A-Z]{2}\\d{2}(?: ?[A-Z0-9]){11,30}\\b');
const IPV4 = RE2JS.compile('\\b(?:\\d{1,3}\\.){3}\\d{1,3}\\b');
const IPV6 = RE2JS.compile('(?i)(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{1,4}');

/** PII candidates found by pattern, kept only when a validator confirms them. */
function piiFindings(text: string): Finding[] {
  const out: Finding[] = [];
  const confirmed = (kind: string, pattern: RE2JS, check: (value: string, start: number) => boolean) => {
    for (const m of matches(pattern, text)) if (check(m.value, m.start)) out.push({ kind, start: m.start, end: m.end });
  };
  confirmed('email', EMAIL, (v) => validator.isEmail(v));
  confirmed('credit_card', CARD, (v) => validator.isCreditCard(v.replace(/[ -]/g, '')));
  confirmed('iban', IBAN, (v) => validator.isIBAN(v.replace(/ /g, '')));
  // "v1.2.3.4" is a version, not an address.
  confirmed('ip_address', IPV4, (v, start) => validator.isIP(v, 4) && !/v$/i.test(text.slice(Math.max(0, start - 1), start)));
  confirmed('ip_address', IPV6, (v) => validator.isIP(v, 6));
  for (const phone of findPhoneNumbersInText(text)) {
    if (phone.number.isValid()) out.push({ kind: 'phone_number', start: phone.startsAt, end: phone.endsAt });
  }
  return out;
}

export function compileCustom(settings: RedactionSettings): { kind: string; pattern: RE2JS }[] {
  return settings.custom.map((c) => ({ kind: c.name, pattern: RE2JS.compile(c.pattern) }));
}

/**
 * Every value to redact in `text`, overlaps resolved (the earliest, then the longest wins),
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
    await run('secretlint', () => secretlintFindings(text));
  }
  if (settings.pii) await run('PII validators', () => piiFindings(text));
  if (settings.custom.length > 0) {
    await run('custom patterns', () =>
      compileCustom(settings).flatMap(({ kind, pattern }) => [...matches(pattern, text)].map((m) => ({ kind, start: m.start, end: m.end }))),
    );
  }
  const allowed = new Set(settings.allow);
  all.sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: Finding[] = [];
  let reached = 0;
  for (const f of all) {
    if (f.start < reached || f.end <= f.start || allowed.has(text.slice(f.start, f.end))) continue;
    kept.push(f);
    reached = f.end;
  }
  return kept;
}
