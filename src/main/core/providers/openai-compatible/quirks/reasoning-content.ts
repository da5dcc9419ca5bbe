/**
 * `reasoning_content` (DeepSeek's field, also sent by xAI, Fireworks and the reasoning parsers of
 * vLLM, llama.cpp and LM Studio) surfaced as OpenRouter's `reasoning` + `reasoning_details`, the
 * fields this gateway answers with for every provider. `reasoning_content` stays as well:
 * clients written for DeepSeek read it, and DeepSeek wants it back after tool calls.
 */
import type { JsonObject } from '../../provider-adapter.js';
import { surfaceReasoning } from './plain-reasoning.js';
import type { Quirk } from './quirk.js';
import { choicesOf, isObject } from './wire-json.js';

const KEY = 'reasoning_content"';

/**
 * Whether a chunk's text has reasoning_content with a string value: most chunks carry
 * `"reasoning_content":null` or nothing. The search starts at a letter, not a quote, which V8
 * finds several times faster in JSON text full of quotes.
 */
function hasReasoningText(data: string): boolean {
  const at = data.indexOf(KEY);
  if (at < 0) return false;
  let i = at + KEY.length;
  while (data.charCodeAt(i) === 0x20) i++;
  if (data.charCodeAt(i) !== 0x3a) return false;
  i++;
  while (data.charCodeAt(i) === 0x20) i++;
  return data.charCodeAt(i) === 0x22;
}

function surface(holder: unknown): void {
  if (!isObject(holder)) return;
  const text = holder.reasoning_content;
  if (typeof text === 'string' && text !== '') surfaceReasoning(holder, text);
}

export const reasoningContent: Quirk = {
  response(completion: JsonObject) {
    for (const choice of choicesOf(completion)) surface(choice.message);
  },
  chunk: {
    touches: hasReasoningText,
    rewrite(chunk) {
      for (const choice of choicesOf(chunk)) surface(choice.delta);
    },
  },
};
