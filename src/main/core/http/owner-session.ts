import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { GatewayError } from '../../../shared/errors.js';

/** Login tokens handed to the desktop window expire quickly: it redeems them at once. */
const DESKTOP_LOGIN_TTL_MS = 60_000;
/** Bounds the set of live sessions (each browser that logged in holds one). */
const MAX_SESSIONS = 64;

function digest(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}

function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Who may use the control API: whoever redeemed a one-time login token. `serve` prints one
 * (like Jupyter), the desktop window asks for one over IPC; redeeming it sets an HttpOnly,
 * SameSite=Strict cookie, so no page, file or command line carries a reusable credential.
 * Only digests are kept in memory, and sessions end with the process.
 */
export class OwnerSession {
  private readonly logins = new Map<string, number>();
  private readonly sessions = new Set<string>();
  private port = 0;

  setPort(port: number): void {
    this.port = port;
  }

  /** Cookies ignore ports, so the name carries it: two gateways on one machine keep apart. */
  get cookieName(): string {
    return `switchyard_session_${this.port}`;
  }

  /** A token that logs in once; `ttlMs` bounds how long it waits to be used. */
  issueLogin(opts: { ttlMs?: number } = {}): string {
    const token = newSecret();
    this.logins.set(digest(token), opts.ttlMs === undefined ? Infinity : Date.now() + opts.ttlMs);
    return token;
  }

  issueDesktopLogin(): string {
    return this.issueLogin({ ttlMs: DESKTOP_LOGIN_TTL_MS });
  }

  /** Spends the login token; the Set-Cookie header of the new session, or undefined if the token is not live. */
  redeem(token: string): string | undefined {
    const key = digest(token);
    const expires = this.logins.get(key);
    this.logins.delete(key);
    if (expires === undefined || expires < Date.now()) return undefined;
    const secret = newSecret();
    if (this.sessions.size >= MAX_SESSIONS) this.sessions.delete(this.sessions.values().next().value as string);
    this.sessions.add(digest(secret));
    return `${this.cookieName}=${secret}; Path=/; HttpOnly; SameSite=Strict`;
  }

  isOwner(req: IncomingMessage): boolean {
    const secret = readCookie(req.headers.cookie, this.cookieName);
    return secret !== undefined && this.sessions.has(digest(secret));
  }

  /** Refuses a request that does not carry a live session cookie (401 in the OpenAI error shape). */
  requireOwner(req: IncomingMessage): void {
    if (this.isOwner(req)) return;
    throw new GatewayError(401, 'not_signed_in', 'Not signed in: open the login link that `switchyard serve` printed, or the desktop app');
  }
}

function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
