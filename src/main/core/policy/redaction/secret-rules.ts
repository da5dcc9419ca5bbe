import { RE2JS } from 're2js';

/**
 * Secret rules after gitleaks' config/gitleaks.toml and secretlint's recommended preset (AWS,
 * GitHub, GitLab, Slack, npm, SendGrid, Shopify, Linear, 1Password, Hugging Face, basic auth in
 * URLs, private keys, OpenAI/Anthropic keys…). secretlint itself is not used: its profiler
 * (@secretlint/profiler 11.7.1) records a performance mark per rule per lint and pushes every
 * entry into arrays it never clears, so a long-running gateway would grow without bound.
 * They run with re2js: RE2's
 * automata, so matching is linear in the prompt's length whatever the pattern: no catastrophic
 * backtracking on a hostile prompt, and user patterns get the same guarantee. (The native `re2`
 * module cannot fetch its prebuilt binary here, and building it from source took over five
 * minutes on this machine; re2js is the same engine ported to JavaScript, with no build.)
 * `group` names the capture group holding the secret, when the match carries context around it.
 */
export interface SecretRule {
  kind: string;
  /** Lowercase words one of which every match contains: lines without any are not scanned (gitleaks' keyword prefilter). */
  keywords: readonly string[];
  pattern: RE2JS;
  group?: number;
  /** Only values at least this random count (Shannon bits per character), as gitleaks does for generic rules. */
  minEntropy?: number;
}

const rule = (kind: string, keywords: string[], source: string, extra: Omit<SecretRule, 'kind' | 'keywords' | 'pattern'> = {}): SecretRule => ({
  kind,
  keywords,
  pattern: RE2JS.compile(source),
  ...extra,
});

export const SECRET_RULES: readonly SecretRule[] = [
  rule('private_key', ['private key'], '(?s)-----BEGIN[A-Z0-9 ]{0,40}PRIVATE KEY( BLOCK)?-----.*?-----END[A-Z0-9 ]{0,40}PRIVATE KEY( BLOCK)?-----'),
  rule('aws_access_key', ['a3t', 'akia', 'asia', 'abia', 'acca'], '\\b((?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\\b', { group: 1 }),
  rule('openai_key', ['sk-'], '\\b(sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{16,}T3BlbkFJ[A-Za-z0-9_-]{16,})'),
  rule('openai_key', ['sk-'], '\\bsk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,}'),
  rule('anthropic_key', ['sk-ant-'], '\\bsk-ant-(?:api|admin)\\d{2}-[A-Za-z0-9_-]{40,}'),
  rule('switchyard_key', ['sk-sy-'], '\\bsk-sy-[A-Za-z0-9_-]{43}'),
  rule('github_token', ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_'], '\\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}\\b'),
  rule('github_token', ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_'], '\\bgithub_pat_[A-Za-z0-9_]{82}\\b'),
  rule('gitlab_token', ['glpat-'], '\\bglpat-[A-Za-z0-9_-]{20}\\b'),
  rule('slack_token', ['xox'], '\\bxox[baprs]-[A-Za-z0-9-]{10,}'),
  rule('google_api_key', ['aiza'], '\\bAIza[0-9A-Za-z_-]{35}\\b'),
  rule('stripe_key', ['_live_', '_test_'], '\\b(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{24,}\\b'),
  rule('npm_token', ['npm_'], '\\bnpm_[A-Za-z0-9]{36}\\b'),
  rule('sendgrid_key', ['sg.'], '\\bSG\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}\\b'),
  rule('shopify_token', ['shpat_', 'shpca_', 'shppa_', 'shpss_'], '\\bshp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}\\b'),
  rule('linear_key', ['lin_api_'], '\\blin_api_[A-Za-z0-9]{40}\\b'),
  rule('onepassword_token', ['ops_'], '\\bops_eyJ[A-Za-z0-9+/=_-]{100,}'),
  rule('huggingface_token', ['hf_'], '\\bhf_[A-Za-z0-9]{34,}\\b'),
  rule('basic_auth', ['://'], '\\b[a-z][a-z0-9+.-]*://[^\\s:/@]+:([^\\s:/@]{3,})@', { group: 1 }),
  rule('jwt', ['eyj'], '\\beyJ[A-Za-z0-9_-]{10,}\\.eyJ[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]{10,}'),
  rule(
    'generic_secret',
    ['api', 'key', 'secret', 'token', 'passw', 'credential', 'auth'],
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
