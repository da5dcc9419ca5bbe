/**
 * Errors are values: a status plus an OpenRouter/OpenAI-shaped body.
 * Every error that leaves the gateway goes through `errorBody`, so no stack trace
 * or secret can reach a client by accident.
 */
export type ErrorMetadata = Record<string, unknown>;

export interface ErrorBody {
  error: { code: number; message: string; type: string; metadata?: ErrorMetadata };
}

/** OpenAI's `type` strings, kept so SDKs that switch on them behave. */
function typeForStatus(status: number): string {
  if (status === 400 || status === 413 || status === 415 || status === 422) return 'invalid_request_error';
  if (status === 401) return 'authentication_error';
  if (status === 402) return 'insufficient_quota';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 408 || status === 504) return 'timeout_error';
  if (status === 429) return 'rate_limit_error';
  return 'api_error';
}

export class GatewayError extends Error {
  readonly status: number;
  /** Short machine-readable reason, stored in the usage log's `error_code`. */
  readonly reason: string;
  readonly metadata: ErrorMetadata | undefined;
  /** Extra response headers such as Retry-After. */
  readonly headers: Record<string, string> | undefined;

  constructor(
    status: number,
    reason: string,
    message: string,
    metadata?: ErrorMetadata,
    headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'GatewayError';
    this.status = status;
    this.reason = reason;
    this.metadata = metadata;
    this.headers = headers;
  }

  toBody(): ErrorBody {
    return errorBody(this.status, this.message, { reason: this.reason, ...this.metadata });
  }
}

export function errorBody(status: number, message: string, metadata?: ErrorMetadata): ErrorBody {
  const body: ErrorBody = { error: { code: status, message, type: typeForStatus(status) } };
  if (metadata && Object.keys(metadata).length > 0) body.error.metadata = metadata;
  return body;
}

/** Anything thrown that is not a GatewayError becomes an opaque 500: the details stay in the server. */
export function toGatewayError(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  return new GatewayError(500, 'internal_error', 'Internal gateway error');
}
