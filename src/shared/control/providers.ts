import { z } from 'zod/mini';

export const PROVIDER_ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const providerId = z.string().check(z.regex(PROVIDER_ID_PATTERN, 'lowercase letters, digits, ".", "_" or "-" (max 64)'));
const baseUrl = z.string().check(z.maxLength(2000), z.regex(/^https?:\/\/\S+$/, 'an http:// or https:// URL'));
/** A pasted key: goes to the vault, is never sent back. */
const apiKey = z.string().check(z.minLength(1), z.maxLength(8192));

export const providerViewSchema = z.object({
  id: z.string(),
  type: z.string(),
  baseUrl: z.string(),
  /** Data stays on this machine (local presets or dataPolicy.local). */
  local: z.boolean(),
  keySource: z.enum(['keychain', 'env', 'none', 'not-required']),
  /** The last characters of a stored key, to recognise it; never the key. */
  keyHint: z.nullable(z.string()),
  models: z.array(z.string()),
  /** True when the config lists the models; otherwise they are discovered from the provider. */
  modelsListed: z.boolean(),
});
export type ProviderView = z.infer<typeof providerViewSchema>;

export const providerListSchema = z.object({ providers: z.array(providerViewSchema) });

export const addProviderSchema = z.object({
  id: providerId,
  type: z.string().check(z.minLength(1), z.maxLength(40)),
  baseUrl: z.optional(baseUrl),
  apiKey: z.optional(apiKey),
  models: z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(300))).check(z.maxLength(1000))),
});
export type AddProvider = z.infer<typeof addProviderSchema>;

/** Absent fields stay as they are; `baseUrl: null` goes back to the preset's URL. */
export const updateProviderSchema = z.object({
  baseUrl: z.optional(z.nullable(baseUrl)),
  apiKey: z.optional(apiKey),
  models: z.optional(z.nullable(z.array(z.string().check(z.minLength(1), z.maxLength(300))).check(z.maxLength(1000)))),
});
export type UpdateProvider = z.infer<typeof updateProviderSchema>;

/** Tests a connection before saving: a pasted key, or (with `id`) the key already stored. */
export const testProviderSchema = z.object({
  id: z.optional(providerId),
  type: z.string().check(z.minLength(1), z.maxLength(40)),
  baseUrl: z.optional(baseUrl),
  apiKey: z.optional(apiKey),
});
export type TestProvider = z.infer<typeof testProviderSchema>;

export const testResultSchema = z.object({
  ok: z.boolean(),
  models: z.array(z.string()),
  message: z.string(),
});
export type TestResult = z.infer<typeof testResultSchema>;

export const localServerSchema = z.object({
  type: z.string(),
  label: z.string(),
  baseUrl: z.string(),
  reachable: z.boolean(),
  models: z.array(z.string()),
  /** Already configured under this provider id. */
  configuredAs: z.nullable(z.string()),
});
export type LocalServer = z.infer<typeof localServerSchema>;
export const localProbeSchema = z.object({ servers: z.array(localServerSchema) });

export const vaultStateSchema = z.object({
  backend: z.enum(['keychain', 'file', 'unavailable']),
  /** What this means for the person and what to do, in a sentence or two. */
  advice: z.string(),
});
export type VaultState = z.infer<typeof vaultStateSchema>;
