/**
 * Published data-use defaults of the built-in provider presets, each field with the page it comes
 * from and the date that page was read. These describe a standard API account: an organisation's
 * own agreement (ZDR, opt-in to training) is declared in the config's `dataPolicy`, which wins.
 * A field a provider does not state stays unknown, and unknown counts as "may collect".
 */
import type { ProviderType } from '../config/presets.js';
import type { EndpointDataPolicy } from './data-policy.js';

export interface PolicySource {
  /** The policy fields this source states. */
  fields: readonly string[];
  /** A public page, or "config" for what the user's config declares. */
  url: string;
  /** ISO date the page was read; null for the config. */
  checked: string | null;
}

type PublishedPolicy = Pick<EndpointDataPolicy, 'training' | 'retentionDays' | 'zdrAvailable' | 'region' | 'sources' | 'enforcedUpstream'>;
export type PresetPolicy = PublishedPolicy | { tiers: Record<'free' | 'paid', PublishedPolicy> };

const CHECKED = '2026-12-07';

const source = (url: string, ...fields: string[]): PolicySource => ({ fields, url, checked: CHECKED });

const published = (p: Partial<PublishedPolicy> & { sources: PolicySource[] }): PublishedPolicy => ({
  training: 'unknown',
  retentionDays: null,
  zdrAvailable: 'unknown',
  region: null,
  enforcedUpstream: false,
  ...p,
});

export const PRESET_DATA_POLICIES: Partial<Record<ProviderType, PresetPolicy>> = {
  // "Data sent to the OpenAI API is not used to train … unless you explicitly opt in"; abuse
  // monitoring logs "retained for up to 30 days"; ZDR "subject to prior approval".
  openai: published({
    training: 'opt-in',
    retentionDays: 30,
    zdrAvailable: 'contract',
    sources: [source('https://developers.openai.com/api/docs/guides/your-data', 'training', 'retentionDays', 'zdrAvailable')],
  }),
  // ZDR: "Some enterprise API customers, subject to Anthropic approval"; the commercial API is
  // not trained on unless the customer opts in; logs are kept 30 days.
  anthropic: published({
    training: 'opt-in',
    retentionDays: 30,
    zdrAvailable: 'contract',
    sources: [
      source('https://privacy.claude.com/en/articles/8956058-i-have-a-zero-data-retention-agreement-with-anthropic-what-products-does-it-apply-to', 'zdrAvailable'),
      source('https://aihackers.net/verify/anthropic-api-terms', 'training', 'retentionDays'),
    ],
  }),
  // Unpaid services may use prompts to improve Google's products; paid services do not, and log
  // prompts "for a limited period of time" (no number given). ZDR is approved per project.
  google: {
    tiers: {
      free: published({
        training: 'yes',
        zdrAvailable: 'none',
        sources: [source('https://ai.google.dev/gemini-api/terms', 'training', 'zdrAvailable')],
      }),
      paid: published({
        training: 'no',
        zdrAvailable: 'contract',
        sources: [
          source('https://ai.google.dev/gemini-api/terms', 'training'),
          source('https://ai.google.dev/gemini-api/docs/zdr', 'zdrAvailable'),
        ],
      }),
    },
  },
  // "By default, Groq does not retain customer data for inference requests", except to protect
  // reliability or investigate abuse (30 days); zero retention is a Data Controls setting.
  groq: published({
    retentionDays: 30,
    zdrAvailable: 'self-serve',
    sources: [source('https://console.groq.com/docs/your-data', 'retentionDays', 'zdrAvailable')],
  }),
  // The Open Platform terms neither promise nor rule out training on API data; data is stored in
  // the PRC per its privacy policy. Unknown stays unknown.
  deepseek: published({
    sources: [source('https://cncsmonster.github.io/en/posts/deepseek-api-data-training-policy/', 'training')],
  }),
  // Experiment (free) plan: "we may use your data … to train", with an opt-out; Scale (paid)
  // plan data "is not used to train".
  mistral: {
    tiers: {
      free: published({
        training: 'opt-out',
        sources: [source('https://help.mistral.ai/en/articles/323757-do-you-use-my-user-data-to-train-your-artificial-intelligence-models', 'training')],
      }),
      paid: published({
        training: 'no',
        sources: [source('https://help.mistral.ai/en/articles/323757-do-you-use-my-user-data-to-train-your-artificial-intelligence-models', 'training')],
      }),
    },
  },
  // "xAI never trains on your API inputs or outputs without your explicit permission"; kept 30
  // days for abuse audits; ZDR "exclusively available to enterprise accounts".
  xai: published({
    training: 'opt-in',
    retentionDays: 30,
    zdrAvailable: 'contract',
    sources: [source('https://docs.x.ai/docs/resources/faq-api/security', 'training', 'retentionDays', 'zdrAvailable')],
  }),
  // Training is "a separate opt-in and is off by default"; prompts are stored unless the
  // organisation turns storage off (for an unstated period).
  together: published({
    training: 'opt-in',
    zdrAvailable: 'self-serve',
    sources: [source('https://docs.together.ai/docs/zero-data-retention', 'training', 'zdrAvailable')],
  }),
  // "Fireworks has Zero Data Retention by default" for open models, without explicit opt-in.
  fireworks: published({
    training: 'no',
    retentionDays: 0,
    zdrAvailable: 'default',
    sources: [source('https://docs.fireworks.ai/guides/security_compliance/data_handling', 'training', 'retentionDays', 'zdrAvailable')],
  }),
  // OpenRouter routes each request to one of its providers, whose policies differ per endpoint;
  // it applies `provider.data_collection` and `provider.zdr` itself when they are sent along
  // (and answers 404 when no endpoint qualifies), so the request's policy is forwarded to it.
  openrouter: published({
    zdrAvailable: 'self-serve',
    enforcedUpstream: true,
    sources: [source('https://openrouter.ai/docs/guides/privacy/zdr', 'zdrAvailable', 'enforcedUpstream')],
  }),
};
