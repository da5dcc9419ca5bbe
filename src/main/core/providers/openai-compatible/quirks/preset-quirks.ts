/**
 * The quirks of each provider type (config/presets.ts), gathered once, and the chunk rewriter
 * that applies them to a stream. A type without chunk quirks keeps the relay's no-parse path.
 */
import { PROVIDER_TYPES, presetQuirks, type CompatQuirk, type ProviderType } from '../../../config/presets.js';
import { deepseekReasoningReplay } from './deepseek-reasoning-replay.js';
import { maxTokensField } from './max-tokens-field.js';
import { mistralParams } from './mistral-params.js';
import { mistralThinkingContent } from './mistral-thinking-content.js';
import { mistralToolIds } from './mistral-tool-ids.js';
import { openrouterExtras } from './openrouter-extras.js';
import type { Quirk } from './quirk.js';
import { reasoningContent } from './reasoning-content.js';
import { isObject } from './wire-json.js';

const QUIRKS: Record<CompatQuirk, Quirk> = {
  'reasoning-content': reasoningContent,
  'deepseek-reasoning-replay': deepseekReasoningReplay,
  'max-tokens-field': maxTokensField,
  'mistral-params': mistralParams,
  'mistral-tool-ids': mistralToolIds,
  'mistral-thinking-content': mistralThinkingContent,
  'openrouter-extras': openrouterExtras,
};

export type ChunkQuirk = NonNullable<Quirk['chunk']>;

export interface PresetQuirks {
  request: NonNullable<Quirk['request']>[];
  response: NonNullable<Quirk['response']>[];
  chunk: ChunkQuirk[];
}

function gather(type: ProviderType): PresetQuirks {
  const quirks = presetQuirks(type).map((name) => QUIRKS[name]);
  return {
    request: quirks.flatMap((q) => (q.request ? [q.request] : [])),
    response: quirks.flatMap((q) => (q.response ? [q.response] : [])),
    chunk: quirks.flatMap((q) => (q.chunk ? [q.chunk] : [])),
  };
}

const BY_TYPE = new Map(PROVIDER_TYPES.map((type) => [type, gather(type)]));
const NONE: PresetQuirks = { request: [], response: [], chunk: [] };

export function quirksOf(type: ProviderType): PresetQuirks {
  return BY_TYPE.get(type) ?? NONE;
}

/** One chunk's JSON text after the chunk quirks that touch it; untouched text comes back as it was. */
export function rewriteChunk(data: string, quirks: readonly ChunkQuirk[]): string {
  let touching: ChunkQuirk[] | undefined;
  for (const quirk of quirks) if (quirk.touches(data)) (touching ??= []).push(quirk);
  if (!touching) return data;
  let chunk: unknown;
  try {
    chunk = JSON.parse(data);
  } catch {
    return data;
  }
  if (!isObject(chunk)) return data;
  for (const quirk of touching) quirk.rewrite(chunk);
  return JSON.stringify(chunk);
}
