import type { GatewayContext } from '../gateway-context.js';
import type { JsonObject } from '../providers/provider-adapter.js';
import type { Dispatched } from '../router/dispatch.js';
import type { AppKey } from '../secrets/app-keys.js';
import type { RequestLog } from '../usage/request-log.js';
import { loadRedactor } from './redaction/load-redactor.js';
import { anthropicEventRestorer, restoreJsonBody, restoringMapper, type EventRestorer } from './redaction/restore-response.js';

/**
 * Redaction before egress, per app key: the body is redacted in place and the counts go to the
 * egress audit. Returns the placeholder values to restore in the answer (reversible mode), else
 * undefined. A key without redaction pays one cached settings lookup.
 */
export async function applyRedaction(ctx: GatewayContext, appKey: AppKey, body: JsonObject, log: RequestLog): Promise<ReadonlyMap<string, string> | undefined> {
  const settings = ctx.privacy.forKey(appKey.id).redaction;
  if (settings.mode === 'off') return undefined;
  const { redactRequest } = await loadRedactor();
  const redaction = await redactRequest(body, settings);
  log.egress.redacted = redaction.counts;
  if (redaction.attachmentsPassed > 0) log.egress.attachments_passed = redaction.attachmentsPassed;
  return redaction.values.size > 0 ? redaction.values : undefined;
}

/**
 * The answer with its placeholders restored: JSON now, streams as they pass, whether translated
 * (through the chat mapper) or relayed in the upstream's own events (through `nativeEvents`).
 */
export function restoreDispatched(
  dispatched: Dispatched,
  values: ReadonlyMap<string, string> | undefined,
  nativeEvents: (values: ReadonlyMap<string, string>) => EventRestorer = anthropicEventRestorer,
): Dispatched {
  if (!values) return dispatched;
  if (dispatched.kind === 'json') {
    restoreJsonBody(dispatched.mapped.body, values);
    return dispatched;
  }
  return { ...dispatched, mapper: restoringMapper(dispatched.mapper, values), restore: nativeEvents(values) };
}
