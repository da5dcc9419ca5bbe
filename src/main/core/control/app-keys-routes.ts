import { GatewayError } from '../../../shared/errors.js';
import {
  createAppKeySchema,
  updateAppKeySchema,
  type AppKeyView,
} from '../../../shared/control/app-keys.js';
import { periodEnd } from '../policy/limit-period.js';
import { AppKeyError, type AppKey } from '../secrets/app-keys.js';
import type { ControlDeps } from './control-routes.js';
import type { ControlRoute } from './control-router.js';

/** The store's refusals (a taken name, the built-in key's revoke) are the page's mistake. */
function keyProblem<T>(work: () => T): T {
  try {
    return work();
  } catch (err) {
    if (err instanceof AppKeyError) throw new GatewayError(400, 'invalid_request', err.message);
    throw err;
  }
}

/** App keys: list with each key's spend this period, create (the secret answered once), limit, disable, revoke. */
export function appKeysRoutes(deps: ControlDeps): ControlRoute[] {
  const { ctx } = deps;
  // The (app_key_id, created_at) index makes this one index probe per key.
  const lastUsed = ctx.writer.database.prepare('SELECT MAX(created_at) FROM requests WHERE app_key_id = ?').pluck();

  function view(key: AppKey): AppKeyView {
    const spend = ctx.spend.spend(key.id);
    const period = key.limitPeriod ?? 'monthly';
    const pending = [...ctx.writer.pendingRows()].filter((row) => row.appKeyId === key.id).map((row) => row.createdAt);
    const newest = Math.max((lastUsed.get(key.id) as number | null) ?? -Infinity, ...pending);
    return {
      id: key.id,
      name: key.name,
      hint: key.hint,
      createdAt: key.createdAt,
      limitUsd: key.limitUsd,
      limitPeriod: key.limitPeriod,
      disabled: key.disabled,
      manage: key.manage,
      builtIn: key.id === deps.uiAppKeyId,
      periodSpentUsd: spend[period],
      heldUsd: ctx.spend.held(key.id, period),
      resetsAt: key.limitPeriod ? periodEnd(key.limitPeriod, ctx.now()) : null,
      lastUsedAt: Number.isFinite(newest) ? newest : null,
    };
  }

  function existing(idText: string): AppKey {
    const key = /^\d+$/.test(idText) ? ctx.appKeys.getById(Number(idText)) : undefined;
    if (!key || key.revokedAt !== null) throw new GatewayError(404, 'not_found', `No active app key ${idText}`);
    return key;
  }

  return [
    { method: 'GET', path: '/app-keys', run: () => ({ keys: ctx.appKeys.list().map(view) }) },
    {
      method: 'POST',
      path: '/app-keys',
      async run({ body }) {
        const input = await body(createAppKeySchema);
        const created = keyProblem(() => ctx.appKeys.create(input));
        deps.events.publish('app-keys');
        return { key: created.key, appKey: view(created.appKey) };
      },
    },
    {
      method: 'PATCH',
      path: '/app-keys/:id',
      async run({ params, body }) {
        let key = existing(params.id as string);
        const change = await body(updateAppKeySchema);
        if (change.limitUsd !== undefined || change.limitPeriod !== undefined) {
          const limit = change.limitUsd === undefined ? key.limitUsd : change.limitUsd;
          if (limit === null && change.limitPeriod !== undefined) {
            throw new GatewayError(400, 'invalid_request', 'A limit period needs a limit: send limitUsd too');
          }
          key = keyProblem(() => ctx.appKeys.setLimit(key.name, limit, change.limitPeriod));
        }
        if (change.disabled !== undefined) key = keyProblem(() => ctx.appKeys.setDisabled(key.name, change.disabled as boolean));
        deps.events.publish('app-keys');
        return view(key);
      },
    },
    {
      method: 'DELETE',
      path: '/app-keys/:id',
      run({ params }) {
        const key = existing(params.id as string);
        keyProblem(() => ctx.appKeys.revoke(key.name));
        deps.events.publish('app-keys');
        return undefined;
      },
    },
  ];
}
