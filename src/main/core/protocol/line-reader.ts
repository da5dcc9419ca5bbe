import { StreamTextDecoder } from './stream-text-decoder.js';

const CR = 13;

/**
 * Incremental reader of newline-delimited text such as NDJSON (Ollama's native streams).
 * Lines end in LF (a CR before it is dropped); empty lines are skipped. JSON Lines allows
 * the last line to lack its newline, so end() delivers it: a cut line fails the caller's parse.
 */
export class LineParser {
  private readonly text = new StreamTextDecoder();
  private readonly onLine: (line: string) => void;
  private partial = '';

  constructor(onLine: (line: string) => void) {
    this.onLine = onLine;
  }

  push(chunk: Uint8Array | string): void {
    this.feed(this.text.decode(chunk));
  }

  end(): void {
    this.feed(this.text.flush());
    const last = this.partial;
    this.partial = '';
    this.emit(last, 0, last.length);
  }

  private feed(text: string): void {
    let pos = 0;
    for (let lf = text.indexOf('\n'); lf !== -1; lf = text.indexOf('\n', pos)) {
      if (this.partial.length === 0) {
        this.emit(text, pos, lf);
      } else {
        const line = this.partial + text.slice(pos, lf);
        this.partial = '';
        this.emit(line, 0, line.length);
      }
      pos = lf + 1;
    }
    if (pos < text.length) this.partial += pos === 0 ? text : text.slice(pos);
  }

  private emit(buf: string, start: number, end: number): void {
    if (end > start && buf.charCodeAt(end - 1) === CR) end--;
    if (end > start) this.onLine(buf.slice(start, end));
  }
}

/** The non-empty lines of a streamed body. */
export async function* readLines(body: AsyncIterable<Uint8Array | string>): AsyncGenerator<string, void, undefined> {
  const ready: string[] = [];
  const parser = new LineParser((line) => {
    ready.push(line);
  });
  for await (const chunk of body) {
    parser.push(chunk);
    for (const line of ready) yield line;
    ready.length = 0;
  }
  parser.end();
  yield* ready;
}
