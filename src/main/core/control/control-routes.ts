import type { ChatStore } from '../chats/chat-store.js';
import type { LiveConfig } from '../config/live-config.js';
import type { GatewayContext } from '../gateway-context.js';
import type { OwnerSession } from '../http/owner-session.js';
import type { BodyLog } from '../policy/body-log.js';
import type { CachedKeyVault } from '../secrets/cached-vault.js';
import { activityRoutes } from './activity-routes.js';
import { appKeysRoutes } from './app-keys-routes.js';
import { chatRoutes } from './chat-routes.js';
import { circuitsRoutes } from './circuits-routes.js';
import type { ControlEvents } from './control-events.js';
import type { ControlRoute } from './control-router.js';
import { conversationsRoutes } from './conversations-routes.js';
import { eventsRoutes } from './events-routes.js';
import { modelsRoutes } from './models-routes.js';
import { privacyRoutes } from './privacy-routes.js';
import { replayRoutes } from './replay-routes.js';
import { providersRoutes } from './providers-routes.js';
import { sessionRoutes } from './session-routes.js';
import { spendingRoutes } from './spending-routes.js';
import { statusRoutes } from './status-routes.js';
import { vaultRoutes } from './vault-routes.js';

/** What the control API's handlers share; built once by `startGateway`. */
export interface ControlDeps {
  ctx: GatewayContext;
  owner: OwnerSession;
  /** The UI's built-in app key (secrets/ui-app-key.ts), looked up per request so a new limit or a disable applies at once. */
  uiAppKeyId: number;
  gatewayUrl(): string;
  shutdownSignal: AbortSignal;
  /** The server's own vault view: keys written through it are used at once. */
  vault: CachedKeyVault;
  liveConfig: LiveConfig;
  chats: ChatStore;
  events: ControlEvents;
  /** Prompts and completions of the keys that opted in to logging. */
  bodyLog: BodyLog;
}

/** Every control route, one file per resource. */
export function createControlRoutes(deps: ControlDeps): ControlRoute[] {
  return [
    ...sessionRoutes(deps.owner),
    ...statusRoutes(deps.ctx, deps.gatewayUrl),
    ...providersRoutes(deps),
    ...vaultRoutes(deps.vault),
    ...modelsRoutes(deps.ctx),
    ...chatRoutes(deps),
    ...conversationsRoutes(deps.chats, deps.events),
    ...privacyRoutes(deps),
    ...eventsRoutes(deps.events),
    ...appKeysRoutes(deps),
    ...spendingRoutes(deps),
    ...activityRoutes(deps),
    ...replayRoutes(deps),
    ...circuitsRoutes(deps),
  ];
}
