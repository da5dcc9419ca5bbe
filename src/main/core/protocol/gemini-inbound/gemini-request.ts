/**
 * A Gemini generateContent request (POST /v1beta/models/{model}:generateContent, as the
 * `@google/genai` SDK and Gemini CLI send it) read at the edge, and its translation to the
 * chat/completions body every provider adapter takes. Google providers get the request as sent
 * (native pass-through); every other target gets this chat body.
 *
 * Gemini pairs a function response with its call by name (ids are optional), so calls without an
 * id get one here, and each response takes the id of the oldest unanswered call of its name.
 * Dropped on purpose, having no chat form: `safetySettings`, `cachedContent` (Gemini's own
 * cache), `topK`, `candidateCount` above 1, `thinkingConfig.includeThoughts` (reasoning comes
 * back where the target returns it), code execution and other Google-only tools.
 */
import { z } from 'zod';
import { GatewayError } from '../../../../shared/errors.js';
import type { ReasoningDetailInput } from '../openai-chat-request.js';
import { detailsOfEncryptedContent } from '../responses/reasoning-carrier.js';

type JsonObject = Record<string, unknown>;

const partSchema = z.looseObject({
  text: z.string().optional(),
  thought: z.boolean().optional(),
  thoughtSignature: z.string().optional(),
  inlineData: z.looseObject({ mimeType: z.string(), data: z.string() }).optional(),
  fileData: z.looseObject({ mimeType: z.string().optional(), fileUri: z.string() }).optional(),
  functionCall: z.looseObject({ id: z.string().optional(), name: z.string(), args: z.record(z.string(), z.unknown()).optional() }).optional(),
  functionResponse: z.looseObject({ id: z.string().optional(), name: z.string(), response: z.unknown().optional() }).optional(),
});
type Part = z.infer<typeof partSchema>;

const contentSchema = z.looseObject({ role: z.string().optional(), parts: z.array(partSchema).optional() });

const functionDeclarationSchema = z.looseObject({
  name: z.string().min(1),
  description: z.string().optional(),
  parameters: z.record(z.string(), z.unknown()).optional(),
  parametersJsonSchema: z.record(z.string(), z.unknown()).optional(),
});

export const generateContentRequestSchema = z.looseObject({
  contents: z.array(contentSchema),
  systemInstruction: z.union([z.string(), contentSchema]).optional(),
  tools: z
    .array(
      z.looseObject({
        functionDeclarations: z.array(functionDeclarationSchema).optional(),
        googleSearch: z.unknown().optional(),
        googleSearchRetrieval: z.unknown().optional(),
      }),
    )
    .optional(),
  toolConfig: z
    .looseObject({
      functionCallingConfig: z
        .looseObject({ mode: z.string().optional(), allowedFunctionNames: z.array(z.string()).optional() })
        .optional(),
    })
    .optional(),
  generationConfig: z
    .looseObject({
      temperature: z.number().optional(),
      topP: z.number().optional(),
      maxOutputTokens: z.number().int().positive().optional(),
      stopSequences: z.array(z.string()).optional(),
      responseMimeType: z.string().optional(),
      responseSchema: z.record(z.string(), z.unknown()).optional(),
      responseJsonSchema: z.record(z.string(), z.unknown()).optional(),
      thinkingConfig: z
        .looseObject({ thinkingBudget: z.number().int().optional(), thinkingLevel: z.string().optional() })
        .optional(),
    })
    .optional(),
});
export type GenerateContentRequest = z.infer<typeof generateContentRequestSchema>;

/** Reads a generateContent body; what does not fit is a 400 naming the field. */
export function parseGenerateContentRequest(body: unknown): GenerateContentRequest {
  const parsed = generateContentRequestSchema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue?.path.map(String).join('.') ?? '';
  throw new GatewayError(400, 'invalid_request', `Invalid generateContent request at "${path}": ${issue?.message ?? 'invalid input'}`, { param: path });
}

/** Gemini's OpenAPI-style schemas name types in capitals (`OBJECT`); JSON Schema wants them in lower case. */
function jsonSchemaOf(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(jsonSchemaOf);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    out[key] = key === 'type' && typeof value === 'string' ? value.toLowerCase() : jsonSchemaOf(value);
  }
  return out;
}

function textOf(content: string | z.infer<typeof contentSchema>): string {
  if (typeof content === 'string') return content;
  return (content.parts ?? []).flatMap((part) => (part.text !== undefined && !part.thought ? [part.text] : [])).join('\n');
}

function mediaPart(part: Part): JsonObject | undefined {
  if (part.inlineData) {
    const url = `data:${part.inlineData.mimeType};base64,${part.inlineData.data}`;
    if (part.inlineData.mimeType.startsWith('image/')) return { type: 'image_url', image_url: { url } };
    return { type: 'file', file: { filename: 'document', file_data: url } };
  }
  if (part.fileData) return { type: 'image_url', image_url: { url: part.fileData.fileUri } };
  return undefined;
}

/** A function response's payload as the text of a tool message. */
function responseText(response: unknown): string {
  return typeof response === 'string' ? response : JSON.stringify(response ?? {});
}

/** Issues ids to calls without one and pairs responses with their calls, oldest unanswered first. */
class CallIds {
  private readonly open = new Map<string, string[]>();
  private issued = 0;

  call(name: string, id: string | undefined): string {
    const callId = id ?? `call_${this.issued++}_${name}`;
    const queue = this.open.get(name) ?? [];
    queue.push(callId);
    this.open.set(name, queue);
    return callId;
  }

  response(name: string, id: string | undefined): string {
    const queue = this.open.get(name) ?? [];
    const index = id === undefined ? 0 : queue.indexOf(id);
    if (index >= 0 && queue.length > 0) return queue.splice(index, 1)[0] as string;
    return id ?? `call_unmatched_${name}`;
  }
}

function modelMessage(parts: Part[], ids: CallIds): JsonObject {
  let text = '';
  const calls: JsonObject[] = [];
  const reasoning: ReasoningDetailInput[] = [];
  for (const part of parts) {
    if (part.thoughtSignature) reasoning.push(...detailsOfEncryptedContent(part.thoughtSignature));
    if (part.functionCall) {
      const { name, args, id } = part.functionCall;
      calls.push({ id: ids.call(name, id), type: 'function', function: { name, arguments: JSON.stringify(args ?? {}) } });
    } else if (part.text !== undefined && !part.thought) text += part.text;
  }
  const message: JsonObject = { role: 'assistant', content: calls.length > 0 && text === '' ? null : text };
  if (calls.length > 0) message.tool_calls = calls;
  if (reasoning.length > 0) message.reasoning_details = reasoning;
  return message;
}

function userMessages(parts: Part[], ids: CallIds): JsonObject[] {
  const out: JsonObject[] = [];
  const content: JsonObject[] = [];
  for (const part of parts) {
    if (part.functionResponse) {
      const { name, id, response } = part.functionResponse;
      out.push({ role: 'tool', tool_call_id: ids.response(name, id), content: responseText(response) });
      continue;
    }
    const media = mediaPart(part);
    if (media) content.push(media);
    else if (part.text !== undefined) content.push({ type: 'text', text: part.text });
  }
  if (content.length > 0) {
    const onlyText = content.every((p) => p.type === 'text');
    out.push({ role: 'user', content: onlyText ? content.map((p) => p.text as string).join('\n') : content });
  }
  return out;
}

export function offersGoogleSearch(request: GenerateContentRequest): boolean {
  return (request.tools ?? []).some((tool) => tool.googleSearch !== undefined || tool.googleSearchRetrieval !== undefined);
}

const THINKING_LEVELS: Record<string, string> = { minimal: 'minimal', low: 'low', medium: 'medium', high: 'high' };

/** The chat/completions body that carries the same request to any provider adapter. */
export function geminiToChatBody(request: GenerateContentRequest, model: string, stream: boolean): JsonObject {
  const messages: JsonObject[] = [];
  if (request.systemInstruction) {
    const system = textOf(request.systemInstruction);
    if (system) messages.push({ role: 'system', content: system });
  }
  const ids = new CallIds();
  for (const content of request.contents) {
    const parts = content.parts ?? [];
    if (content.role === 'model') messages.push(modelMessage(parts, ids));
    else messages.push(...userMessages(parts, ids));
  }
  const body: JsonObject = { model, messages };
  if (stream) body.stream = true;
  const config = request.generationConfig ?? {};
  if (config.maxOutputTokens) body.max_tokens = config.maxOutputTokens;
  if (config.temperature !== undefined) body.temperature = config.temperature;
  if (config.topP !== undefined) body.top_p = config.topP;
  if (config.stopSequences?.length) body.stop = config.stopSequences;
  const schema = config.responseJsonSchema ?? config.responseSchema;
  if (schema) body.response_format = { type: 'json_schema', json_schema: { name: 'response', schema: jsonSchemaOf(schema) } };
  else if (config.responseMimeType === 'application/json') body.response_format = { type: 'json_object' };
  const thinking = config.thinkingConfig;
  const level = thinking?.thinkingLevel ? THINKING_LEVELS[thinking.thinkingLevel.toLowerCase()] : undefined;
  if (level) body.reasoning_effort = level;
  else if (thinking?.thinkingBudget !== undefined && thinking.thinkingBudget > 0) body.reasoning = { max_tokens: thinking.thinkingBudget };

  const functions = (request.tools ?? []).flatMap((tool) => tool.functionDeclarations ?? []);
  if (functions.length > 0) {
    body.tools = functions.map((fn) => {
      const declared: JsonObject = { name: fn.name, parameters: jsonSchemaOf(fn.parametersJsonSchema ?? fn.parameters ?? { type: 'object', properties: {} }) };
      if (fn.description) declared.description = fn.description;
      return { type: 'function', function: declared };
    });
    const calling = request.toolConfig?.functionCallingConfig;
    const mode = calling?.mode?.toUpperCase();
    const allowed = calling?.allowedFunctionNames ?? [];
    if (mode === 'NONE') body.tool_choice = 'none';
    else if ((mode === 'ANY' || mode === 'VALIDATED') && allowed.length === 1) body.tool_choice = { type: 'function', function: { name: allowed[0] } };
    else if (mode === 'ANY') body.tool_choice = 'required';
  }
  return body;
}
