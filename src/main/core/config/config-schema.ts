import { z } from 'zod';
import { PROVIDER_TYPES } from './presets.js';

/** USD per token as a decimal string, like OpenRouter's /models pricing. */
const usdPerToken = z
  .string()
  .regex(/^\d+(\.\d+)?(e-?\d+)?$/i, 'must be a non-negative decimal string, USD per token (e.g. "0.0000025")');

export const pricingSchema = z
  .object({
    prompt: usdPerToken,
    completion: usdPerToken,
    input_cache_read: usdPerToken.optional(),
    input_cache_write: usdPerToken.optional(),
    request: usdPerToken.optional(),
  })
  .strict();
export type PricingOverride = z.infer<typeof pricingSchema>;

/** What a provider does with prompts (policy/data-policy.ts); declared fields override the preset's published defaults. */
export const dataPolicySchema = z
  .object({
    local: z.boolean().optional(),
    dataCollection: z.enum(['allow', 'deny']).optional(),
    zdr: z.boolean().optional(),
    training: z.enum(['no', 'opt-in', 'opt-out', 'yes', 'unknown']).optional(),
    retentionDays: z.number().int().min(0).nullable().optional(),
    zdrAvailable: z.enum(['default', 'self-serve', 'contract', 'none', 'unknown']).optional(),
    region: z.string().min(1).nullable().optional(),
    /** The account's tier where a provider's free and paid terms differ (google, mistral); default "free". */
    tier: z.enum(['free', 'paid']).optional(),
  })
  .strict();

/**
 * Request parameters an endpoint accepts, named as in OpenRouter's `supported_parameters`
 * ("tools", "response_format", "top_k", …). Absent: the OpenAI chat parameters.
 */
const supportedParametersSchema = z.array(z.string().min(1));

/** Retry, cooldown and circuit-breaker tuning; every field has a default (router/routing-settings.ts). */
export const routingConfigSchema = z
  .object({
    /** Extra tries of the same endpoint after a failure where waiting can help. */
    retries: z.number().int().min(0).max(5).optional(),
    /** First backoff step; each retry doubles it (with jitter). */
    backoffMs: z.number().int().positive().optional(),
    /** Longest Retry-After worth waiting for; a longer one falls over to the next endpoint. */
    maxRetryAfterMs: z.number().int().min(0).optional(),
    /** Consecutive failures that open an endpoint's circuit. */
    failureThreshold: z.number().int().positive().optional(),
    /** How long an open circuit keeps an endpoint out before a probe request. */
    cooldownMs: z.number().int().positive().optional(),
    /** How long a key refused (401/403) or rate-limited (429) sits out. */
    keyCooldownMs: z.number().int().positive().optional(),
  })
  .strict();
export type RoutingConfig = z.infer<typeof routingConfigSchema>;

const providerIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'provider ids are lowercase letters, digits, ".", "_" or "-" (max 64)');

export const providerConfigSchema = z
  .object({
    type: z.enum(PROVIDER_TYPES),
    baseUrl: z.url({ protocol: /^https?$/ }).optional(),
    apiKeyEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name').optional(),
    models: z.array(z.string().min(1)).optional(),
    pricing: pricingSchema.optional(),
    /** Per upstream model overrides, keyed by the upstream model name. */
    modelPricing: z.record(z.string(), pricingSchema).optional(),
    headers: z.record(z.string(), z.string()).optional(),
    dataPolicy: dataPolicySchema.optional(),
    timeoutMs: z.number().int().positive().optional(),
    supportedParameters: supportedParametersSchema.optional(),
  })
  .strict();
export type ProviderConfig = z.infer<typeof providerConfigSchema>;

export const endpointConfigSchema = z
  .object({
    provider: providerIdSchema,
    model: z.string().min(1),
    pricing: pricingSchema.optional(),
    supportedParameters: supportedParametersSchema.optional(),
    contextLength: z.number().int().positive().optional(),
  })
  .strict();
export type EndpointConfig = z.infer<typeof endpointConfigSchema>;

export const configSchema = z
  .object({
    providers: z.record(providerIdSchema, providerConfigSchema).default({}),
    models: z
      .record(z.string().min(1), z.object({ endpoints: z.array(endpointConfigSchema).min(1) }).strict())
      .default({}),
    server: z
      .object({
        maxBodyBytes: z.number().int().positive().optional(),
        upstreamTimeoutMs: z.number().int().positive().optional(),
      })
      .strict()
      .default({}),
    routing: routingConfigSchema.default({}),
  })
  .strict()
  .superRefine((config, ctx) => {
    for (const [modelId, model] of Object.entries(config.models)) {
      model.endpoints.forEach((endpoint, index) => {
        if (!(endpoint.provider in config.providers)) {
          ctx.addIssue({
            code: 'custom',
            path: ['models', modelId, 'endpoints', index, 'provider'],
            message: `unknown provider "${endpoint.provider}" (not in "providers")`,
          });
        }
      });
    }
    for (const [id, provider] of Object.entries(config.providers)) {
      if (provider.type === 'openai-compatible' && !provider.baseUrl) {
        ctx.addIssue({ code: 'custom', path: ['providers', id, 'baseUrl'], message: 'required for type "openai-compatible"' });
      }
    }
  });
export type SwitchyardConfig = z.infer<typeof configSchema>;
