import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseOpenAiUsage, parseOpenAiUsageBySchema } from '../src/main/core/protocol/token-usage.js';

/** Values a usage field may hold on the wire, valid or not. */
const fieldValue = fc.oneof(
  fc.nat(),
  fc.constantFrom(undefined, null, -1, -0, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, 2 ** 53 - 1, '12', true, [], {}),
);
const details = (fields: string[]) =>
  fc.oneof(fc.constantFrom(undefined, null, 'x', 7, [1]), fc.record(Object.fromEntries(fields.map((f) => [f, fieldValue])), { requiredKeys: [] }));
const usageObject = fc.record(
  {
    prompt_tokens: fieldValue,
    completion_tokens: fieldValue,
    total_tokens: fieldValue,
    prompt_cache_hit_tokens: fieldValue,
    prompt_tokens_details: details(['cached_tokens', 'cache_write_tokens', 'audio_tokens']),
    completion_tokens_details: details(['reasoning_tokens', 'accepted_prediction_tokens']),
    server_tool_use: details(['web_search_requests']),
  },
  { requiredKeys: [] },
);

describe('parseOpenAiUsage', () => {
  it('reads every usage object exactly as the schema does (fast path or not)', () => {
    fc.assert(
      fc.property(fc.oneof(usageObject, fieldValue), (raw) => {
        expect(parseOpenAiUsage(raw)).toEqual(parseOpenAiUsageBySchema(raw));
      }),
      { numRuns: 5000 },
    );
  });

  it('reads a recorded OpenAI usage with cache and reasoning details', () => {
    const raw = {
      prompt_tokens: 1200,
      completion_tokens: 300,
      total_tokens: 1500,
      prompt_tokens_details: { cached_tokens: 1024, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 128, audio_tokens: 0 },
    };
    expect(parseOpenAiUsage(raw)).toEqual({ promptTokens: 1200, completionTokens: 300, cachedTokens: 1024, cacheWriteTokens: 0, reasoningTokens: 128 });
  });

  it('repairs what the schema repairs: a float count reads as 0, a usage that is not an object as none', () => {
    expect(parseOpenAiUsage({ prompt_tokens: 1.5, completion_tokens: 2 })?.promptTokens).toBe(0);
    expect(parseOpenAiUsage(null)).toBeUndefined();
    expect(parseOpenAiUsage([])).toBeUndefined();
  });
});
