import {
  globalPolicyPatchSchema,
  keyPolicyPatchSchema,
  redactionPreviewRequestSchema,
  type KeyHistoryDeleted,
  type KeyPolicy,
  type RedactionPreview,
} from '../../../shared/control/privacy.js';
import { GatewayError } from '../../../shared/errors.js';
import {
  forgetKeyHistory,
  getGlobalPolicy,
  getKeyPolicy,
  previewRedaction,
  providerPolicyTable,
  recentEgress,
  setGlobalPolicy,
  setKeyPolicy,
} from '../policy/privacy-api.js';
import { AppKeyError } from '../secrets/app-keys.js';
import { UI_APP_KEY_NAME } from '../secrets/ui-app-key.js';
import type { ControlDeps } from './control-routes.js';
import type { ControlRoute } from './control-router.js';

/** How many requests the audit panel shows. */
const AUDIT_ROWS = 50;

/** An unknown key is a 404, a bad redaction pattern a 400, both in the OpenAI error shape. */
function asGatewayError<T>(work: () => T): T {
  try {
    return work();
  } catch (err) {
    throw keyErrorAsGatewayError(err);
  }
}

function keyErrorAsGatewayError(err: unknown): unknown {
  if (!(err instanceof AppKeyError)) return err;
  const unknownKey = err.message.startsWith('no active app key');
  return new GatewayError(unknownKey ? 404 : 400, unknownKey ? 'not_found' : 'invalid_request', err.message);
}

/**
 * The Privacy screen: global rules and the local-only switch, each app key's rules, logging and
 * redaction, the "try it" preview (computed here, never in the page), the provider policy table
 * and the egress audit; a key's logged prompts can be deleted. Every change is announced as a `privacy` event.
 */
export function privacyRoutes({ ctx, events, bodyLog }: Pick<ControlDeps, 'ctx' | 'events' | 'bodyLog'>): ControlRoute[] {
  const changed = <T>(value: T): T => {
    events.publish('privacy');
    return value;
  };
  const keyPolicies = (): { keys: KeyPolicy[] } => ({
    keys: ctx.appKeys.list().map((k) => ({ name: k.name, builtIn: k.name === UI_APP_KEY_NAME, privacy: ctx.privacy.forKey(k.id) })),
  });
  return [
    { method: 'GET', path: '/privacy/global', run: () => getGlobalPolicy(ctx.privacy) },
    {
      method: 'PATCH',
      path: '/privacy/global',
      run: async ({ body }) => changed(setGlobalPolicy(ctx.privacy, await body(globalPolicyPatchSchema))),
    },
    { method: 'GET', path: '/privacy/keys', run: keyPolicies },
    {
      method: 'PATCH',
      path: '/privacy/keys/:name',
      async run({ params, body }) {
        const patch = await body(keyPolicyPatchSchema);
        await setKeyPolicy(ctx.privacy, ctx.appKeys, params.name as string, patch).catch((err: unknown) => {
          throw keyErrorAsGatewayError(err);
        });
        return changed(keyPolicies());
      },
    },
    {
      method: 'DELETE',
      path: '/privacy/keys/:name/history',
      run: ({ params }): KeyHistoryDeleted => ({ deleted: asGatewayError(() => forgetKeyHistory(bodyLog, ctx.appKeys, params.name as string)) }),
    },
    {
      method: 'POST',
      path: '/privacy/preview',
      async run({ body }): Promise<RedactionPreview> {
        const { key, text } = await body(redactionPreviewRequestSchema);
        const { redaction } = asGatewayError(() => getKeyPolicy(ctx.privacy, ctx.appKeys, key));
        if (redaction.mode === 'off') return { mode: 'off', text, counts: {} };
        return { mode: redaction.mode, ...(await previewRedaction(redaction, text)) };
      },
    },
    { method: 'GET', path: '/privacy/providers', run: () => ({ providers: providerPolicyTable(ctx.catalog) }) },
    { method: 'GET', path: '/privacy/audit', run: () => ({ rows: recentEgress(ctx.queries, AUDIT_ROWS) }) },
  ];
}
