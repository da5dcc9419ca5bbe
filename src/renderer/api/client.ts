import type { z } from 'zod/mini';
import { errorBodySchema } from '../../shared/control/errors.js';

/** A failed control-API call; `status` is 0 when the gateway could not be reached at all. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** The page is served by the gateway it talks to, in a browser and in the desktop window alike. */
export const CONTROL_BASE = '/_app/api';

/**
 * One typed call to the control API: the session travels as the HttpOnly cookie (same origin),
 * bodies are JSON, and the answer is checked against the shared schema.
 */
export async function callApi<T>(method: Method, path: string, schema: z.ZodMiniType<T>, body?: unknown, signal?: AbortSignal): Promise<T> {
  const response = await send(method, path, body, signal);
  if (response.status === 204) return schema.parse(undefined);
  const json: unknown = await response.json().catch(() => undefined);
  if (!response.ok) throw new ApiError(response.status, describeFailure(response.status, json));
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new ApiError(response.status, `The gateway sent an unexpected answer for ${path}.`);
  return parsed.data;
}

/** The raw response, for streams and downloads; failures become ApiErrors like in `callApi`. */
export async function send(method: Method, path: string, body?: unknown, signal?: AbortSignal): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(`${CONTROL_BASE}${path}`, {
      method,
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
      signal,
    });
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new ApiError(0, "Can't reach the Switchyard gateway. Is it still running?");
  }
  return response;
}

export async function failureOf(response: Response): Promise<ApiError> {
  const json: unknown = await response.json().catch(() => undefined);
  return new ApiError(response.status, describeFailure(response.status, json));
}

function describeFailure(status: number, body: unknown): string {
  const parsed = errorBodySchema.safeParse(body);
  if (parsed.success) return parsed.data.error.message;
  return `The gateway answered HTTP ${status}.`;
}
