import { GatewayError } from '../../../../shared/errors.js';
import type {
  AnthropicMessageParam,
  AnthropicRequestContentBlock,
  AnthropicTextBlock,
  AnthropicToolResultBlock,
  AnthropicToolUseBlock,
} from '../../protocol/anthropic-wire.js';
import type { ChatMessage, ChatToolCall } from '../../protocol/openai-chat-request.js';
import { textBlock, textOnlyBlock, userContentBlock } from './content-parts.js';
import { thinkingBlocksFrom } from './reasoning-details.js';

export interface AnthropicConversation {
  system: AnthropicTextBlock[];
  messages: AnthropicMessageParam[];
}

type Role = AnthropicMessageParam['role'];
type Content = AnthropicMessageParam['content'];

/** Anthropic tool ids must match ^[a-zA-Z0-9_-]+$; ids minted by other providers may not. */
export function anthropicToolId(id: string): string {
  return id.replace(/[^a-zA-Z0-9_-]/g, '_') || '_';
}

function toolUseBlock(call: ChatToolCall): AnthropicToolUseBlock {
  let input: unknown = {};
  if (call.function.arguments.trim() !== '') {
    try {
      input = JSON.parse(call.function.arguments);
    } catch {
      throw new GatewayError(400, 'invalid_request',
        `tool call "${call.id}" has arguments that are not valid JSON; Anthropic models need a JSON object`);
    }
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new GatewayError(400, 'invalid_request', `tool call "${call.id}" has arguments that are not a JSON object`);
  }
  return { type: 'tool_use', id: anthropicToolId(call.id), name: call.function.name, input: input as Record<string, unknown> };
}

function assistantBlocks(message: Extract<ChatMessage, { role: 'assistant' }>): AnthropicRequestContentBlock[] {
  const blocks: AnthropicRequestContentBlock[] = [...thinkingBlocksFrom(message.reasoning_details ?? [])];
  const { content } = message;
  if (typeof content === 'string') {
    // Anthropic rejects empty text blocks; an assistant turn that only called tools often has "".
    if (content !== '') blocks.push(textBlock(content));
  } else if (content) {
    for (const part of content) {
      const block = textOnlyBlock(part, 'assistant');
      if (block.text !== '') blocks.push(block);
    }
  }
  for (const call of message.tool_calls ?? []) blocks.push(toolUseBlock(call));
  return blocks;
}

function toolResultBlock(message: Extract<ChatMessage, { role: 'tool' }>): AnthropicToolResultBlock {
  const content = typeof message.content === 'string' ? message.content : message.content.map(userContentBlock);
  return { type: 'tool_result', tool_use_id: anthropicToolId(message.tool_call_id), content };
}

function asBlocks(content: Content): AnthropicRequestContentBlock[] {
  return typeof content === 'string' ? [textBlock(content)] : content;
}

/** Tool results must open the user turn that answers the tool calls; anything else follows them. */
function toolResultsFirst(blocks: AnthropicRequestContentBlock[]): AnthropicRequestContentBlock[] {
  const results = blocks.filter((b) => b.type === 'tool_result');
  return results.length === 0 ? blocks : [...results, ...blocks.filter((b) => b.type !== 'tool_result')];
}

/**
 * OpenAI messages -> Anthropic's `system` + alternating turns. System and developer messages
 * (wherever they appear) become system blocks in order; tool messages become tool_result blocks
 * in a user turn; consecutive turns of the same role merge into one.
 */
export function toAnthropicConversation(messages: readonly ChatMessage[]): AnthropicConversation {
  const system: AnthropicTextBlock[] = [];
  const turns: AnthropicMessageParam[] = [];
  const push = (role: Role, content: Content) => {
    const last = turns.at(-1);
    if (last?.role !== role) {
      turns.push({ role, content });
      return;
    }
    const merged = [...asBlocks(last.content), ...asBlocks(content)];
    last.content = role === 'user' ? toolResultsFirst(merged) : merged;
  };

  for (const message of messages) {
    switch (message.role) {
      case 'system':
      case 'developer':
        if (typeof message.content === 'string') system.push(textBlock(message.content));
        else for (const part of message.content) system.push(textOnlyBlock(part, message.role));
        break;
      case 'user':
        push('user', typeof message.content === 'string' ? message.content : message.content.map(userContentBlock));
        break;
      case 'tool':
        push('user', [toolResultBlock(message)]);
        break;
      case 'assistant': {
        const blocks = assistantBlocks(message);
        if (blocks.length > 0) push('assistant', blocks);
        break;
      }
    }
  }
  return { system, messages: turns };
}
