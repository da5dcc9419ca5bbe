/** Messages between bench/run.ts and the load generator process (bench/load-worker.ts). */
import { z } from 'zod';

/**
 * Switchyard runs once per config users have (DESIGN.md §6): an override-priced openai-compatible
 * provider, an `openai` provider priced from genai-prices, and an Anthropic upstream translated
 * to OpenAI's wire format. Each is its own process, measured against the same lean proxy.
 */
export const gatewayNames = ['switchyard-override', 'switchyard-catalog', 'switchyard-anthropic'] as const;
export type GatewayName = (typeof gatewayNames)[number];
export const targetNames = ['direct', 'lean', ...gatewayNames] as const;
export type TargetName = (typeof targetNames)[number];

export const loadTargetSchema = z.object({
  name: z.enum(targetNames),
  origin: z.url(),
  /** The model id the client asks for: what routes the request to the endpoint under test. */
  model: z.string(),
  headers: z.record(z.string(), z.string()),
});
export type LoadTarget = z.infer<typeof loadTargetSchema>;

export const requestModeSchema = z.enum(['json', 'stream']);
export type RequestMode = z.infer<typeof requestModeSchema>;

/** Closed loop: `concurrency` clients, each sending its next request when the last one ends. */
const closedJobSchema = z.object({
  kind: z.literal('closed'),
  target: loadTargetSchema,
  mode: requestModeSchema,
  concurrency: z.number().int().positive(),
  durationMs: z.number().positive(),
});

/**
 * Open loop: requests leave on a fixed schedule whatever the answers do, so a slow answer cannot
 * hide. The targets take turns on one schedule, each at `requestsPerTargetPerSecond`: a stall of
 * the machine then lands on all of them, and the latency one adds over another stays visible.
 */
const openJobSchema = z.object({
  kind: z.literal('open'),
  targets: z.array(loadTargetSchema).min(1),
  mode: requestModeSchema,
  requestsPerTargetPerSecond: z.number().positive(),
  durationMs: z.number().positive(),
});

export const loadJobSchema = z.discriminatedUnion('kind', [closedJobSchema, openJobSchema]);
export type LoadJob = z.infer<typeof loadJobSchema>;
export type ClosedJob = z.infer<typeof closedJobSchema>;
export type OpenJob = z.infer<typeof openJobSchema>;

export const targetTallySchema = z.object({
  name: z.enum(targetNames),
  /** Requests whose response arrived and was read to the end, whatever the status. */
  answered: z.number().int(),
  non2xx: z.number().int(),
  /** Requests that failed without a full answer (connection error, timeout, abort). */
  failed: z.number().int(),
  /** Streams that ended without `data: [DONE]`. */
  incompleteStreams: z.number().int(),
  /** Open loop only: whole-response latency (json) or time to first token (stream), ms. */
  samplesMs: z.array(z.number()),
  elapsedMs: z.number(),
});
export type TargetTally = z.infer<typeof targetTallySchema>;

export const workerMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('result'), tallies: z.array(targetTallySchema) }),
  z.object({ type: z.literal('error'), message: z.string() }),
]);
export type WorkerMessage = z.infer<typeof workerMessageSchema>;
