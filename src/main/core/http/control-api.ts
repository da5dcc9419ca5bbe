import type { AppStatus } from '../../../shared/usage.js';
import { GatewayError } from '../../../shared/errors.js';
import type { GatewayContext } from '../gateway-context.js';
import { toUsageRow } from '../usage/usage-record.js';

/** The UI's private API (DESIGN.md §4: not a public contract). */
export async function controlApi(ctx: GatewayContext, method: string, path: string, url: string): Promise<unknown> {
  if (method === 'GET' && path === '/_app/api/status') return status(ctx, url);
  throw new GatewayError(404, 'not_found', `No control route ${method} ${path}`);
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
  const pending = [...ctx.writer.pendingRows()].reverse();
  const recent = [...pending, ...ctx.queries.recent(20)].slice(0, 20).map(toUsageRow);
  return { url, version: ctx.version, dataDir: ctx.dataDir, providers, recent };
}
