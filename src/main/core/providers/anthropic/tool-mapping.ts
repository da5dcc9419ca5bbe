import type { AnthropicTool, AnthropicToolChoice } from '../../protocol/anthropic-wire.js';
import type { ChatRequest, ChatTool, ChatToolChoice } from '../../protocol/openai-chat-request.js';

/** A tool without parameters still needs an object schema on Anthropic. */
const NO_PARAMETERS = { type: 'object', properties: {} };

function anthropicTool(tool: ChatTool): AnthropicTool {
  const fn = tool.function;
  const out: AnthropicTool = { name: fn.name, input_schema: fn.parameters ?? NO_PARAMETERS };
  if (fn.description !== undefined) out.description = fn.description;
  if (typeof fn.strict === 'boolean') out.strict = fn.strict;
  if (tool.cache_control) out.cache_control = tool.cache_control;
  return out;
}

function anthropicToolChoice(choice: ChatToolChoice | null | undefined, parallel: boolean | null | undefined): AnthropicToolChoice | undefined {
  const disableParallel = parallel === false ? { disable_parallel_tool_use: true } : {};
  if (choice === 'none') return { type: 'none' };
  if (choice === 'required') return { type: 'any', ...disableParallel };
  if (typeof choice === 'object' && choice !== null) return { type: 'tool', name: choice.function.name, ...disableParallel };
  if (choice === 'auto' || parallel === false) return { type: 'auto', ...disableParallel };
  return undefined;
}

/** OpenAI `tools` / `tool_choice` / `parallel_tool_calls` -> Anthropic's; nothing when no tools are offered. */
export function toAnthropicTools(req: Pick<ChatRequest, 'tools' | 'tool_choice' | 'parallel_tool_calls'>): {
  tools?: AnthropicTool[];
  tool_choice?: AnthropicToolChoice;
} {
  if (!req.tools || req.tools.length === 0) return {};
  const choice = anthropicToolChoice(req.tool_choice, req.parallel_tool_calls);
  return choice ? { tools: req.tools.map(anthropicTool), tool_choice: choice } : { tools: req.tools.map(anthropicTool) };
}
