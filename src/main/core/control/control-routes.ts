import type { GatewayContext } from '../gateway-context.js';
import type { OwnerSession } from '../http/owner-session.js';
import type { ControlRoute } from './control-router.js';
import { sessionRoutes } from './session-routes.js';
import { statusRoutes } from './status-routes.js';

/** What the control API's handlers share; built once by `startGateway`. */
export interface ControlDeps {
  ctx: GatewayContext;
  owner: OwnerSession;
  /** The UI's built-in app key (secrets/ui-app-key.ts), looked up per request so a new limit or a disable applies at once. */
  uiAppKeyId: number;
  gatewayUrl(): string;
  shutdownSignal: AbortSignal;
}

/** Every control route, one file per resource. */
export function createControlRoutes(deps: ControlDeps): ControlRoute[] {
  return [...sessionRoutes(deps.owner), ...statusRoutes(deps.ctx, deps.gatewayUrl)];
}
