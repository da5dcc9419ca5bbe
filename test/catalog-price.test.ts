import { findProvider } from '@pydantic/genai-prices';
import fc from 'fast-check';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { AnthropicUsage } from '../src/main/core/protocol/anthropic-wire.js';
import { parseOpenAiUsage, type TokenUsage } from '../src/main/core/protocol/token-usage.js';
import { tokenUsageOf } from '../src/main/core/providers/anthropic/usage-mapping.js';
import type { GeminiUsageMetadata } from '../src/main/core/providers/google/gemini-wire.js';
import { geminiUsage } from '../src/main/core/providers/google/usage.js';
import { CatalogPrice, catalogTotal, type CatalogOptions } from '../src/main/core/usage/catalog-price.js';
import { endpointPrice } from '../src/main/core/usage/pricing.js';

/** The JSON object that starts at `text[start]` (a `{`), or undefined when it is not one. */
function objectAt(text: string, start: number): unknown {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) {
      try {
        return JSON.parse(text.slice(start, i + 1));
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

function asTokenUsage(raw: unknown): TokenUsage | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  if ('input_tokens' in raw && 'output_tokens' in raw) return tokenUsageOf(raw as AnthropicUsage);
  if ('promptTokenCount' in raw) return geminiUsage(raw as GeminiUsageMetadata);
  if ('prompt_tokens' in raw) return parseOpenAiUsage(raw);
  return undefined;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/**
 * Every usage object in the recordings (OpenAI, Anthropic, Gemini, Mistral, Ollama), read the
 * way the gateway reads it; bodies quoted inside YAML or JSON recordings are unquoted first.
 */
function recordedUsages(): TokenUsage[] {
  const seen = new Map<string, TokenUsage>();
  for (const file of filesUnder(fileURLToPath(new URL('./fixtures', import.meta.url)))) {
    const raw = readFileSync(file, 'utf8');
    for (const text of [raw, raw.replaceAll('\\"', '"')]) {
      for (const match of text.matchAll(/"(usage|usageMetadata)"\s*:\s*\{/g)) {
        const usage = asTokenUsage(objectAt(text, match.index + match[0].length - 1));
        if (usage && usage.promptTokens + usage.completionTokens > 0) seen.set(JSON.stringify(usage), usage);
      }
    }
  }
  return [...seen.values()];
}

/**
 * Models whose prices take every path of the compiled arithmetic: cache reads and writes,
 * reasoning priced apart (sonar-deep-research), web search fees, input tiers (gemini-2.5-pro,
 * claude-sonnet-4-5, gpt-5.4), start-date prices (o3, claude-opus-4-6) and time-of-day prices
 * (deepseek-chat, deepseek-v4-flash).
 */
const MODELS: [string, CatalogOptions][] = [
  ['gpt-4o-mini', { providerId: 'openai' }],
  ['gpt-4o', { providerId: 'openai' }],
  ['o3', { providerId: 'openai' }],
  ['gpt-5.4', { providerId: 'openai' }],
  ['claude-sonnet-4-5', { providerId: 'anthropic' }],
  ['claude-opus-4-6', { providerId: 'anthropic' }],
  ['claude-haiku-4-5', { providerId: 'anthropic' }],
  ['gemini-2.5-pro', { providerId: 'google' }],
  ['gemini-2.5-flash', { providerId: 'google' }],
  ['deepseek-chat', { providerId: 'deepseek' }],
  ['deepseek-v4-flash', { providerId: 'deepseek' }],
  ['sonar-deep-research', { providerId: 'perplexity' }],
  ['llama-3.1-8b-instant', { providerId: 'groq' }],
  ['mistral-large-latest', { providerId: 'mistral' }],
  ['grok-4', { providerId: 'x-ai' }],
  ['openai/gpt-4o-mini', { providerApiUrl: 'https://openrouter.ai/api/v1' }],
];

function compiled(model: string, options: CatalogOptions): CatalogPrice {
  const price = CatalogPrice.resolve(model, options);
  if (!price) throw new Error(`genai-prices does not know ${model}`);
  expect(price.compiled, `${model} should be computed without calcPrice`).toBe(true);
  return price;
}

/** Instants across the dated and daily prices: before, at and after each change, around the clock. */
const INSTANTS = [Date.UTC(2025, 0, 1, 0, 0), Date.UTC(2025, 5, 10, 12, 0), Date.UTC(2026, 2, 13, 0, 30), Date.UTC(2026, 7, 17, 2, 0), Date.UTC(2026, 7, 17, 7, 30), Date.UTC(2026, 11, 7, 16, 30), Date.UTC(2027, 0, 1, 23, 59)];

describe('compiled catalog prices equal calcPrice', () => {
  it('prices every usage recorded in test/fixtures exactly as calcPrice does, for every model and instant', () => {
    const usages = recordedUsages();
    expect(usages.length).toBeGreaterThanOrEqual(30);
    expect(usages.some((u) => u.cachedTokens > 0)).toBe(true);
    expect(usages.some((u) => u.cacheWriteTokens > 0)).toBe(true);
    expect(usages.some((u) => u.reasoningTokens > 0)).toBe(true);
    for (const [model, options] of MODELS) {
      const price = compiled(model, options);
      for (const atMs of INSTANTS) {
        for (const usage of usages) {
          expect(price.total(usage, atMs), `${model} at ${new Date(atMs).toISOString()} for ${JSON.stringify(usage)}`).toBe(
            catalogTotal(usage, model, options, atMs)?.total_price,
          );
        }
      }
    }
  });

  it('prices any token counts exactly as calcPrice does (fast-check)', () => {
    const count = fc.oneof(fc.integer({ min: 0, max: 2_000 }), fc.integer({ min: 0, max: 2_000_000 }));
    const usage = fc.record({
      promptTokens: count,
      completionTokens: count,
      cachedTokens: count,
      cacheWriteTokens: count,
      reasoningTokens: count,
      webSearchRequests: fc.integer({ min: 0, max: 20 }),
    });
    const instant = fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2028, 0, 1) });
    const prices = MODELS.map(([model, options]) => ({ model, options, price: compiled(model, options) }));
    fc.assert(
      fc.property(fc.constantFrom(...prices), usage, instant, ({ model, options, price }, u, atMs) => {
        expect(price.total(u, atMs)).toBe(catalogTotal(u, model, options, atMs)?.total_price);
      }),
      { numRuns: 3_000 },
    );
  });

  it('compiles the price of every model genai-prices lists for the providers Switchyard presets', () => {
    const notCompiled: string[] = [];
    for (const providerId of ['openai', 'anthropic', 'google', 'groq', 'deepseek', 'mistral', 'x-ai', 'together', 'fireworks', 'perplexity']) {
      for (const model of findProvider({ providerId })?.models ?? []) {
        const price = CatalogPrice.resolve(model.id, { providerId });
        if (price && !price.compiled) notCompiled.push(`${providerId}/${model.id}`);
      }
    }
    expect(notCompiled).toEqual([]);
  });

  it('is resolved once per provider and model: the endpoint price never searches the catalog again', () => {
    const lookUps: string[] = [];
    const price = endpointPrice({ kind: 'catalog', providerId: 'openai' }, 'gpt-4o-mini', (model, options) => {
      lookUps.push(model);
      return CatalogPrice.resolve(model, options);
    });
    const usage = { promptTokens: 1000, completionTokens: 200, cachedTokens: 100, cacheWriteTokens: 0, reasoningTokens: 0 };
    expect(price.cost(usage)).toBe((900 * 0.15 + 100 * 0.075 + 200 * 0.6) / 1e6);
    expect(price.rates()).toEqual({ prompt: 0.15 / 1e6, completion: 0.6 / 1e6, request: 0 });
    expect(price.contextWindow).toBe(128_000);
    expect(lookUps).toEqual(['gpt-4o-mini']);
  });

  it('prices an unknown model as unknown', () => {
    const price = endpointPrice({ kind: 'catalog', providerId: 'openai' }, 'no-such-model-anywhere');
    expect(price.cost({ promptTokens: 10, completionTokens: 10, cachedTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 })).toBeNull();
    expect(price.rates()).toBeNull();
  });
});
