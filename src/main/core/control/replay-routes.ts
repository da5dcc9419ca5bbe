import { replayRequestSchema, type LoggedAnswer } from '../../../shared/control/activity.js';
import { GatewayError } from '../../../shared/errors.js';
import { proxyOperation } from '../http/proxy-handler.js';
import type { JsonObject } from '../providers/provider-adapter.js';
import { ReplayLinks } from '../usage/replay-links.js';
import { activeUiKey } from './chat-routes.js';
import type { ControlDeps } from './control-routes.js';
import { RESPONDED, type ControlRoute } from './control-router.js';
import { replayable, type Replayable } from './replay-source.js';

/**
 * Replay a logged chat request from the Activity screen, as it was or against another model.
 * It takes the gateway path (routing, spend gate, usage log) under the UI's built-in key, like
 * the UI's chats, and its row links to the original. Only requests whose prompt was logged
 * (the key opted in to logging) can be replayed; the prompt goes again as it was logged,
 * after the original key's redaction.
 */
export function replayRoutes(deps: ControlDeps): ControlRoute[] {
  const { ctx, bodyLog } = deps;
  const links = new ReplayLinks(ctx.writer.database);

  function source(id: string): { model: string; replay: Extract<Replayable, { available: true }> } {
    const row = ctx.queries.get(id);
    if (!row) throw new GatewayError(404, 'not_found', `No logged request ${id}`);
    const replay = replayable(bodyLog.exchange(id), row.appKey);
    if (!replay.available) throw new GatewayError(409, 'not_replayable', replay.reason);
    return { model: row.model, replay };
  }

  return [
    {
      method: 'GET',
      path: '/activity/:id/answer',
      run({ params }): LoggedAnswer {
        const id = params.id as string;
        const { model, replay } = source(id);
        return { id, model, text: replay.answer };
      },
    },
    {
      method: 'POST',
      path: '/activity/:id/replay',
      async run({ params, res, body }) {
        const id = params.id as string;
        const { model } = await body(replayRequestSchema);
        const { replay } = source(id);
        // Answered as one JSON body: the page diffs the whole answer.
        const { stream_options: _streamOptions, ...logged } = replay.request;
        const request: JsonObject = { ...logged, model: model ?? logged.model, stream: false };
        // The answer's headers name its row (writeHead's own headers are not kept on `res`); an
        // answer without one (a model no provider serves) was refused before it had a row.
        let replayId: unknown;
        const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => typeof res;
        res.writeHead = ((...args: unknown[]) => {
          const headers = args.find((a): a is Record<string, unknown> => typeof a === 'object' && a !== null && !Array.isArray(a));
          replayId = headers?.['x-generation-id'];
          return writeHead(...args);
        }) as typeof res.writeHead;
        await proxyOperation(ctx, res, activeUiKey(deps), 'chat', request, deps.shutdownSignal);
        if (typeof replayId === 'string') links.link(replayId, id, ctx.now());
        return RESPONDED;
      },
    },
  ];
}
