/** Shared by the redaction suites: placeholders found in text, texts cut anywhere, and an upstream that echoes them. */

export const placeholdersIn = (text: string): string[] => text.match(/\[\[[A-Z_]+_\d+\]\]/g) ?? [];

/** The text split at each of the given cut points (UTF-16 offsets: surrogate pairs may be cut too). */
export function split(text: string, cuts: number[]): string[] {
  const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
  const out: string[] = [];
  let from = 0;
  for (const p of points) {
    out.push(text.slice(from, p));
    from = p;
  }
  out.push(text.slice(from));
  return out;
}

/** OpenAI chat SSE echoing `text` one character per chunk, then tool-call arguments carrying its placeholders. */
export function openAiEcho(text: string): string {
  const chunk = (delta: object, finish: string | null = null) =>
    `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  const args = JSON.stringify({ to: placeholdersIn(text).join(',') });
  return [
    chunk({ role: 'assistant', content: '' }),
    ...[...text].map((ch) => chunk({ content: ch })),
    chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'send', arguments: '' } }] }),
    ...[...args].map((ch) => chunk({ tool_calls: [{ index: 0, function: { arguments: ch } }] })),
    chunk({}, 'tool_calls'),
    `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [], usage: { prompt_tokens: 5, completion_tokens: 5, total_tokens: 10 } })}\n\n`,
    'data: [DONE]\n\n',
  ].join('');
}
