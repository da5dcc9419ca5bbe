import { RE2JS } from 're2js';

/**
 * Gitleaks-style secret rules (after gitleaks' config/gitleaks.toml), run with re2js: RE2's
 * automata, so matching is linear in the prompt's length whatever the pattern: no catastrophic
 * backtracking on a hostile prompt, and user patterns get the same guarantee. (The native `re2`
 * module cannot fetch its prebuilt binary here, and building it from source took over five
 * minutes on this machine; re2js is the same engine ported to JavaScript, with no build.)
 * `group` names the capture group holding the secret, when the match carries context around it.
 */
export interface SecretRule {
  kind: string;
  pattern: RE2JS;
  group?: number;
  /** Only values at least this random count (Shannon bits per character), as gitleaks does for generic rules. */
  minEntropy?: number;
}

const rule = (kind: string, source: string, extra: Omit<SecretRule, 'kind' | 'pattern'> = {}): SecretRule => ({
  kind,
  pattern: RE2JS.compile(source),
  ...extra,
});

export const SECRET_RULES: readonly SecretRule[] = [
  rule('private_key', '(?s)-----BEGIN[A-Z0-9 ]{0,40}PRIVATE KEY( BLOCK)?-----.*?-----END[A-Z0-9 ]{0,40}PRIVATE KEY( BLOCK)?-----'),
  rule('aws_access_key', '\\b((?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\\b', { group: 1 }),
  rule('openai_key', '\\b(sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{16,}T3BlbkFJ[A-Za-z0-9_-]{16,})'),
  rule('openai_key', '\\bsk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,}'),
  rule('anthropic_key', '\\bsk-ant-(?:api|admin)\\d{2}-[A-Za-z0-9_-]{40,}'),
  rule('switchyard_key', '\\bsk-sy-[A-Za-z0-9_-]{43}'),
  rule('github_token', '\\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}\\b'),
  rule('github_token', '\\bgithub_pat_[A-Za-z0-9_]{82}\\b'),
  rule('gitlab_token', '\\bglpat-[A-Za-z0-9_-]{20}\\b'),
  rule('slack_token', '\\bxox[baprs]-[A-Za-z0-9-]{10,}'),
  rule('google_api_key', '\\bAIza[0-9A-Za-z_-]{35}\\b'),
  rule('stripe_key', '\\b(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{24,}\\b'),
  rule('jwt', '\\beyJ[A-Za-z0-9_-]{10,}\\.eyJ[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]{10,}'),
  rule(
    'generic_secret',
    '(?i)(?:api[_-]?key|secret|token|passw(?:or)?d|credential|auth)[A-Za-z0-9_.-]{0,20}["\']?\\s*[:=]\\s*["\']?([A-Za-z0-9_\\-./+=~]{16,})',
    { group: 1, minEntropy: 3.5 },
  ),
];

export function shannonEntropy(value: string): number {
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / value.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/** Look like secrets to a generic rule but are not: UUIDs, hex digests, version strings. */
const NOT_SECRETS = [
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  /^(?:sha(?:1|256|512):)?(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64}|[0-9a-f]{128})$/i,
  /^v?\d+(?:\.\d+){1,3}(?:[-+][0-9A-Za-z.-]+)?$/,
];

export function looksHarmless(value: string): boolean {
  return NOT_SECRETS.some((re) => re.test(value));
}
