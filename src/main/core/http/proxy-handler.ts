import type { ServerResponse } from 'node:http';
import { GatewayError, toGatewayError } from '../../../shared/errors.js';
import type { GatewayContext } from '../gateway-context.js';
import { captureBodies } from '../policy/body-log.js';
import { applyPrivacy } from '../policy/privacy-gate.js';
import { applyRedaction, restoreDispatched } from '../policy/redaction-gate.js';
import { reserveSpend } from '../policy/spend-gate.js';
import type { JsonObject, Operation } from '../providers/provider-adapter.js';
import { candidatesFor, dispatch, type Dispatched } from '../router/dispatch.js';
import type { AppKey } from '../secrets/app-keys.js';
import { openAiUsageJson } from '../protocol/token-usage.js';
import { RequestLog } from '../usage/request-log.js';
import { estimateMissingUsage, GeneratedText } from '../usage/usage-estimate.js';
import { sendError, sendJson } from './respond.js';
import { abortOnShutdown } from './shutdown-fan-out.js';
import { relayStream } from './stream-relay.js';
import { type CancelSignal, RequestCancel } from '../providers/request-cancel.js';

/** What a client-facing handler owns for one request: its log row and its cancellation. */
export interface ProxyScope {
  log: RequestLog;
  /** Aborted when the client goes away or shutdown stops waiting. */
  signal: CancelSignal;
}

/**
 * Runs `work` with a request log and an abort signal tied to the client connection and to
 * shutdown; whatever happens, exactly one usage row is written. `work` returns the status to log.
 */
export async function withProxyScope(
  ctx: GatewayContext,
  res: ServerResponse,
  appKey: AppKey,
  model: string,
  shutdownSignal: AbortSignal,
  work: (scope: ProxyScope) => Promise<{ status: number; errorCode: string | null }>,
  sendFailure: (err: GatewayError) => void = (err) => sendError(res, err),
): Promise<void> {
  const log = new RequestLog(ctx.writer, appKey.id, appKey.name, model, ctx.now());
  const abort = new RequestCancel();
  const onClientGone = () => {
    if (!res.writableFinished) abort.abort();
  };
  res.on('close', onClientGone);
  const stopFollowingShutdown = abortOnShutdown(shutdownSignal, abort);
  try {
    const result = await work({ log, signal: abort });
    log.finish(result.status, result.errorCode);
  } catch (err) {
    const error = abort.aborted
      ? new GatewayError(499, shutdownSignal.aborted ? 'shutdown' : 'cancelled', 'Request cancelled')
      : toGatewayError(err);
    if (!res.headersSent && (!abort.aborted || shutdownSignal.aborted)) sendFailure(error);
    else if (!res.writableEnded) res.destroy();
    log.finish(error.status, error.reason);
  } finally {
    res.off('close', onClientGone);
    stopFollowingShutdown();
  }
}

export function requireModel(body: JsonObject): string {
  const model = body.model;
  if (typeof model !== 'string' || model.length === 0) {
    throw new GatewayError(400, 'invalid_request', '"model" is required: a model id such as "openai/gpt-4o-mini"');
  }
  return model;
}

/** POST chat/completions, completions, embeddings in the OpenAI wire format. */
export async function proxyOperation(
  ctx: GatewayContext,
  res: ServerResponse,
  appKey: AppKey,
  op: Operation,
  body: JsonObject,
  shutdownSignal: AbortSignal,
): Promise<void> {
  const model = typeof body.model === 'string' ? body.model : '';
  await withProxyScope(ctx, res, appKey, model, shutdownSignal, async ({ log, signal }) => {
    requireModel(body);
    const stream = op !== 'embeddings' && body.stream === true;
    log.streamed = stream;
    const candidates = candidatesFor(ctx, body, model);
    if (candidates.length === 0) {
      throw new GatewayError(404, 'model_not_found', `Model "${model}" is not served by any configured provider`, { model });
    }
    const allowed = applyPrivacy(ctx, appKey, op, body, log, candidates);
    const placeholders = await applyRedaction(ctx, appKey, body, log);
    captureBodies(ctx.privacy, appKey, log, body, res, placeholders);
    const affordable = reserveSpend(ctx, appKey, log, op, body, allowed);
    const dispatched = restoreDispatched(await dispatch(ctx, affordable, { op, body, stream, log, signal }), placeholders);
    if (dispatched.kind === 'stream') {
      return relayStream({
        res, upstreamBody: dispatched.body, mapper: dispatched.mapper, log,
        providerId: dispatched.endpoint.provider.id, signal, costOf: dispatched.costOf, requestBody: body,
      });
    }
    if (!dispatched.mapped.usage) {
      const generated = new GeneratedText();
      generated.addAnswer(dispatched.mapped.body);
      await estimateMissingUsage(log, body, generated, dispatched.costOf);
    }
    sendOpenAiJson(res, dispatched, log);
    return { status: 200, errorCode: null };
  });
}

function sendOpenAiJson(res: ServerResponse, dispatched: Extract<Dispatched, { kind: 'json' }>, log: RequestLog): void {
  const { mapped, endpoint } = dispatched;
  const out = mapped.body;
  out.id = log.id;
  log.usage ??= mapped.usage;
  log.finishReason = mapped.finishReason;
  if (mapped.usage) {
    log.cost = dispatched.costOf(mapped.usage);
    if (typeof out.usage === 'object' && out.usage !== null) (out.usage as JsonObject).cost = log.cost;
  } else if (log.usageEstimated && log.usage) {
    // The upstream sent no usage: the answer still carries its cost, from the gateway's count.
    out.usage = { ...openAiUsageJson(log.usage), cost: log.cost, estimated: true };
  }
  if (!('provider' in out)) out.provider = endpoint.provider.id;
  log.markFirstByte();
  sendJson(res, 200, out, { 'x-generation-id': log.id });
}
