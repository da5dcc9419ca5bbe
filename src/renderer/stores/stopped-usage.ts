import type { AnswerMeta } from '../../shared/control/conversations.js';
import { activityApi } from '../api/activity.js';
import { ApiError } from '../api/client.js';

/** The usage writer commits in batches: the row of a request that just ended may take a moment. */
const TRIES = 10;
const PAUSE_MS = 300;

/**
 * The gateway's own figures for an answer the person stopped: the stream ended before the
 * provider's usage chunk, so the page never saw tokens or cost, but the gateway logged the request
 * (with the tokens it counted). Null when the row does not show up or cannot be read.
 */
export async function loggedUsage(generationId: string): Promise<Partial<AnswerMeta> | null> {
  for (let attempt = 0; attempt < TRIES; attempt++) {
    try {
      const row = await activityApi.detail(generationId);
      return { promptTokens: row.promptTokens, completionTokens: row.completionTokens, reasoningTokens: row.reasoningTokens, cost: row.cost, usageEstimated: row.usageEstimated };
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 404)) return null;
    }
    await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
  }
  return null;
}
