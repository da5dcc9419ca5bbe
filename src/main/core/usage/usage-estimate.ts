import { EMPTY_USAGE, type TokenUsage } from '../protocol/token-usage.js';
import type { JsonObject } from '../providers/provider-adapter.js';
import type { RequestLog } from './request-log.js';

/** Text-carrying fields of OpenAI chat and completion chunks: content, reasoning, tool-call arguments. */
export const OPENAI_OUTPUT_FIELDS = ['content', 'reasoning', 'reasoning_content', 'arguments', 'text', 'refusal'] as const;
/** The same for Anthropic stream events: text, thinking and tool-input deltas. */
export const ANTHROPIC_OUTPUT_FIELDS = ['text', 'thinking', 'partial_json'] as const;

/** Chunk JSON held before it is scanned: short answers are never scanned, long ones in batches of this many characters. */
const SCAN_BATCH_CHARS = 1 << 20;

/**
 * The text an answer generated, gathered from the chunk JSON the gateway relays, for the usage
 * row of an answer whose upstream never reported its usage (a cancelled stream, or a provider
 * that ignores `stream_options.include_usage`). The hot path only keeps a reference to each
 * chunk; the chunks are scanned for their text fields when an estimate is needed, or a batch at a
 * time once they exceed SCAN_BATCH_CHARS, which bounds the memory a long stream holds.
 */
export class GeneratedText {
  private readonly keys: string[];
  private readonly pieces: string[] = [];
  private held: string[] = [];
  private heldChars = 0;

  constructor(fields: readonly string[] = OPENAI_OUTPUT_FIELDS) {
    this.keys = fields.map((field) => `"${field}":`);
  }

  addChunk(json: string): void {
    this.held.push(json);
    this.heldChars += json.length;
    if (this.heldChars > SCAN_BATCH_CHARS) this.scanHeld();
  }

  /** Records the text of a whole (non-streamed) OpenAI answer. */
  addAnswer(body: JsonObject): void {
    this.addChunk(JSON.stringify(body.choices ?? []));
  }

  /** The generated text, decoded. */
  text(): string {
    this.scanHeld();
    return this.pieces.map(decodeJsonString).join('');
  }

  private scanHeld(): void {
    for (const json of this.held) this.scan(json);
    this.held = [];
    this.heldChars = 0;
  }

  /** Keeps the raw string values of the text fields of one chunk's JSON. */
  private scan(json: string): void {
    for (const key of this.keys) {
      let at = json.indexOf(key);
      while (at >= 0) {
        let start = at + key.length;
        while (json.charCodeAt(start) === 32) start++;
        if (json.charCodeAt(start) !== 34) {
          at = json.indexOf(key, start);
          continue;
        }
        const end = closingQuote(json, start + 1);
        if (end < 0) break;
        // `"text":` also names reasoning_details' text, which repeats `reasoning`: count it once.
        if (end > start + 1 && !(key === '"text":' && isReasoningDetail(json, at))) this.pieces.push(json.slice(start, end + 1));
        at = json.indexOf(key, end);
      }
    }
  }
}

function closingQuote(json: string, from: number): number {
  for (let i = from; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (c === 92) i++;
    else if (c === 34) return i;
  }
  return -1;
}

function isReasoningDetail(json: string, at: number): boolean {
  const object = json.lastIndexOf('{', at);
  return object >= 0 && json.slice(object, at).includes('"type":"reasoning.');
}

function decodeJsonString(literal: string): string {
  try {
    return JSON.parse(literal) as string;
  } catch {
    return literal.slice(1, -1);
  }
}

type CountTokens = (text: string) => number;
let tokenizer: Promise<CountTokens> | undefined;

/**
 * gpt-tokenizer's cl100k_base: within a few percent of what current models bill for English
 * text and code, and loaded on first need only (it costs ~80 ms and ~45 MiB once), since
 * answers with reported usage never need it.
 */
function countTokensLater(): Promise<CountTokens> {
  tokenizer ??= import('gpt-tokenizer/encoding/cl100k_base').then((m) => m.countTokens);
  return tokenizer;
}

/** Chat formats spend about this many tokens per message on its role and delimiters (OpenAI's cookbook). */
const TOKENS_PER_MESSAGE = 3;
/** Fields that carry no prompt text: image and file payloads, part types. */
const NOT_TEXT = new Set(['type', 'url', 'data', 'image_url', 'input_audio', 'file_data', 'cache_control', 'signature']);

function promptText(value: unknown, out: string[]): void {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const item of value) promptText(item, out);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) if (!NOT_TEXT.has(key)) promptText(item, out);
  }
}

function estimatePrompt(body: JsonObject, count: CountTokens): number {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  const text: string[] = [];
  for (const field of [body.messages, body.system, body.prompt, body.input, body.tools, body.functions]) promptText(field, text);
  return count(text.join('\n')) + TOKENS_PER_MESSAGE * (messages.length + 1);
}

/**
 * Completes the log's usage when the upstream did not report it in full, so the request is
 * priced and charged for what it generated: the output counted from `generated`, the prompt
 * from `body` when the upstream reported none. The row is marked estimated. An answer that
 * generated nothing stays as reported (zero-completion insurance covers it).
 */
export async function estimateMissingUsage(
  log: RequestLog,
  body: JsonObject,
  generated: GeneratedText,
  costOf: (usage: TokenUsage) => number | null,
): Promise<void> {
  const text = generated.text();
  if (text.length === 0) return;
  const count = await countTokensLater();
  const reported = log.usage ?? EMPTY_USAGE;
  const completionTokens = Math.max(reported.completionTokens, count(text));
  const promptTokens = reported.promptTokens > 0 ? reported.promptTokens : estimatePrompt(body, count);
  if (completionTokens === reported.completionTokens && promptTokens === reported.promptTokens) return;
  log.usage = { ...reported, promptTokens, completionTokens };
  log.usageEstimated = true;
  log.cost = costOf(log.usage);
}
