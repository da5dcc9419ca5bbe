import type { OpenCircuitView } from '../../../shared/control/circuits.js';
import type { ControlDeps } from './control-routes.js';
import type { ControlRoute } from './control-router.js';

/** The endpoints routing keeps out (their circuit opened); a `circuits` event says when this list changes. */
export function circuitsRoutes({ ctx }: Pick<ControlDeps, 'ctx'>): ControlRoute[] {
  return [
    {
      method: 'GET',
      path: '/circuits',
      run: (): { circuits: OpenCircuitView[] } => ({
        circuits: ctx.routing.breaker.openCircuits().map((c) => ({
          endpoint: c.key,
          provider: c.key.slice(0, c.key.indexOf('/')),
          state: c.state,
          consecutiveFailures: c.consecutiveFailures,
          openedAt: c.openedAt,
          retryAt: c.openUntil,
        })),
      }),
    },
  ];
}
