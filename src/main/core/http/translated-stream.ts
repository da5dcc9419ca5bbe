import type { GatewayError } from '../../../shared/errors.js';
import type { TokenUsage } from '../protocol/token-usage.js';
import type { JsonObject } from '../providers/provider-adapter.js';
import type { Dispatched } from '../router/dispatch.js';
import { estimateMissingUsage, GeneratedText } from '../usage/usage-estimate.js';
import type { RequestLog } from '../usage/request-log.js';
import { pumpUpstream, type AnthropicEventWriter } from './anthropic-sse.js';
import type { CancelSignal } from '../providers/request-cancel.js';

type StreamAnswer = Extract<Dispatched, { kind: 'stream' }>;

/** Turns the internal chat chunks into one inbound API's stream events. */
export interface ChunkTranslator<Out> {
  push(data: string): Out[];
  /** Set when the upstream reported a failure inside the stream. */
  readonly failure: GatewayError | undefined;
  readonly usage: TokenUsage | undefined;
  readonly finishReason: string | null;
}

/**
 * Feeds a non-native upstream stream, through its adapter's chat chunks, to `translator`, and
 * `emit`s what it makes. Returns the failure that ended the stream, if any; either way the log
 * has the usage and cost: a stream that breaks before its usage chunk still consumed what the
 * provider reported so far, and one that reported none is counted from what it generated and
 * `requestBody` (marked estimated).
 */
export async function pumpTranslated<Out>(
  answer: StreamAnswer,
  writer: Pick<AnthropicEventWriter, 'flush'>,
  signal: CancelSignal,
  log: RequestLog,
  translator: ChunkTranslator<Out>,
  emit: (events: Out[]) => void,
  requestBody: JsonObject,
): Promise<GatewayError | undefined> {
  const generated = new GeneratedText();
  const feed = (chunks: string[]) => {
    for (const data of chunks) {
      if (data === '[DONE]') continue;
      generated.addChunk(data);
      emit(translator.push(data));
      if (translator.failure) throw translator.failure;
    }
  };
  const failure = await pumpUpstream(answer, writer, signal, {
    event: (event) => feed(answer.mapper.onEvent(event)),
    end: () => feed(answer.mapper.onEnd()),
  });
  log.usage = translator.usage ?? answer.mapper.usageSoFar?.();
  log.finishReason = translator.finishReason;
  log.cost = log.usage ? answer.costOf(log.usage) : null;
  // No usage chunk (an upstream that omits it, or a client that left once the text arrived): charge what was generated.
  if (!translator.usage && (!failure || failure.status === 499)) await estimateMissingUsage(log, requestBody, generated, answer.costOf);
  return failure;
}
