/**
 * The parts of Gemini's REST answers the adapter reads (generativelanguage v1beta), parsed at
 * the edge. Unknown fields are dropped; a field of the wrong type is treated as absent rather
 * than failing the whole answer.
 */
import { z } from 'zod';

const count = z.number().int().nonnegative().optional().catch(undefined);

const usageMetadataSchema = z.object({
  /** Includes cachedContentTokenCount. */
  promptTokenCount: count,
  cachedContentTokenCount: count,
  candidatesTokenCount: count,
  thoughtsTokenCount: count,
  toolUsePromptTokenCount: count,
});
export type GeminiUsageMetadata = z.infer<typeof usageMetadataSchema>;

const partialArgSchema = z.object({
  jsonPath: z.string(),
  stringValue: z.string().optional(),
  numberValue: z.number().optional(),
  boolValue: z.boolean().optional(),
  nullValue: z.unknown().optional(),
  willContinue: z.boolean().optional(),
});
export type GeminiPartialArg = z.infer<typeof partialArgSchema>;

const functionCallSchema = z.object({
  id: z.string().optional(),
  name: z.string().optional(),
  args: z.record(z.string(), z.unknown()).optional(),
  /** Argument streaming (streamFunctionCallArguments): the call arrives in pieces. */
  partialArgs: z.array(partialArgSchema).optional(),
  willContinue: z.boolean().optional(),
});

const partSchema = z.object({
  text: z.string().optional(),
  thought: z.boolean().optional(),
  thoughtSignature: z.string().optional(),
  functionCall: functionCallSchema.optional(),
  inlineData: z.object({ mimeType: z.string(), data: z.string() }).optional(),
});
export type GeminiPart = z.infer<typeof partSchema>;

/** Enums are names in JSON, numbers when a client asked for `enum-encoding=int`. */
const enumValue = z.union([z.string(), z.number()]).optional().catch(undefined);

/** What a Google Search grounded answer says about its sources; offsets are UTF-8 bytes of the answer text. */
const groundingMetadataSchema = z.object({
  webSearchQueries: z.array(z.string()).optional().catch(undefined),
  groundingChunks: z
    .array(z.object({ web: z.object({ uri: z.string(), title: z.string().optional() }).optional().catch(undefined) }))
    .optional()
    .catch(undefined),
  groundingSupports: z
    .array(
      z.object({
        /** A zero offset is left out, as proto3 JSON leaves out every default. */
        segment: z.object({ startIndex: count, endIndex: count, text: z.string().optional() }).optional(),
        groundingChunkIndices: z.array(z.number().int().nonnegative()).optional(),
      }),
    )
    .optional()
    .catch(undefined),
});
export type GeminiGroundingMetadata = z.infer<typeof groundingMetadataSchema>;

const candidateSchema = z.object({
  content: z.object({ parts: z.array(partSchema).optional() }).optional(),
  groundingMetadata: groundingMetadataSchema.optional().catch(undefined),
  finishReason: enumValue,
  finishMessage: z.string().optional().catch(undefined),
  index: z.number().int().nonnegative().optional().catch(undefined),
});

export const generateContentResponseSchema = z.object({
  candidates: z.array(candidateSchema).optional(),
  promptFeedback: z
    .object({ blockReason: enumValue, blockReasonMessage: z.string().optional().catch(undefined) })
    .optional()
    .catch(undefined),
  usageMetadata: usageMetadataSchema.optional().catch(undefined),
  modelVersion: z.string().optional().catch(undefined),
  responseId: z.string().optional().catch(undefined),
});
export type GenerateContentResponse = z.infer<typeof generateContentResponseSchema>;

/** google.rpc.Status as the REST API sends it, also inside a stream. */
export const googleErrorSchema = z.object({
  error: z.object({
    code: z.number().int().optional().catch(undefined),
    message: z.string().optional().catch(undefined),
    status: z.string().optional().catch(undefined),
    details: z.array(z.object({ reason: z.string().optional() }).loose()).optional().catch(undefined),
  }),
});

export const modelListSchema = z.object({
  models: z
    .array(z.object({ name: z.string(), supportedGenerationMethods: z.array(z.string()).optional() }))
    .optional(),
});

/** `models/{model}:batchEmbedContents`: one embedding per request, in order. No token counts. */
export const batchEmbedContentsResponseSchema = z.object({
  embeddings: z.array(z.object({ values: z.array(z.number()) })),
});
