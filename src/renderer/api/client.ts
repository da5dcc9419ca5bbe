import type { z } from 'zod/mini';
import type { AppStatus } from '../../shared/usage.js';
import { readSession, type Session } from './session.js';
import { appStatusSchema, errorBodySchema } from './status-schema.js';

/** A failed control-API call; `status` is 0 when the gateway could not be reached at all. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export interface ApiClient {
  getStatus(signal?: AbortSignal): Promise<AppStatus>;
}

export function createApiClient(session: Session | null): ApiClient {
  async function getJson<T>(path: string, schema: z.ZodMiniType<T>, signal?: AbortSignal): Promise<T> {
    if (!session) {
      throw new ApiError(0, 'This page has no Switchyard session. Open it from the address the gateway prints.');
    }
    const response = await send(`${session.apiBase}${path}`, session, signal);
    const body: unknown = await response.json().catch(() => undefined);
    if (!response.ok) throw new ApiError(response.status, describeFailure(response.status, body));
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      throw new ApiError(response.status, `The gateway sent an unexpected answer for ${path}.`);
    }
    return parsed.data;
  }

  return {
    getStatus: (signal) => getJson('/_app/api/status', appStatusSchema, signal),
  };
}

/** The client for the gateway that served this page; later pages reuse it. */
export const apiClient: ApiClient = createApiClient(readSession());

async function send(url: string, session: Session, signal: AbortSignal | undefined): Promise<Response> {
  try {
    return await fetch(url, {
      headers: { Authorization: `Bearer ${session.token}`, Accept: 'application/json' },
      cache: 'no-store',
      signal,
    });
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new ApiError(0, `Can't reach the Switchyard gateway at ${session.apiBase}. Is it still running?`);
  }
}

function describeFailure(status: number, body: unknown): string {
  if (status === 401) {
    return 'The gateway no longer accepts this session (it may have restarted). Reload the page.';
  }
  const parsed = errorBodySchema.safeParse(body);
  return parsed.success ? parsed.data.error.message : `The gateway answered HTTP ${status}.`;
}
