import { GatewayError } from '../../../../shared/errors.js';
import type { ChatContent, ChatMessage, ChatToolCall, ReasoningDetailInput } from '../../protocol/openai-chat-request.js';
import type { GeminiContent, GeminiRequestPart } from './gemini-request-types.js';
import { GEMINI_REASONING_FORMAT } from './reasoning-details.js';
import { userParts } from './user-content.js';

interface GeminiConversation {
  systemInstruction?: { parts: { text: string }[] };
  contents: GeminiContent[];
}

function invalid(where: string, message: string): GatewayError {
  return new GatewayError(400, 'invalid_request', `${where}: ${message}`, { param: where });
}

/** System instructions, the model's own turns and tool results are text on Gemini. */
function textOf(content: ChatContent, where: string): string {
  if (typeof content === 'string') return content;
  return content
    .map((part, i) => {
      if (part.type === 'text') return part.text;
      if (part.type === 'refusal') return part.refusal;
      throw invalid(`${where}[${i}]`, `only text parts can go to Gemini here, not "${part.type}"`);
    })
    .join('');
}

/** Where the thought signatures of an earlier Gemini answer go when it is sent back. */
interface Signatures {
  byToolCallId: Map<string, string>;
  /** The signature that rode on the answer's text (or thoughts), not on a call. */
  text?: string;
}

/**
 * Only signatures Gemini issued are sent back: one from another provider (same field,
 * different format) would make Gemini reject the request.
 */
function signaturesOf(details: ReasoningDetailInput[] | null | undefined, calls: ChatToolCall[]): Signatures {
  const signatures: Signatures = { byToolCallId: new Map() };
  for (const call of calls) {
    const signature = call.extra_content?.google?.thought_signature;
    if (signature) signatures.byToolCallId.set(call.id, signature);
  }
  for (const detail of details ?? []) {
    if (detail.format !== GEMINI_REASONING_FORMAT) continue;
    const signature = detail.type === 'reasoning.encrypted' ? detail.data : detail.signature;
    if (!signature) continue;
    if (detail.id) signatures.byToolCallId.set(detail.id, signature);
    else signatures.text ??= signature;
  }
  return signatures;
}

function parseArguments(call: ChatToolCall, where: string): Record<string, unknown> {
  const text = call.function.arguments.trim();
  if (text === '') return {};
  let args: unknown;
  try {
    args = JSON.parse(text);
  } catch {
    throw invalid(where, 'function.arguments is not valid JSON');
  }
  if (typeof args !== 'object' || args === null || Array.isArray(args)) {
    throw invalid(where, 'function.arguments must be a JSON object for Gemini');
  }
  return args as Record<string, unknown>;
}

function assistantParts(message: Extract<ChatMessage, { role: 'assistant' }>, where: string): GeminiRequestPart[] {
  const calls = message.tool_calls ?? [];
  const signatures = signaturesOf(message.reasoning_details, calls);
  const parts: GeminiRequestPart[] = [];
  const text = textOf(message.content ?? '', `${where}.content`);
  if (text !== '') parts.push(signatures.text ? { text, thoughtSignature: signatures.text } : { text });
  calls.forEach((call, i) => {
    const signature = signatures.byToolCallId.get(call.id);
    const functionCall = { id: call.id, name: call.function.name, args: parseArguments(call, `${where}.tool_calls[${i}]`) };
    parts.push(signature ? { functionCall, thoughtSignature: signature } : { functionCall });
  });
  return parts;
}

/**
 * OpenAI messages as Gemini contents: system and developer messages become the system
 * instruction, assistant turns the `model` role, tool results `functionResponse` parts named
 * after the call they answer. Consecutive turns of one role are merged, as Gemini wants all
 * responses to a set of parallel calls in one turn.
 */
export function toGeminiConversation(messages: ChatMessage[]): GeminiConversation {
  const system: { text: string }[] = [];
  const contents: GeminiContent[] = [];
  const toolNames = new Map<string, string>();
  const append = (role: GeminiContent['role'], parts: GeminiRequestPart[]) => {
    if (parts.length === 0) return;
    const last = contents.at(-1);
    if (last?.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  };

  messages.forEach((message, i) => {
    const where = `messages[${i}]`;
    switch (message.role) {
      case 'system':
      case 'developer': {
        const text = textOf(message.content, `${where}.content`);
        if (text !== '') system.push({ text });
        return;
      }
      case 'user':
        return append('user', userParts(message.content, `${where}.content`));
      case 'assistant':
        for (const call of message.tool_calls ?? []) toolNames.set(call.id, call.function.name);
        return append('model', assistantParts(message, where));
      case 'tool': {
        const name = toolNames.get(message.tool_call_id);
        if (name === undefined) {
          throw invalid(where, `tool_call_id "${message.tool_call_id}" answers no tool call of an earlier assistant message`);
        }
        const response = { output: textOf(message.content, `${where}.content`) };
        return append('user', [{ functionResponse: { id: message.tool_call_id, name, response } }]);
      }
    }
  });
  return system.length > 0 ? { systemInstruction: { parts: system }, contents } : { contents };
}
