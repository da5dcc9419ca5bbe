import type { JsonObject } from '../providers/provider-adapter.js';

/**
 * Request fields that are routing-relevant parameters, by their OpenRouter
 * `supported_parameters` name (several request spellings share one name).
 */
const PARAMETER_NAMES: Readonly<Record<string, string>> = {
  tools: 'tools',
  tool_choice: 'tool_choice',
  parallel_tool_calls: 'parallel_tool_calls',
  max_tokens: 'max_tokens',
  max_completion_tokens: 'max_tokens',
  temperature: 'temperature',
  top_p: 'top_p',
  top_k: 'top_k',
  top_a: 'top_a',
  min_p: 'min_p',
  stop: 'stop',
  frequency_penalty: 'frequency_penalty',
  presence_penalty: 'presence_penalty',
  repetition_penalty: 'repetition_penalty',
  seed: 'seed',
  logit_bias: 'logit_bias',
  logprobs: 'logprobs',
  top_logprobs: 'top_logprobs',
  response_format: 'response_format',
  reasoning: 'reasoning',
  reasoning_effort: 'reasoning',
  include_reasoning: 'include_reasoning',
  web_search_options: 'web_search_options',
  verbosity: 'verbosity',
};

/** What an endpoint that declares nothing is assumed to accept: OpenAI's chat parameters. */
export const OPENAI_CHAT_PARAMETERS: readonly string[] = [
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'max_tokens',
  'temperature',
  'top_p',
  'stop',
  'frequency_penalty',
  'presence_penalty',
  'seed',
  'logit_bias',
  'logprobs',
  'top_logprobs',
  'response_format',
  'structured_outputs',
];

/** The parameters a request uses, by OpenRouter name; a JSON-schema response format also needs structured outputs. */
export function requestParameters(body: JsonObject): string[] {
  const used = new Set<string>();
  for (const field of Object.keys(body)) {
    const name = PARAMETER_NAMES[field];
    if (name && body[field] !== undefined && body[field] !== null) used.add(name);
  }
  const format = body.response_format;
  if (typeof format === 'object' && format !== null && (format as { type?: unknown }).type === 'json_schema') {
    used.add('structured_outputs');
  }
  return [...used];
}

/** Tool use is checked even without `require_parameters`, as OpenRouter does: a tool call sent where tools are unknown fails. */
export function usesTools(body: JsonObject): boolean {
  return (Array.isArray(body.tools) && body.tools.length > 0) || (body.tool_choice != null && body.tool_choice !== 'none');
}
