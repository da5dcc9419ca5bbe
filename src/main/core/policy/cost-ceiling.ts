import type { JsonObject, Operation } from '../providers/provider-adapter.js';
import type { Endpoint } from '../router/catalog.js';

/**
 * Prompt tokens are estimated from the request's JSON size without a tokenizer. Real
 * tokenizers spend about 4 bytes of English (and at least 2 bytes of UTF-8 CJK) per
 * token, and the JSON quoting of each message outweighs the few template tokens a chat
 * format adds, so bytes / 2 overestimates the prompt: the reservation is a ceiling.
 */
export const PROMPT_BYTES_PER_TOKEN = 2;

/**
 * An image is billed by its pixels, not its bytes (a base64 photo is megabytes, a URL a
 * few dozen), so each image part counts this many tokens instead of its JSON: above what
 * OpenAI, Anthropic and Google bill for one image at their default sizes (a few hundred
 * to ~2,500 tokens). Documents and audio are still counted by their bytes.
 */
export const IMAGE_PART_TOKENS = 4_096;

/** Output ceiling when the request sets no max_tokens and genai-prices knows no context window. */
export const DEFAULT_MAX_OUTPUT_TOKENS = 32_768;

const IMAGE_PART_TYPES = new Set(['image_url', 'image', 'input_image']);

export interface CostCeiling {
  /** The most this request can cost at the endpoint's price, in USD. */
  usd: number;
  promptTokens: number;
  /** Output tokens the ceiling allows for, over all choices. */
  outputTokens: number;
  /** Where the per-choice output bound came from. */
  outputBound: 'max_tokens' | 'context_window' | 'default' | 'none';
}

export function estimatePromptTokens(body: JsonObject): number {
  let images = 0;
  const json = JSON.stringify(body, (_key, value: unknown) => {
    if (typeof value === 'object' && value !== null && 'type' in value) {
      const type = (value as { type: unknown }).type;
      if (typeof type === 'string' && IMAGE_PART_TYPES.has(type)) {
        images += 1;
        return undefined;
      }
    }
    return value;
  });
  return Math.ceil(Buffer.byteLength(json ?? '') / PROMPT_BYTES_PER_TOKEN) + images * IMAGE_PART_TOKENS;
}

function nonNegativeInteger(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.ceil(value) : undefined;
}

/** The output cap the client asked for; with several spellings present the largest wins, since providers honour different ones. */
function requestedMaxOutput(body: JsonObject): number | undefined {
  const caps = [body.max_completion_tokens, body.max_tokens, body.max_output_tokens].flatMap((v) => nonNegativeInteger(v) ?? []);
  return caps.length > 0 ? Math.max(...caps) : undefined;
}

/** `n` choices (and legacy `best_of`) are each generated and billed. */
function choiceCount(body: JsonObject): number {
  return Math.max(1, nonNegativeInteger(body.n) ?? 1, nonNegativeInteger(body.best_of) ?? 1);
}

/**
 * The maximum cost of `body` at `endpoint`: the estimated prompt plus every output token
 * the request allows (its max_tokens, else the model's context window, else
 * DEFAULT_MAX_OUTPUT_TOKENS; times `n`), plus any per-request price. The prompt is priced
 * both as plain input and as cache writes (which some providers charge above input) and
 * the dearer one is kept. Null when the endpoint's price is unknown.
 */
export function costCeiling(op: Operation, body: JsonObject, endpoint: Endpoint): CostCeiling | null {
  const promptTokens = estimatePromptTokens(body);
  let perChoice = 0;
  let outputBound: CostCeiling['outputBound'] = 'none';
  if (op !== 'embeddings') {
    const requested = requestedMaxOutput(body);
    const window = requested === undefined ? endpoint.price.contextWindow : null;
    perChoice = requested ?? window ?? DEFAULT_MAX_OUTPUT_TOKENS;
    outputBound = requested !== undefined ? 'max_tokens' : window !== null ? 'context_window' : 'default';
  }
  const outputTokens = perChoice * choiceCount(body);
  const usage = { promptTokens, completionTokens: outputTokens, cachedTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 };
  const plain = endpoint.price.cost(usage);
  if (plain === null) return null;
  const asCacheWrites = endpoint.price.cost({ ...usage, cacheWriteTokens: promptTokens });
  return { usd: Math.max(plain, asCacheWrites ?? 0), promptTokens, outputTokens, outputBound };
}
