/**
 * Reversible placeholders: `[[EMAIL_1]]`, `[[AWS_ACCESS_KEY_2]]`. ASCII only, nothing JSON must
 * escape, unlikely in natural text, and kept intact by models that are asked to repeat them.
 */
const PLACEHOLDER_AT = /\[\[[A-Z0-9_]+_\d+\]\]/y;
/** What the end of a chunk can look like when a placeholder continues in the next chunk. */
const PLACEHOLDER_PREFIX = /^\[(?:\[[A-Z0-9_]*\]?)?$/;
const MAX_PLACEHOLDER = 64;

export function placeholderFor(kind: string, n: number): string {
  return `[[${kind.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}_${n}]]`;
}

export function maskFor(kind: string): string {
  return `[REDACTED:${kind}]`;
}

/** How a restored value is written: as is, or escaped for a JSON string (tool-call arguments are JSON text). */
export type Encode = (value: string) => string;
export const asText: Encode = (value) => value;
export const asJsonStringContent: Encode = (value) => JSON.stringify(value).slice(1, -1);

/**
 * Restores placeholders in a text that arrives in pieces. A piece that ends inside what could be
 * a placeholder keeps that tail back until the next piece says what it is, so a placeholder split
 * anywhere (even one character per chunk) is restored whole. Unknown placeholders pass unchanged.
 */
export class TextRestorer {
  private pending = '';

  constructor(private readonly values: ReadonlyMap<string, string>, private readonly encode: Encode = asText) {}

  get holding(): boolean {
    return this.pending.length > 0;
  }

  push(text: string): string {
    const buf = this.pending + text;
    this.pending = '';
    let out = '';
    let from = 0;
    for (;;) {
      const at = buf.indexOf('[', from);
      if (at < 0) return out + buf.slice(from);
      PLACEHOLDER_AT.lastIndex = at;
      const whole = PLACEHOLDER_AT.exec(buf);
      if (whole) {
        const value = this.values.get(whole[0]);
        out += buf.slice(from, at) + (value === undefined ? whole[0] : this.encode(value));
        from = at + whole[0].length;
        continue;
      }
      const rest = buf.slice(at);
      if (rest.length < MAX_PLACEHOLDER && PLACEHOLDER_PREFIX.test(rest)) {
        this.pending = rest;
        return out + buf.slice(from, at);
      }
      out += buf.slice(from, at + 1);
      from = at + 1;
    }
  }

  /** What is still held back when the text ends: not a placeholder after all. */
  flush(): string {
    const rest = this.pending;
    this.pending = '';
    return rest;
  }
}

export function restoreText(text: string, values: ReadonlyMap<string, string>, encode: Encode = asText): string {
  const restorer = new TextRestorer(values, encode);
  return restorer.push(text) + restorer.flush();
}
