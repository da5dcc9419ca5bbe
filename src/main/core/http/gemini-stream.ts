/**
 * Writes a streamGenerateContent answer in the form the client asked for: SSE (`?alt=sse`, what
 * the SDKs use) or Gemini's default, one JSON array whose elements arrive as they are made.
 * Headers go out with the first chunk, so a failure before any chunk is still a plain error.
 */
import type { ServerResponse } from 'node:http';
import { SSE_HEADERS } from '../protocol/sse.js';
import type { RequestLog } from '../usage/request-log.js';
import { type CancelSignal, drained } from '../providers/request-cancel.js';

export type GeminiStreamMode = 'sse' | 'array';

export class GeminiStreamWriter {
  private pending: string[] = [];
  private chunks = 0;

  constructor(
    private readonly res: ServerResponse,
    private readonly log: RequestLog,
    private readonly signal: CancelSignal,
    private readonly mode: GeminiStreamMode,
  ) {}

  get started(): boolean {
    return this.res.headersSent || this.pending.length > 0;
  }

  chunk(json: string): void {
    if (this.mode === 'sse') this.pending.push(`data: ${json}\r\n\r\n`);
    else this.pending.push(this.chunks === 0 ? `[${json}` : `,\r\n${json}`);
    this.chunks += 1;
  }

  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const text = this.take();
    this.log.markFirstByte();
    if (!this.res.write(text)) await drained(this.res, this.signal);
  }

  end(): void {
    if (this.res.destroyed) return;
    const close = this.mode === 'array' ? (this.chunks === 0 ? '[]' : ']') : '';
    this.res.end(this.take() + close);
  }

  private take(): string {
    if (!this.res.headersSent) {
      const type = this.mode === 'sse' ? SSE_HEADERS : { 'content-type': 'application/json; charset=utf-8' };
      this.res.writeHead(200, { ...type, 'x-generation-id': this.log.id });
    }
    const text = this.pending.join('');
    this.pending = [];
    return text;
  }
}
