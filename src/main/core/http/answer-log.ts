import type { Dispatched } from '../router/dispatch.js';
import type { RequestLog } from '../usage/request-log.js';

/** A JSON answer's facts for its usage row: tokens, how it ended, and what it cost (null when unpriced). */
export function logJsonAnswer(log: RequestLog, answer: Extract<Dispatched, { kind: 'json' }>): void {
  const { mapped } = answer;
  log.usage = mapped.usage;
  log.finishReason = mapped.finishReason;
  log.cost = mapped.usage ? answer.costOf(mapped.usage) : null;
}
