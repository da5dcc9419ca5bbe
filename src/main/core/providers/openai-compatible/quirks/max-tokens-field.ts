/**
 * `max_completion_tokens`, OpenAI's current name for the output limit, as `max_tokens` for
 * upstreams that only know the old one: Mistral rejects the new name (422 extra_forbidden) and
 * Ollama's /v1 silently ignores it (its request type declares only `max_tokens`), either way
 * losing the client's limit. An explicit `max_tokens` wins.
 */
import type { Quirk } from './quirk.js';

export const maxTokensField: Quirk = {
  request(body) {
    if (body.max_completion_tokens === undefined) return;
    if (body.max_tokens === undefined || body.max_tokens === null) body.max_tokens = body.max_completion_tokens;
    delete body.max_completion_tokens;
  },
};
