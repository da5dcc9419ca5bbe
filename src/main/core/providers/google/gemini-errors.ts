import { GatewayError } from '../../../../shared/errors.js';
import type { UpstreamErrorDetail } from '../provider-adapter.js';
import { googleErrorSchema } from './gemini-wire.js';

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Gemini's google.rpc.Status (streams wrap it in an array): its message, status and ErrorInfo reason. */
function googleErrorDetail(json: unknown, httpStatus: number): (UpstreamErrorDetail & { code: number }) | undefined {
  const parsed = googleErrorSchema.safeParse(Array.isArray(json) ? json[0] : json);
  if (!parsed.success || !parsed.data.error.message) return undefined;
  const { error } = parsed.data;
  const code = error.code ?? httpStatus;
  const metadata: Record<string, unknown> = { upstream_status: code };
  if (error.status) metadata.status = error.status;
  const reason = error.details?.find((d) => d.reason)?.reason;
  if (reason) metadata.reason = reason;
  return { message: error.message ?? '', metadata, code };
}

/** An HTTP error answer: Gemini's message kept as is, anything unparsable as raw text. */
export function parseGeminiError(status: number, text: string): UpstreamErrorDetail {
  const detail = googleErrorDetail(parseJson(text), status);
  if (detail) return { message: detail.message, metadata: detail.metadata };
  const snippet = text.trim().slice(0, 500);
  return { message: snippet || `HTTP ${status}`, metadata: { upstream_status: status } };
}

/** An `{"error": …}` event inside an already accepted stream, as the error that ends it. */
export function streamError(json: unknown): GatewayError | undefined {
  if (typeof json !== 'object' || json === null || !('error' in json)) return undefined;
  const detail = googleErrorDetail(json, 502) ?? { message: 'unknown error', metadata: {}, code: 502 };
  const status = detail.code === 429 ? 429 : 502;
  return new GatewayError(status, 'upstream_error', `Gemini failed mid-stream: ${detail.message}`, detail.metadata);
}
