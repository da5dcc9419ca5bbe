import type { AppStatus } from '../../../shared/usage.js';
import type { GatewayContext } from '../gateway-context.js';
import { toUsageRow } from '../usage/usage-record.js';
import type { ControlRoute } from './control-router.js';

export function statusRoutes(ctx: GatewayContext, gatewayUrl: () => string): ControlRoute[] {
  return [{ method: 'GET', path: '/status', run: () => status(ctx, gatewayUrl()) }];
}

async function status(ctx: GatewayContext, url: string): Promise<AppStatus> {
  const providers = await Promise.all(
    [...ctx.catalog.providers.values()].map(async (p) => ({
      id: p.id,
      type: p.type,
      baseUrl: p.baseUrl,
      keySource: await ctx.providerKeys.source(p),
      models: ctx.catalog.providerModels(p.id),
    })),
  );
  const { committed, pending } = ctx.writer.withPending(() => ctx.queries.recent(20));
  const recent = [...[...pending].reverse(), ...committed].slice(0, 20).map(toUsageRow);
  const today = new Date(ctx.now()).toISOString().slice(0, 10);
  const todayRows = ctx.queries.spendPerDayPerModel(today);
  const todayCostUsd = todayRows.reduce((sum, row) => sum + (row.cost ?? 0), 0);
  const todayUnpricedRequests = todayRows.reduce((sum, row) => sum + row.unpriced, 0);
  return { url, version: ctx.version, dataDir: ctx.dataDir, providers, recent, todayCostUsd, todayUnpricedRequests };
}
