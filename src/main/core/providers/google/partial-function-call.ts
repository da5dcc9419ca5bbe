import type { GeminiPartialArg } from './gemini-wire.js';

type Container = Record<string, unknown> | unknown[];
type PathKey = string | number;

/** `$.a.b[0]['c d']` as keys; undefined for a path this reader does not understand. */
function parseJsonPath(path: string): PathKey[] | undefined {
  if (!path.startsWith('$')) return undefined;
  const keys: PathKey[] = [];
  const token = /\.([^.[\]]+)|\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]|\["((?:[^"\\]|\\.)*)"\]/y;
  token.lastIndex = 1;
  while (token.lastIndex < path.length) {
    const match = token.exec(path);
    if (!match) return undefined;
    const [, dotted, index, singleQuoted, doubleQuoted] = match;
    keys.push(index !== undefined ? Number(index) : (dotted ?? singleQuoted ?? doubleQuoted ?? ''));
  }
  return keys;
}

function child(container: Container, key: PathKey): unknown {
  return Array.isArray(container) ? container[key as number] : container[String(key)];
}

function assign(container: Container, key: PathKey, value: unknown): void {
  if (Array.isArray(container)) container[key as number] = value;
  else container[String(key)] = value;
}

/**
 * One function call that Gemini streams in pieces (argument streaming): a start with the name,
 * `partialArgs` that set values by JSON path (strings may continue over several pieces), then
 * an empty functionCall that ends it. The whole call is handed out at the end, so its
 * arguments serialise exactly once.
 */
export class PartialFunctionCall {
  readonly args: Record<string, unknown> = {};
  private readonly openStrings = new Set<string>();

  constructor(
    readonly id: string,
    readonly name: string,
    readonly signature: string | undefined,
  ) {}

  apply(partials: GeminiPartialArg[]): void {
    for (const partial of partials) {
      const keys = parseJsonPath(partial.jsonPath);
      if (!keys || keys.length === 0) continue;
      let container: Container = this.args;
      for (const [depth, key] of keys.slice(0, -1).entries()) {
        let next = child(container, key);
        if (typeof next !== 'object' || next === null) {
          next = typeof keys[depth + 1] === 'number' ? [] : {};
          assign(container, key, next);
        }
        container = next as Container;
      }
      const last = keys.at(-1) as PathKey;
      assign(container, last, this.valueOf(partial, child(container, last)));
    }
  }

  private valueOf(partial: GeminiPartialArg, current: unknown): unknown {
    if (partial.stringValue !== undefined) {
      const continues = this.openStrings.has(partial.jsonPath) && typeof current === 'string';
      if (partial.willContinue) this.openStrings.add(partial.jsonPath);
      else this.openStrings.delete(partial.jsonPath);
      return continues ? current + partial.stringValue : partial.stringValue;
    }
    if (partial.numberValue !== undefined) return partial.numberValue;
    if (partial.boolValue !== undefined) return partial.boolValue;
    return 'nullValue' in partial ? null : current;
  }
}
