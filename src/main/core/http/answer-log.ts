import type { ServerResponse } from 'node:http';
import type { Dispatched } from '../router/dispatch.js';
import type { RequestLog } from '../usage/request-log.js';
import { sendJson } from './respond.js';

/** How a request ended, for its usage row. */
export type Outcome = { status: number; errorCode: string | null };

/** A JSON answer's facts for its usage row: tokens, how it ended, and what it cost (null when unpriced). */
export function logJsonAnswer(log: RequestLog, answer: Extract<Dispatched, { kind: 'json' }>): void {
  const { mapped } = answer;
  log.usage = mapped.usage;
  log.finishReason = mapped.finishReason;
  log.cost = mapped.usage ? answer.costOf(mapped.usage) : null;
}

/** Sends a 200 JSON answer under its generation id; the log's first byte is this answer's. */
export function sendLoggedJson(res: ServerResponse, log: RequestLog, body: unknown): Outcome {
  log.markFirstByte();
  sendJson(res, 200, body, { 'x-generation-id': log.id });
  return { status: 200, errorCode: null };
}
