import type { JsonObject } from '../../provider-adapter.js';

/**
 * One way an openai-compatible upstream departs from OpenAI's chat wire format, smoothed over
 * in both directions. A preset lists its quirks (config/presets.ts); most have none.
 */
export interface Quirk {
  /**
   * Rewrites the chat body about to go upstream. `body` is the adapter's own shallow copy of the
   * client's body: top-level fields may be set freely, but nested values (messages) are the
   * client's and are reused if the request falls over to another endpoint, so they are replaced,
   * never changed in place.
   */
  request?(body: JsonObject, client: JsonObject): void;
  /** Rewrites a non-streamed chat completion in place. */
  response?(completion: JsonObject): void;
  /**
   * Rewrites stream chunks. `touches` is a text test cheap enough to run on every chunk; only
   * the chunks it accepts are parsed and handed to `rewrite`, so the others stay on the relay's
   * no-parse path.
   */
  chunk?: {
    touches(data: string): boolean;
    rewrite(chunk: JsonObject): void;
  };
}
