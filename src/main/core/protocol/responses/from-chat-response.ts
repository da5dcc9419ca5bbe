/** A chat completion (the internal answer of any non-OpenAI target) as a Responses API response object. */
import { randomBytes } from 'node:crypto';
import { invalidUpstream } from '../anthropic-inbound/upstream-json.js';
import { chatCompletionSchema } from '../anthropic-inbound/openai-output.js';
import type { TokenUsage } from '../token-usage.js';
import {
  functionCallItem,
  itemId,
  messageItem,
  reasoningItem,
  responseObject,
  responsesUsageOf,
  statusOf,
  type OutputAnnotation,
  type ResponseContext,
} from './response-object.js';
import { clientToolName } from './responses-request.js';

type JsonObject = Record<string, unknown>;

export function newCallId(): string {
  return `call_${randomBytes(12).toString('base64url')}`;
}

/** OpenRouter's `url_citation` annotation (chat) as the Responses one, which is flat. */
export function outputAnnotations(raw: unknown): OutputAnnotation[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((entry: unknown) => {
    const citation = (entry as { url_citation?: Partial<OutputAnnotation> } | null)?.url_citation;
    if (!citation?.url) return [];
    return [{ type: 'url_citation', url: citation.url, title: citation.title ?? '', start_index: citation.start_index ?? 0, end_index: citation.end_index ?? 0 }];
  });
}

export function responseOfChat(
  json: unknown,
  ctx: ResponseContext & { providerId: string; usage: TokenUsage | undefined; cost: number | null; finishReason: string | null },
): JsonObject {
  const parsed = chatCompletionSchema.safeParse(json);
  const choice = parsed.success ? parsed.data.choices[0] : undefined;
  if (!choice) throw invalidUpstream(ctx.providerId, 'an answer that is not a chat completion');
  const { message } = choice;
  const output: JsonObject[] = [];
  const details = message.reasoning_details ?? [];
  const summary = details.length > 0
    ? details.map((d) => d.text ?? d.summary ?? '').join('')
    : (message.reasoning ?? message.reasoning_content ?? '');
  if (summary !== '' || details.length > 0) output.push(reasoningItem(itemId('rs'), summary, details));
  const text = typeof message.content === 'string' ? message.content : (message.content ?? []).map((p) => p.text ?? '').join('');
  const answer = text || (message.refusal ?? '');
  if (answer !== '') output.push(messageItem(itemId('msg'), answer, outputAnnotations((message as JsonObject).annotations)));
  for (const call of message.tool_calls ?? []) {
    const { name, namespace } = clientToolName(ctx.request, call.function.name);
    const item = functionCallItem(itemId('fc'), call.id || newCallId(), name, call.function.arguments ?? '');
    if (namespace) item.namespace = namespace;
    output.push(item);
  }
  const { status, incompleteReason } = statusOf(ctx.finishReason);
  return responseObject(ctx, status, output, responsesUsageOf(ctx.usage, ctx.cost), { incompleteReason });
}
