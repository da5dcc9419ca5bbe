/**
 * DeepSeek's thinking mode wants an assistant turn's reasoning back as `reasoning_content`: it
 * is ignored after a plain answer but mandatory after tool calls, or the request fails with 400
 * ("The reasoning_content in the thinking mode must be passed back to the API";
 * https://api-docs.deepseek.com/guides/thinking_mode). So it is never stripped; a client that
 * keeps OpenRouter's `reasoning` / `reasoning_details` instead has them sent as
 * `reasoning_content`, and those two fields, which DeepSeek does not document, are dropped.
 */
import type { JsonObject } from '../../provider-adapter.js';
import { reasoningTextOf } from './plain-reasoning.js';
import type { Quirk } from './quirk.js';
import { rewriteMessages, withoutFields } from './wire-json.js';

const OPENROUTER_FIELDS = ['reasoning', 'reasoning_details'] as const;

function replayable(message: JsonObject): JsonObject {
  if (message.role !== 'assistant') return message;
  const text = reasoningTextOf(message);
  const out = withoutFields(message, OPENROUTER_FIELDS);
  if (text === undefined || message.reasoning_content === text) return out;
  return { ...out, reasoning_content: text };
}

export const deepseekReasoningReplay: Quirk = {
  request(body) {
    body.messages = rewriteMessages(body.messages, replayable);
  },
};
