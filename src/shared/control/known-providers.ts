/** The providers the first-run screen offers, with where to get a key. */
export interface KnownProvider {
  type: string;
  label: string;
  /** Where the provider's console hands out API keys. */
  keyUrl: string;
}

export const CLOUD_PROVIDERS: readonly KnownProvider[] = [
  { type: 'openai', label: 'OpenAI', keyUrl: 'https://platform.openai.com/api-keys' },
  { type: 'anthropic', label: 'Anthropic', keyUrl: 'https://console.anthropic.com/settings/keys' },
  { type: 'google', label: 'Google Gemini', keyUrl: 'https://aistudio.google.com/apikey' },
  { type: 'groq', label: 'Groq', keyUrl: 'https://console.groq.com/keys' },
  { type: 'deepseek', label: 'DeepSeek', keyUrl: 'https://platform.deepseek.com/api_keys' },
  { type: 'mistral', label: 'Mistral', keyUrl: 'https://console.mistral.ai/api-keys' },
  { type: 'xai', label: 'xAI', keyUrl: 'https://console.x.ai' },
  { type: 'openrouter', label: 'OpenRouter', keyUrl: 'https://openrouter.ai/keys' },
  { type: 'together', label: 'Together AI', keyUrl: 'https://api.together.ai/settings/api-keys' },
  { type: 'fireworks', label: 'Fireworks', keyUrl: 'https://fireworks.ai/account/api-keys' },
];

/** Local servers probed on their default ports (DESIGN.md §3 presets). */
export const LOCAL_SERVERS = [
  { type: 'ollama', label: 'Ollama', port: 11434 },
  { type: 'lmstudio', label: 'LM Studio', port: 1234 },
  { type: 'llamacpp', label: 'llama.cpp', port: 8080 },
  { type: 'vllm', label: 'vLLM', port: 8000 },
] as const;

export function providerLabel(type: string): string {
  return CLOUD_PROVIDERS.find((p) => p.type === type)?.label ?? LOCAL_SERVERS.find((s) => s.type === type)?.label ?? type;
}
