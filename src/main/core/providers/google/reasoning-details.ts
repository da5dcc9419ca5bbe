/** OpenRouter's `reasoning_details` for Gemini output (format "google-gemini-v1"). */

export const GEMINI_REASONING_FORMAT = 'google-gemini-v1';

export type ReasoningDetail =
  | { type: 'reasoning.text'; text: string; format: typeof GEMINI_REASONING_FORMAT; index: number }
  | {
      type: 'reasoning.encrypted';
      /** A Gemini thoughtSignature, to be sent back on the part it came with. */
      data: string;
      /** The tool call whose functionCall part carried the signature. */
      id?: string;
      format: typeof GEMINI_REASONING_FORMAT;
      index: number;
    };

/**
 * Numbers reasoning blocks the way streamed deltas are merged by clients: consecutive thought
 * text is one block (same index), each signature is a block of its own.
 */
export class ReasoningDetailsCounter {
  private next = 0;
  private openText: number | undefined;

  text(text: string): ReasoningDetail {
    this.openText ??= this.next++;
    return { type: 'reasoning.text', text, format: GEMINI_REASONING_FORMAT, index: this.openText };
  }

  signature(data: string, toolCallId: string | undefined): ReasoningDetail {
    this.openText = undefined;
    const detail: ReasoningDetail = { type: 'reasoning.encrypted', data, format: GEMINI_REASONING_FORMAT, index: this.next++ };
    if (toolCallId !== undefined) detail.id = toolCallId;
    return detail;
  }

  /** Answer text or a call between thoughts ends the current thought block. */
  closeText(): void {
    this.openText = undefined;
  }
}
