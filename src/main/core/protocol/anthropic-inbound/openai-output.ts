/**
 * The fields of an OpenAI chat completion and chat.completion.chunk (with the reasoning
 * extensions of OpenRouter and DeepSeek) that a translation to Anthropic's Messages API reads.
 * Loose: anything else is ignored.
 */
import { z } from 'zod';
import { GatewayError } from '../../../../shared/errors.js';
import { reasoningDetailInputSchema } from '../openai-chat-request.js';
import { parseUpstreamJson } from './upstream-json.js';

/** Where the reasoning of a message or delta may be: OpenRouter's fields, or DeepSeek's `reasoning_content`. */
const reasoningFields = {
  reasoning: z.string().nullish(),
  reasoning_content: z.string().nullish(),
  /** OpenRouter's items: `reasoning.text` (+ signature), `reasoning.summary` or `reasoning.encrypted`. */
  reasoning_details: z.array(reasoningDetailInputSchema).nullish(),
};

const textContent = z.union([
  z.string(),
  z.array(z.looseObject({ type: z.string(), text: z.string().optional() })),
]);

/**
 * vLLM and SGLang report which stop string ended the answer in `stop_reason`; OpenAI itself
 * reports nothing, so a matched stop sequence cannot be told from a natural end there.
 */
const matchedStop = z.union([z.string(), z.number()]).nullish();

export const chatCompletionSchema = z.looseObject({
  choices: z
    .array(
      z.looseObject({
        finish_reason: z.string().nullish(),
        stop_reason: matchedStop,
        message: z.looseObject({
          content: textContent.nullish(),
          refusal: z.string().nullish(),
          tool_calls: z
            .array(
              z.looseObject({
                id: z.string().nullish(),
                function: z.looseObject({ name: z.string(), arguments: z.string().nullish() }),
              }),
            )
            .nullish(),
          ...reasoningFields,
        }),
      }),
    )
    .min(1),
});
export type ChatCompletion = z.infer<typeof chatCompletionSchema>;

export const chatChunkSchema = z.looseObject({
  choices: z
    .array(
      z.looseObject({
        finish_reason: z.string().nullish(),
        stop_reason: matchedStop,
        delta: z
          .looseObject({
            content: z.string().nullish(),
            refusal: z.string().nullish(),
            tool_calls: z
              .array(
                z.looseObject({
                  index: z.number().int().nonnegative(),
                  id: z.string().nullish(),
                  function: z.looseObject({ name: z.string().nullish(), arguments: z.string().nullish() }).nullish(),
                }),
              )
              .nullish(),
            ...reasoningFields,
          })
          .nullish(),
      }),
    )
    .nullish(),
  usage: z.unknown().optional(),
  /** OpenRouter's mid-stream failure: a chunk carrying `error` (and `finish_reason: "error"`). */
  error: z.looseObject({ message: z.string().optional() }).nullish(),
});
export type ChatChunk = z.infer<typeof chatChunkSchema>;
export type ChatChunkDelta = NonNullable<NonNullable<NonNullable<ChatChunk['choices']>[number]>['delta']>;

/** One chunk of the internal stream, checked, with the failure an upstream reported inside the stream (OpenRouter's error chunk). */
export function readChatChunk(data: string, providerId: string): { chunk: ChatChunk; failure: GatewayError | undefined } {
  const chunk = parseUpstreamJson(chatChunkSchema, data, providerId, 'a stream chunk that is not a chat completion chunk');
  if (!chunk.error) return { chunk, failure: undefined };
  const detail = chunk.error.message ?? 'unknown error';
  const failure = new GatewayError(502, 'upstream_error', `Provider "${providerId}" failed mid-stream: ${detail}`, { provider: providerId });
  return { chunk, failure };
}
