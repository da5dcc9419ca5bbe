/**
 * Provider presets: DESIGN.md §3 `type` values. Presets are openai-compatible
 * upstreams with a known base URL; `pricesId` names the provider in @pydantic/genai-prices.
 */
export type ProviderFamily = 'openai-compatible' | 'anthropic' | 'google';

export interface ProviderPreset {
  family: ProviderFamily;
  baseUrl?: string;
  /** Provider id in @pydantic/genai-prices; absent for local servers (no published price). */
  pricesId?: string;
  /** Local servers need no key and are free unless the config says otherwise. */
  local?: boolean;
}

export const PROVIDER_PRESETS = {
  openai: { family: 'openai-compatible', baseUrl: 'https://api.openai.com/v1', pricesId: 'openai' },
  anthropic: { family: 'anthropic', baseUrl: 'https://api.anthropic.com/v1', pricesId: 'anthropic' },
  google: { family: 'google', baseUrl: 'https://generativelanguage.googleapis.com/v1beta', pricesId: 'google' },
  'openai-compatible': { family: 'openai-compatible' },
  groq: { family: 'openai-compatible', baseUrl: 'https://api.groq.com/openai/v1', pricesId: 'groq' },
  deepseek: { family: 'openai-compatible', baseUrl: 'https://api.deepseek.com/v1', pricesId: 'deepseek' },
  mistral: { family: 'openai-compatible', baseUrl: 'https://api.mistral.ai/v1', pricesId: 'mistral' },
  xai: { family: 'openai-compatible', baseUrl: 'https://api.x.ai/v1', pricesId: 'x-ai' },
  together: { family: 'openai-compatible', baseUrl: 'https://api.together.xyz/v1', pricesId: 'together' },
  fireworks: { family: 'openai-compatible', baseUrl: 'https://api.fireworks.ai/inference/v1', pricesId: 'fireworks' },
  openrouter: { family: 'openai-compatible', baseUrl: 'https://openrouter.ai/api/v1', pricesId: 'openrouter' },
  ollama: { family: 'openai-compatible', baseUrl: 'http://127.0.0.1:11434/v1', local: true },
  lmstudio: { family: 'openai-compatible', baseUrl: 'http://127.0.0.1:1234/v1', local: true },
  llamacpp: { family: 'openai-compatible', baseUrl: 'http://127.0.0.1:8080/v1', local: true },
  vllm: { family: 'openai-compatible', baseUrl: 'http://127.0.0.1:8000/v1', local: true },
} as const satisfies Record<string, ProviderPreset>;

export type ProviderType = keyof typeof PROVIDER_PRESETS;
export const PROVIDER_TYPES = Object.keys(PROVIDER_PRESETS) as [ProviderType, ...ProviderType[]];
