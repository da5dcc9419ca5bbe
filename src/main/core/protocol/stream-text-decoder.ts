const STREAM = { stream: true } as const;
const BOM = 0xfeff;

/**
 * Turns a stream of byte (or already decoded string) chunks into text, keeping a UTF-8
 * sequence split across chunks intact and dropping one byte order mark at the start.
 * The BOM is stripped here rather than by TextDecoder so string chunks get the same treatment.
 */
export class StreamTextDecoder {
  private readonly decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  private started = false;

  decode(chunk: Uint8Array | string): string {
    return this.afterStart(typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, STREAM));
  }

  /** Whatever an unfinished UTF-8 sequence at the end of the stream decodes to (U+FFFD). */
  flush(): string {
    return this.afterStart(this.decoder.decode());
  }

  private afterStart(text: string): string {
    if (this.started || text.length === 0) return text;
    this.started = true;
    return text.charCodeAt(0) === BOM ? text.slice(1) : text;
  }
}
