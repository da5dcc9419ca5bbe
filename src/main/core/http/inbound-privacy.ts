import type { ServerResponse } from 'node:http';
import type { GatewayContext } from '../gateway-context.js';
import { captureBodies } from '../policy/body-log.js';
import { applyPrivacy } from '../policy/privacy-gate.js';
import { applyRedaction } from '../policy/redaction-gate.js';
import type { JsonObject } from '../providers/provider-adapter.js';
import type { Candidate } from '../router/candidate-plan.js';
import type { AppKey } from '../secrets/app-keys.js';
import type { RequestLog } from '../usage/request-log.js';

export interface InboundRequest {
  /** The body as the client sent it: what native pass-through sends. */
  client: JsonObject;
  /** Its translation to chat/completions: what every other provider gets, and what routing planned `candidates` from. */
  chat: JsonObject;
  candidates: Candidate[];
  /** Translates the (redacted) client body to chat/completions again. */
  translate: (client: JsonObject) => JsonObject;
}

export interface GuardedRequest {
  allowed: Candidate[];
  chat: JsonObject;
  /** Placeholder → value, to restore in the answer (reversible redaction only). */
  placeholders: ReadonlyMap<string, string> | undefined;
}

/**
 * The privacy layer for the inbound APIs that are not OpenAI chat (the Responses API, Gemini's
 * generateContent), in the order and with the effects it has on chat completions: the data
 * rules filter the endpoints (404 when none is left, the policy on the egress audit); redaction
 * runs on the client's body, which native pass-through sends as it is, and when it replaced
 * anything the chat body is translated again from the redacted one, so whichever path the
 * router takes carries the same placeholders; opted-in body logging keeps the body that went out.
 */
export async function guardInbound(
  ctx: GatewayContext,
  res: ServerResponse,
  appKey: AppKey,
  log: RequestLog,
  { client, chat, candidates, translate }: InboundRequest,
): Promise<GuardedRequest> {
  const allowed = applyPrivacy(ctx, appKey, 'chat', chat, log, candidates);
  const placeholders = await applyRedaction(ctx, appKey, client, log);
  captureBodies(ctx.privacy, appKey, log, client, res);
  if (Object.keys(log.egress.redacted ?? {}).length === 0) return { allowed, chat, placeholders };
  const redacted = translate(client);
  // The data rules an upstream applies itself (OpenRouter) were written into the chat body.
  if (chat.provider !== undefined) redacted.provider = chat.provider;
  return { allowed, chat: redacted, placeholders };
}
