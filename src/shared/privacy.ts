import { z } from 'zod';

/**
 * The data rules a request is routed under. Each level (global settings, the app key, the
 * request's `provider` object) can only make them stricter: `deny`, `true` win.
 */
export const privacyRulesSchema = z
  .object({
    /** "deny": only endpoints known not to train on what they are sent. */
    dataCollection: z.enum(['allow', 'deny']),
    /** Only endpoints known to retain nothing (zero data retention). */
    zdr: z.boolean(),
    /** Only providers declared local: nothing leaves this machine. */
    localOnly: z.boolean(),
  })
  .strict();
export type PrivacyRules = z.infer<typeof privacyRulesSchema>;

export const OPEN_RULES: PrivacyRules = Object.freeze({ dataCollection: 'allow', zdr: false, localOnly: false });

/** A user pattern for redaction: a name (the placeholder's kind) and an RE2 regular expression. */
export const customPatternSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9_]{1,32}$/, 'pattern names are 1-32 lowercase letters, digits or "_"'),
    pattern: z.string().min(1).max(1000),
  })
  .strict();

export const redactionSettingsSchema = z
  .object({
    /** off; mask (one way); reversible (placeholders restored in the answer). */
    mode: z.enum(['off', 'mask', 'reversible']),
    secrets: z.boolean(),
    pii: z.boolean(),
    custom: z.array(customPatternSchema).max(50),
    /** Exact values never redacted (a test key, a public address). */
    allow: z.array(z.string().min(1)).max(200),
    /** Images and files cannot be inspected: pass them on or refuse the request. */
    attachments: z.enum(['pass', 'block']),
  })
  .strict();
export type RedactionSettings = z.infer<typeof redactionSettingsSchema>;

export const NO_REDACTION: RedactionSettings = Object.freeze({
  mode: 'off', secrets: true, pii: true, custom: [], allow: [], attachments: 'block',
}) as RedactionSettings;

export const loggingSettingsSchema = z
  .object({
    /** Keep prompt and completion text for this key (off by default). */
    bodies: z.boolean(),
    /** Days kept bodies live before they are pruned. */
    retentionDays: z.number().int().min(1).max(3650),
  })
  .strict();
export type LoggingSettings = z.infer<typeof loggingSettingsSchema>;

export const NO_LOGGING: LoggingSettings = Object.freeze({ bodies: false, retentionDays: 30 });

/** Everything privacy-related about one app key. */
export const keyPrivacySchema = z
  .object({ rules: privacyRulesSchema, logging: loggingSettingsSchema, redaction: redactionSettingsSchema })
  .strict();
export type KeyPrivacy = z.infer<typeof keyPrivacySchema>;

export const DEFAULT_KEY_PRIVACY: KeyPrivacy = Object.freeze({ rules: OPEN_RULES, logging: NO_LOGGING, redaction: NO_REDACTION });

/** A change to a key's privacy: any subset of its fields. */
export const keyPrivacyPatchSchema = z
  .object({
    rules: privacyRulesSchema.partial().optional(),
    logging: loggingSettingsSchema.partial().optional(),
    redaction: redactionSettingsSchema.partial().optional(),
  })
  .strict();
export type KeyPrivacyPatch = z.infer<typeof keyPrivacyPatchSchema>;
