/**
 * Mistral validates requests strictly: an unknown field anywhere is a 422 `extra_forbidden`.
 * - `stream_options`, which the gateway adds to every stream to be told the usage, is one of
 *   them; Mistral puts the usage on its last chunk unasked (see the recorded streams), so the
 *   gateway still reads it.
 * - OpenAI's `seed` is Mistral's `random_seed`.
 * - Reasoning fields on an assistant message (`reasoning_content`, and OpenRouter's `reasoning`
 *   and `reasoning_details` that this gateway itself answers with) are refused as input.
 */
import type { JsonObject } from '../../provider-adapter.js';
import type { Quirk } from './quirk.js';
import { rewriteMessages, withoutFields } from './wire-json.js';

const REASONING_FIELDS = ['reasoning', 'reasoning_content', 'reasoning_details'] as const;

function withoutReasoning(message: JsonObject): JsonObject {
  return message.role === 'assistant' ? withoutFields(message, REASONING_FIELDS) : message;
}

export const mistralParams: Quirk = {
  request(body) {
    delete body.stream_options;
    if (body.seed !== undefined) {
      if (body.random_seed === undefined) body.random_seed = body.seed;
      delete body.seed;
    }
    body.messages = rewriteMessages(body.messages, withoutReasoning);
  },
};
