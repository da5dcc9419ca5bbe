/** Messages between bench/run.ts and the load generator process (bench/load-worker.ts). */
import { z } from 'zod';

export const targetNames = ['direct', 'lean', 'switchyard'] as const;
export type TargetName = (typeof targetNames)[number];

export const loadTargetSchema = z.object({
  name: z.enum(targetNames),
  origin: z.url(),
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
