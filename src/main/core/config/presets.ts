/**
 * Provider presets: DESIGN.md §3 `type` values. Presets are openai-compatible
 * upstreams with a known base URL; `pricesId` names the provider in @pydantic/genai-prices.
 * Base URLs are the ones each provider documents for OpenAI SDKs (checked 2026).
 */
export type ProviderFamily = 'openai-compatible' | 'anthropic' | 'google';

/**
 * Where an openai-compatible upstream departs from OpenAI's wire format in a way a client
 * would notice. Implemented in providers/openai-compatible/quirks/, applied to chat only.
 * - `reasoning-content`: reasoning arrives as `reasoning_content` (DeepSeek, xAI, Fireworks, and
 *   the reasoning parsers of vLLM, llama.cpp, LM Studio); it is also surfaced as OpenRouter's
 *   `reasoning` + `reasoning_details`.
 * - `deepseek-reasoning-replay`: DeepSeek wants an assistant turn's reasoning back as
 *   `reasoning_content` (mandatory after tool calls in thinking mode); OpenRouter's fields become that.
 * - `max-tokens-field`: no `max_completion_tokens` (Mistral rejects it, Ollama ignores it): it becomes `max_tokens`.
 * - `mistral-params`: Mistral refuses unknown fields (422 extra_forbidden), among them the
 *   `stream_options` the gateway adds, OpenAI's `seed` and reasoning fields in messages.
 * - `mistral-tool-ids`: Mistral accepts only tool call ids matching ^[a-zA-Z0-9]{9}$.
 * - `mistral-thinking-content`: Magistral answers with `content` as an array of text and
 *   thinking chunks; it becomes a string plus `reasoning`.
 * - `openrouter-extras`: OpenRouter itself understands `transforms` and `plugins`, which
 *   other upstreams never see.
 */
export type CompatQuirk =
  | 'reasoning-content'
  | 'deepseek-reasoning-replay'
  | 'max-tokens-field'
  | 'mistral-params'
  | 'mistral-tool-ids'
  | 'mistral-thinking-content'
  | 'openrouter-extras';

export interface ProviderPreset {
  family: ProviderFamily;
  baseUrl?: string;
  /** Provider id in @pydantic/genai-prices; absent for local servers (no published price). */
  pricesId?: string;
  /** Local servers need no key and are free unless the config says otherwise. */
  local?: boolean;
  /** Departures from OpenAI's wire format that the openai-compatible adapter smooths over. */
  quirks?: readonly CompatQuirk[];
}

export const PROVIDER_PRESETS = {
  openai: { family: 'openai-compatible', baseUrl: 'https://api.openai.com/v1', pricesId: 'openai' },
  anthropic: { family: 'anthropic', baseUrl: 'https://api.anthropic.com/v1', pricesId: 'anthropic' },
  google: { family: 'google', baseUrl: 'https://generativelanguage.googleapis.com/v1beta', pricesId: 'google' },
  // Any other server: vLLM, llama.cpp, SGLang, LM Studio… may send `reasoning_content`.
  'openai-compatible': { family: 'openai-compatible', quirks: ['reasoning-content'] },
  // Groq sends reasoning as `reasoning` already (reasoning_format "parsed").
  groq: { family: 'openai-compatible', baseUrl: 'https://api.groq.com/openai/v1', pricesId: 'groq' },
  // DeepSeek documents https://api.deepseek.com (the /v1 form is an alias, "unrelated to the model version").
  deepseek: {
    family: 'openai-compatible',
    baseUrl: 'https://api.deepseek.com',
    pricesId: 'deepseek',
    quirks: ['reasoning-content', 'deepseek-reasoning-replay'],
  },
  mistral: {
    family: 'openai-compatible',
    baseUrl: 'https://api.mistral.ai/v1',
    pricesId: 'mistral',
    quirks: ['max-tokens-field', 'mistral-params', 'mistral-tool-ids', 'mistral-thinking-content'],
  },
  xai: { family: 'openai-compatible', baseUrl: 'https://api.x.ai/v1', pricesId: 'x-ai', quirks: ['reasoning-content'] },
  together: { family: 'openai-compatible', baseUrl: 'https://api.together.ai/v1', pricesId: 'together' },
  fireworks: {
    family: 'openai-compatible',
    baseUrl: 'https://api.fireworks.ai/inference/v1',
    pricesId: 'fireworks',
    quirks: ['reasoning-content'],
  },
  openrouter: { family: 'openai-compatible', baseUrl: 'https://openrouter.ai/api/v1', pricesId: 'openrouter', quirks: ['openrouter-extras'] },
  // Ollama's OpenAI-compatible API; its reasoning field is already `reasoning`.
  ollama: { family: 'openai-compatible', baseUrl: 'http://127.0.0.1:11434/v1', local: true, quirks: ['max-tokens-field'] },
  lmstudio: { family: 'openai-compatible', baseUrl: 'http://127.0.0.1:1234/v1', local: true, quirks: ['reasoning-content'] },
  llamacpp: { family: 'openai-compatible', baseUrl: 'http://127.0.0.1:8080/v1', local: true, quirks: ['reasoning-content'] },
  vllm: { family: 'openai-compatible', baseUrl: 'http://127.0.0.1:8000/v1', local: true, quirks: ['reasoning-content'] },
} as const satisfies Record<string, ProviderPreset>;

export type ProviderType = keyof typeof PROVIDER_PRESETS;
export const PROVIDER_TYPES = Object.keys(PROVIDER_PRESETS) as [ProviderType, ...ProviderType[]];

/** The quirks of a provider type, none for most. */
export function presetQuirks(type: ProviderType): readonly CompatQuirk[] {
  const preset: ProviderPreset = PROVIDER_PRESETS[type];
  return preset.quirks ?? [];
}
