import type { SseEvent } from '../protocol/sse.js';
import type { TokenUsage } from '../protocol/token-usage.js';
import type { Endpoint } from '../router/catalog.js';
import type { UpstreamRequest } from './upstream-http.js';

export type Operation = 'chat' | 'completions' | 'embeddings';

export type JsonObject = Record<string, unknown>;

/** An upstream answer mapped to the OpenAI wire shape. */
export interface MappedResponse {
  body: JsonObject;
  usage: TokenUsage | undefined;
  finishReason: string | null;
}

/** Turns upstream SSE events into OpenAI chat.completion.chunk JSON texts (`[DONE]` included). */
export interface StreamMapper {
  onEvent(event: SseEvent): string[];
  /** Chunks still owed when the upstream stream ends cleanly. */
  onEnd(): string[];
  /**
   * The usage the provider has reported so far, for the usage row of a stream that breaks
   * before its usage chunk: what was consumed until then is still billed. Mappers of streams
   * that report usage only at the end leave it out.
   */
  usageSoFar?(): TokenUsage | undefined;
}

export interface UpstreamErrorDetail {
  message: string;
  metadata: Record<string, unknown>;
}

/**
 * A provider family: data plus a few pure mapping functions (DESIGN.md §5). I/O lives in the gateway.
 * `request` is the client's body as `buildRequest` got it: what the client asked of the answer
 * (e.g. OpenRouter's `reasoning.exclude`) shapes how the answer is mapped.
 */
export interface ProviderAdapter {
  supports(op: Operation): boolean;
  buildRequest(op: Operation, endpoint: Endpoint, body: JsonObject, apiKey: string | undefined, stream: boolean): UpstreamRequest;
  mapResponse(op: Operation, endpoint: Endpoint, json: unknown, request: JsonObject): MappedResponse;
  createStreamMapper(op: Operation, endpoint: Endpoint, request: JsonObject): StreamMapper;
  parseError(status: number, text: string): UpstreamErrorDetail;
  /** The provider's model-listing request and parser, for discovery. */
  listModelsRequest(endpointBase: { baseUrl: string }, apiKey: string | undefined): UpstreamRequest;
  parseModelList(json: unknown): string[];
}
