import type { GeminiPart } from './gemini-wire.js';
import { PartialFunctionCall } from './partial-function-call.js';

/** What one candidate's parts say, in order, whatever Gemini's part layout. */
export type OutputEvent =
  | { kind: 'text'; text: string }
  | { kind: 'reasoning'; text: string }
  | { kind: 'signature'; signature: string; toolCallId?: string }
  | { kind: 'tool_call'; index: number; id: string; name: string; arguments: string }
  | { kind: 'image'; url: string };

/**
 * Reads the parts of one candidate, across the chunks of a stream or from one JSON answer.
 * Gemini's calls carry no id (or one only in newer API versions), so each gets a stable one
 * derived from the response id, the candidate and its position.
 */
export class CandidateReader {
  private callCount = 0;
  private pending: PartialFunctionCall | undefined;

  constructor(private readonly candidateIndex: number) {}

  get hasToolCalls(): boolean {
    return this.callCount > 0;
  }

  private nextCallId(given: string | undefined, responseId: string): string {
    return given ?? `call_${responseId}_${this.candidateIndex}_${this.callCount}`;
  }

  private emitCall(events: OutputEvent[], id: string, name: string, args: Record<string, unknown>, signature?: string): void {
    events.push({ kind: 'tool_call', index: this.callCount++, id, name, arguments: JSON.stringify(args) });
    if (signature) events.push({ kind: 'signature', signature, toolCallId: id });
  }

  private finishPending(events: OutputEvent[]): void {
    const call = this.pending;
    if (!call) return;
    this.pending = undefined;
    this.emitCall(events, call.id, call.name, call.args, call.signature);
  }

  read(parts: GeminiPart[], responseId: string): OutputEvent[] {
    const events: OutputEvent[] = [];
    for (const part of parts) {
      const call = part.functionCall;
      if (call) {
        if (call.partialArgs) {
          this.pending?.apply(call.partialArgs);
        } else if (call.name !== undefined && call.willContinue === true) {
          this.finishPending(events);
          this.pending = new PartialFunctionCall(this.nextCallId(call.id, responseId), call.name, part.thoughtSignature);
        } else if (call.name !== undefined) {
          this.finishPending(events);
          this.emitCall(events, this.nextCallId(call.id, responseId), call.name, call.args ?? {}, part.thoughtSignature);
        }
        if (call.name === undefined && call.willContinue !== true) this.finishPending(events);
        continue;
      }
      if (part.text !== undefined && part.text !== '') {
        events.push(part.thought ? { kind: 'reasoning', text: part.text } : { kind: 'text', text: part.text });
      }
      if (part.inlineData) events.push({ kind: 'image', url: `data:${part.inlineData.mimeType};base64,${part.inlineData.data}` });
      if (part.thoughtSignature) events.push({ kind: 'signature', signature: part.thoughtSignature });
    }
    return events;
  }
}
