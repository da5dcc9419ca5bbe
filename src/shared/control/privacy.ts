import { z } from 'zod/mini';
import type { KeyPrivacy, LoggingSettings, PrivacyRules, RedactionSettings } from '../privacy.js';

// Annotated with the shared privacy types (src/shared/privacy.ts) so the wire and the store cannot drift apart.
const rulesSchema: z.ZodMiniType<PrivacyRules> = z.object({
  dataCollection: z.enum(['allow', 'deny']),
  zdr: z.boolean(),
  localOnly: z.boolean(),
});

const redactionSchema: z.ZodMiniType<RedactionSettings> = z.object({
  mode: z.enum(['off', 'mask', 'reversible']),
  secrets: z.boolean(),
  pii: z.boolean(),
  custom: z.array(z.object({ name: z.string(), pattern: z.string() })),
  allow: z.array(z.string()),
  attachments: z.enum(['pass', 'block']),
});

const loggingSchema: z.ZodMiniType<LoggingSettings> = z.object({ bodies: z.boolean(), retentionDays: z.number() });

const keyPrivacySchema: z.ZodMiniType<KeyPrivacy> = z.object({ rules: rulesSchema, logging: loggingSchema, redaction: redactionSchema });

/** `GET /_app/api/privacy/global`, and the answer of every change to it. */
export const globalPolicySchema = rulesSchema;

/** `PATCH /_app/api/privacy/global`: any of the three rules. */
export const globalPolicyPatchSchema = z.strictObject({
  dataCollection: z.optional(z.enum(['allow', 'deny'])),
  zdr: z.optional(z.boolean()),
  localOnly: z.optional(z.boolean()),
});
export type GlobalPolicyPatch = z.infer<typeof globalPolicyPatchSchema>;

export const keyPolicySchema = z.object({
  name: z.string(),
  /** The app key the UI's own chats go through. */
  builtIn: z.boolean(),
  privacy: keyPrivacySchema,
});
export type KeyPolicy = z.infer<typeof keyPolicySchema>;

/** `GET /_app/api/privacy/keys`: every active app key with its privacy settings. */
export const keyPolicyListSchema = z.object({ keys: z.array(keyPolicySchema) });

const patternName = z.string().check(z.regex(/^[a-z0-9_]{1,32}$/, 'pattern names are 1-32 lowercase letters, digits or "_"'));

/** `PATCH /_app/api/privacy/keys/:name`: any subset of the key's settings (patterns are checked as RE2 by the server). */
export const keyPolicyPatchSchema = z.strictObject({
  rules: z.optional(globalPolicyPatchSchema),
  logging: z.optional(
    z.strictObject({
      bodies: z.optional(z.boolean()),
      retentionDays: z.optional(z.int().check(z.minimum(1), z.maximum(3650))),
    }),
  ),
  redaction: z.optional(
    z.strictObject({
      mode: z.optional(z.enum(['off', 'mask', 'reversible'])),
      secrets: z.optional(z.boolean()),
      pii: z.optional(z.boolean()),
      custom: z.optional(
        z.array(z.strictObject({ name: patternName, pattern: z.string().check(z.minLength(1), z.maxLength(1000)) })).check(z.maxLength(50)),
      ),
      allow: z.optional(z.array(z.string().check(z.minLength(1))).check(z.maxLength(200))),
      attachments: z.optional(z.enum(['pass', 'block'])),
    }),
  ),
});
export type KeyPolicyPatch = z.infer<typeof keyPolicyPatchSchema>;

/** `DELETE /_app/api/privacy/keys/:name/history`: how many logged exchanges went. */
export const keyHistoryDeletedSchema = z.object({ deleted: z.number() });
export type KeyHistoryDeleted = z.infer<typeof keyHistoryDeletedSchema>;

/** `POST /_app/api/privacy/preview`: a sample prompt and the key whose settings apply. */
export const redactionPreviewRequestSchema = z.strictObject({
  key: z.string().check(z.minLength(1), z.maxLength(64)),
  text: z.string().check(z.minLength(1), z.maxLength(20_000)),
});
export type RedactionPreviewRequest = z.infer<typeof redactionPreviewRequestSchema>;

export const redactionPreviewSchema = z.object({
  mode: z.enum(['off', 'mask', 'reversible']),
  /** The prompt as the provider would receive it. */
  text: z.string(),
  /** Values replaced, by kind. */
  counts: z.record(z.string(), z.number()),
});
export type RedactionPreview = z.infer<typeof redactionPreviewSchema>;

export const providerPolicyRowSchema = z.object({
  provider: z.string(),
  type: z.string(),
  local: z.boolean(),
  training: z.enum(['no', 'opt-in', 'opt-out', 'yes', 'unknown']),
  retentionDays: z.nullable(z.number()),
  zdrAvailable: z.enum(['default', 'self-serve', 'contract', 'none', 'unknown']),
  region: z.nullable(z.string()),
  sources: z.array(z.object({ fields: z.array(z.string()), url: z.string(), checked: z.nullable(z.string()) })),
  enforcedUpstream: z.boolean(),
});
export type ProviderPolicyRow = z.infer<typeof providerPolicyRowSchema>;

/** `GET /_app/api/privacy/providers`: the data policy of every configured provider, with sources. */
export const providerPolicyListSchema = z.object({ providers: z.array(providerPolicyRowSchema) });

const ruleSource = z.optional(z.enum(['global', 'app_key', 'request']));

export const egressAuditRowSchema = z.object({
  id: z.string(),
  created_at: z.string(),
  app_key: z.nullable(z.string()),
  provider: z.nullable(z.string()),
  upstream_model: z.nullable(z.string()),
  status: z.number(),
  policy: z.nullable(
    z.object({
      data_collection: z.enum(['allow', 'deny']),
      zdr: z.boolean(),
      local_only: z.boolean(),
      set_by: z.object({ data_collection: ruleSource, zdr: ruleSource, local_only: ruleSource }),
    }),
  ),
  redacted: z.record(z.string(), z.number()),
  attachments_passed: z.number(),
});
export type EgressAuditEntry = z.infer<typeof egressAuditRowSchema>;

/** `GET /_app/api/privacy/audit`: the latest requests, newest first. */
export const egressAuditListSchema = z.object({ rows: z.array(egressAuditRowSchema) });
