import type { UsageRow } from '../../../shared/usage.js';

export const USAGE_COLUMNS: readonly (keyof UsageRow)[] = [
  'id', 'created_at', 'app_key', 'model', 'provider', 'upstream_model', 'status', 'prompt_tokens',
  'completion_tokens', 'cached_tokens', 'cache_write_tokens', 'reasoning_tokens', 'cost', 'latency_ms',
  'ttft_ms', 'streamed', 'finish_reason', 'error_code',
];

/** RFC 4180: quote fields with commas, quotes or line breaks; a leading =+-@ is defused for spreadsheets. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The usage columns, then any `extra` columns the rows carry (the egress audit's). */
export function formatCsv<Row extends UsageRow>(rows: readonly Row[], extra: readonly (keyof Row & string)[] = []): string {
  const columns: readonly (keyof Row)[] = [...USAGE_COLUMNS, ...extra];
  const lines = [columns.join(',')];
  for (const row of rows) lines.push(columns.map((c) => csvField(row[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
