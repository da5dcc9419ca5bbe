import { chatRequestSchema } from '../../../shared/control/models.js';
import { GatewayError } from '../../../shared/errors.js';
import { proxyOperation } from '../http/proxy-handler.js';
import type { AppKey } from '../secrets/app-keys.js';
import { UI_APP_KEY_NAME } from '../secrets/ui-app-key.js';
import type { ControlDeps } from './control-routes.js';
import { RESPONDED, type ControlRoute } from './control-router.js';

/** The UI's built-in key, read afresh so a new limit or a disable applies at once; 403 while it is disabled. */
export function activeUiKey(deps: Pick<ControlDeps, 'ctx' | 'uiAppKeyId'>): AppKey {
  const key = deps.ctx.appKeys.getById(deps.uiAppKeyId);
  if (!key || key.revokedAt !== null || key.disabled) {
    throw new GatewayError(403, 'ui_key_disabled', `The UI's app key "${UI_APP_KEY_NAME}" is disabled: \`switchyard app-keys enable ${UI_APP_KEY_NAME}\``);
  }
  return key;
}

/**
 * The UI's chats take the gateway path every tool takes (routing, spend gate, usage log)
 * under the built-in app key, read afresh each time so a new limit or a disable applies at once.
 */
export function chatRoutes(deps: ControlDeps): ControlRoute[] {
  return [
    {
      method: 'POST',
      path: '/chat/completions',
      async run({ res, body }) {
        const request = await body(chatRequestSchema);
        await proxyOperation(deps.ctx, res, activeUiKey(deps), 'chat', request, deps.shutdownSignal);
        return RESPONDED;
      },
    },
  ];
}
