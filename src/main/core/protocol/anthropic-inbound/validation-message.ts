/**
 * A request validation failure worded as Anthropic's API words it (`messages.1.role: Input should
 * be 'user' or 'assistant'`, `max_tokens: Field required`): Anthropic clients recognise those
 * messages and some recover from them (Claude Code resends without what was refused), so a
 * gateway that answers for Anthropic must not reword them.
 */
interface IssueLike {
  code?: string;
  path: PropertyKey[];
  message: string;
  expected?: string;
  input?: unknown;
  values?: unknown[];
  options?: unknown[];
  discriminator?: string;
  errors?: IssueLike[][];
}

/** The most specific issue: unions report "Invalid input" at their root, the useful detail is deeper. */
function deepestIssue(issue: IssueLike, prefix: PropertyKey[] = []): IssueLike {
  const path = [...prefix, ...issue.path];
  let best: IssueLike | undefined;
  for (const branch of issue.errors ?? []) {
    for (const sub of branch) {
      const candidate = deepestIssue(sub, path);
      if (!best || candidate.path.length > best.path.length) best = candidate;
    }
  }
  return best ?? { ...issue, path };
}

/** Pydantic's list of choices: `'a', 'b' or 'c'`. */
function choices(values: unknown[]): string {
  const quoted = values.map((v) => `'${String(v)}'`);
  if (quoted.length < 2) return quoted.join('');
  return `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1] ?? ''}`;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a valid string',
  number: 'a valid number',
  int: 'a valid integer',
  boolean: 'a valid boolean',
  array: 'a valid list',
  object: 'a valid dictionary',
  record: 'a valid dictionary',
};

function wording(issue: IssueLike): string {
  if (issue.code === 'invalid_type') {
    if (issue.message.endsWith('received undefined')) return 'Field required';
    return `Input should be ${TYPE_WORDS[issue.expected ?? ''] ?? `a valid ${issue.expected ?? 'value'}`}`;
  }
  if (issue.code === 'invalid_value' && issue.values) return `Input should be ${choices(issue.values)}`;
  // A schema's own message (zod's defaults all start "Invalid") says more than a list of tags.
  if (issue.code === 'invalid_union' && issue.discriminator && issue.options && issue.message.startsWith('Invalid')) {
    const tags = issue.options.filter((o) => o !== undefined).map((o) => `'${String(o)}'`);
    return `Input tag does not match any of the expected tags: ${tags.join(', ')}`;
  }
  return issue.message;
}

/** `path: message` for the first issue, in Anthropic's words where zod has a counterpart. */
export function anthropicValidationMessage(issues: readonly IssueLike[]): { path: string; message: string } {
  const [first] = issues;
  if (!first) return { path: '', message: 'Invalid request' };
  const issue = deepestIssue(first);
  const path = issue.path.map(String).join('.');
  // Anthropic's own answer to a role it does not take names the role, not a path.
  if (issue.discriminator === 'role' && issue.path.at(-1) === 'role') {
    const options = issue.options ?? [];
    return { path, message: `${path}: Input should be ${choices(options)}` };
  }
  return { path, message: path === '' ? wording(issue) : `${path}: ${wording(issue)}` };
}
