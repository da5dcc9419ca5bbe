import type { IncomingMessage } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { GatewayError } from '../../../shared/errors.js';
import type { AppKey, AppKeyStore } from '../secrets/app-keys.js';

function bearer(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/** App key from `Authorization: Bearer`, or `x-api-key` where Anthropic clients send it. */
export function authenticate(req: IncomingMessage, store: AppKeyStore, opts: { allowXApiKey?: boolean } = {}): AppKey {
  const xApiKey = req.headers['x-api-key'];
  const presented = bearer(req) ?? (opts.allowXApiKey && typeof xApiKey === 'string' ? xApiKey.trim() : undefined);
  if (!presented) {
    throw new GatewayError(401, 'missing_app_key', 'Missing app key: send "Authorization: Bearer sk-sy-…"');
  }
  const key = store.verify(presented);
  if (!key) throw new GatewayError(401, 'invalid_app_key', 'Invalid or revoked app key');
  return key;
}

export function checkSessionToken(req: IncomingMessage, token: string): void {
  const presented = bearer(req);
  const a = Buffer.from(presented ?? '');
  const b = Buffer.from(token);
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    throw new GatewayError(401, 'invalid_session', 'Missing or invalid session token');
  }
}
