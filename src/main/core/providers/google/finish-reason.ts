/** Proto numbers of Candidate.FinishReason / BlockReason, for answers encoded with `enum-encoding=int`. */
const FINISH_REASON_NAMES = [
  'FINISH_REASON_UNSPECIFIED', 'STOP', 'MAX_TOKENS', 'SAFETY', 'RECITATION', 'OTHER', 'LANGUAGE', 'BLOCKLIST',
  'PROHIBITED_CONTENT', 'SPII', 'MALFORMED_FUNCTION_CALL',
];

const FILTERED = new Set([
  'SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'IMAGE_SAFETY', 'IMAGE_PROHIBITED_CONTENT',
  'IMAGE_RECITATION',
]);

/** The model tried to call a tool and failed: the turn ended without a usable answer. */
const FAILED_CALL = new Set(['MALFORMED_FUNCTION_CALL', 'UNEXPECTED_TOOL_CALL', 'TOO_MANY_TOOL_CALLS', 'MISSING_THOUGHT_SIGNATURE']);

export function finishReasonName(value: string | number | undefined): string | undefined {
  if (typeof value === 'number') return FINISH_REASON_NAMES[value] ?? String(value);
  return value;
}

/** Gemini's finish reason in OpenAI terms (OpenRouter's set: stop, length, tool_calls, content_filter, error). */
export function openAiFinishReason(native: string | undefined, hasToolCalls: boolean): string {
  if (native === 'MAX_TOKENS') return 'length';
  if (native !== undefined && FILTERED.has(native)) return 'content_filter';
  if (native !== undefined && FAILED_CALL.has(native)) return 'error';
  return hasToolCalls ? 'tool_calls' : 'stop';
}
