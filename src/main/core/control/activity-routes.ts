import { GatewayError } from '../../../shared/errors.js';
import { activityQuerySchema, type ActivityDetail } from '../../../shared/control/activity.js';
import { ActivityQueries } from '../usage/activity-queries.js';
import { ReplayLinks } from '../usage/replay-links.js';
import type { ControlDeps } from './control-routes.js';
import { parseWith, type ControlRoute } from './control-router.js';
import { replayable } from './replay-source.js';

const NUMBER_PARAMS = new Set(['before', 'after', 'limit', 'since', 'until']);

/** Activity: the request log a page at a time (newest first, or what is newer than the live head), and one request's trace. */
export function activityRoutes(deps: ControlDeps): ControlRoute[] {
  const { ctx } = deps;
  const queries = new ActivityQueries(ctx.writer.database);
  const links = new ReplayLinks(ctx.writer.database);

  return [
    {
      method: 'GET',
      path: '/activity',
      run({ query }) {
        const input: Record<string, unknown> = {};
        for (const [name, value] of query) if (value !== '') input[name] = NUMBER_PARAMS.has(name) ? Number(value) : value;
        return queries.page(parseWith(activityQuerySchema, input));
      },
    },
    {
      method: 'GET',
      path: '/activity/:id',
      run({ params }): ActivityDetail {
        const id = params.id as string;
        const row = ctx.queries.get(id);
        const seq = queries.seqOf(id);
        if (!row || seq === undefined) throw new GatewayError(404, 'not_found', `No logged request ${id}`);
        const replay = replayable(deps.bodyLog.exchange(id), row.appKey);
        return {
          seq,
          id: row.id,
          createdAt: row.createdAt,
          appKey: row.appKey,
          model: row.model,
          provider: row.provider,
          status: row.status,
          promptTokens: row.promptTokens,
          completionTokens: row.completionTokens,
          cost: row.cost,
          latencyMs: row.latencyMs,
          ttftMs: row.ttftMs,
          streamed: row.streamed,
          upstreamModel: row.upstreamModel,
          cachedTokens: row.cachedTokens,
          cacheWriteTokens: row.cacheWriteTokens,
          reasoningTokens: row.reasoningTokens,
          usageEstimated: row.usageEstimated === true,
          finishReason: row.finishReason,
          errorCode: row.errorCode,
          attempts: row.attempts,
          replayOf: links.originalOf(id),
          replays: links.replaysOf(id),
          replay: { available: replay.available, reason: replay.available ? null : replay.reason },
        };
      },
    },
  ];
}
