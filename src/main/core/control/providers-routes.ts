import { GatewayError } from '../../../shared/errors.js';
import {
  addProviderSchema,
  testProviderSchema,
  updateProviderSchema,
  type LocalServer,
  type ProviderView,
} from '../../../shared/control/providers.js';
import { LOCAL_SERVERS } from '../../../shared/control/known-providers.js';
import { ConfigError } from '../config/load-config.js';
import { PROVIDER_TYPES } from '../config/presets.js';
import type { ControlDeps } from './control-routes.js';
import type { ControlRoute } from './control-router.js';
import { draftProvider, listProviderModels } from './provider-connection.js';

const TEST_TIMEOUT_MS = 10_000;
/** Local servers answer in milliseconds; a closed port fails at once. This bounds a filtered one. */
const PROBE_TIMEOUT_MS = 1_500;

type RawProviders = Record<string, Record<string, unknown>>;

function providersOf(raw: Record<string, unknown>): RawProviders {
  if (typeof raw.providers !== 'object' || raw.providers === null) raw.providers = {};
  return raw.providers as RawProviders;
}

function checkType(type: string): void {
  if (!(PROVIDER_TYPES as readonly string[]).includes(type)) {
    throw new GatewayError(400, 'invalid_request', `Unknown provider type "${type}"; one of ${PROVIDER_TYPES.join(', ')}`);
  }
}

/** A config the schema refuses is the page's mistake (400), named like the CLI names it. */
function configProblem(err: unknown): unknown {
  return err instanceof ConfigError ? new GatewayError(400, 'invalid_config', err.message.replace(/^[^:]*: /, '')) : err;
}

async function configChange<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw configProblem(err);
  }
}

function draftProviderOr400(id: string, entry: Record<string, unknown>) {
  try {
    return draftProvider(id, entry);
  } catch (err) {
    throw configProblem(err);
  }
}

function keyHint(keys: readonly string[]): string | null {
  const key = keys[0];
  return key && key.length >= 16 ? `…${key.slice(-4)}` : null;
}

/** Providers: list, add (key straight to the vault), edit, remove, test a connection, find local servers. */
export function providersRoutes(deps: ControlDeps): ControlRoute[] {
  const { ctx, liveConfig, vault } = deps;

  function existing(id: string) {
    const provider = ctx.catalog.providers.get(id);
    if (!provider) throw new GatewayError(404, 'not_found', `No provider "${id}"`);
    return provider;
  }

  async function storeKey(id: string, apiKey: string): Promise<void> {
    if (vault.backend === 'unavailable') {
      throw new GatewayError(503, 'vault_unavailable', `No key vault to store the key in: ${vault.unavailableReason ?? 'unavailable'}`);
    }
    await vault.set(id, apiKey);
  }

  async function list(): Promise<{ providers: ProviderView[] }> {
    const providers = await Promise.all(
      [...ctx.catalog.providers.values()].map(async (p) => ({
        id: p.id,
        type: p.type,
        baseUrl: p.baseUrl,
        local: p.local,
        keySource: await ctx.providerKeys.source(p),
        keyHint: keyHint(await vault.list(p.id).catch(() => [])),
        models: ctx.catalog.providerModels(p.id),
        modelsListed: p.config.models !== undefined,
      })),
    );
    return { providers };
  }

  return [
    { method: 'GET', path: '/providers', run: list },
    {
      method: 'POST',
      path: '/providers',
      async run({ body }) {
        const input = await body(addProviderSchema);
        checkType(input.type);
        if (ctx.catalog.providers.has(input.id)) throw new GatewayError(409, 'conflict', `A provider "${input.id}" already exists`);
        const entry: Record<string, unknown> = { type: input.type };
        if (input.baseUrl) entry.baseUrl = input.baseUrl;
        if (input.models) entry.models = input.models;
        draftProviderOr400(input.id, entry);
        if (input.apiKey) await storeKey(input.id, input.apiKey);
        try {
          await configChange(() => liveConfig.update((raw) => void (providersOf(raw)[input.id] = entry)));
        } catch (err) {
          if (input.apiKey) await vault.remove(input.id).catch(() => undefined);
          throw err;
        }
        return list();
      },
    },
    {
      method: 'PATCH',
      path: '/providers/:id',
      async run({ params, body }) {
        const id = params.id as string;
        existing(id);
        const change = await body(updateProviderSchema);
        if (change.baseUrl !== undefined || change.models !== undefined) {
          await configChange(() =>
            liveConfig.update((raw) => {
              const entry = providersOf(raw)[id];
              if (!entry) throw new GatewayError(404, 'not_found', `No provider "${id}" in ${liveConfig.path}`);
              if (change.baseUrl === null) delete entry.baseUrl;
              else if (change.baseUrl !== undefined) entry.baseUrl = change.baseUrl;
              if (change.models === null) delete entry.models;
              else if (change.models !== undefined) entry.models = change.models;
            }),
          );
        }
        if (change.apiKey) {
          await storeKey(id, change.apiKey);
          deps.events.publish('providers');
        }
        return list();
      },
    },
    {
      method: 'DELETE',
      path: '/providers/:id',
      async run({ params }) {
        const id = params.id as string;
        existing(id);
        await configChange(() => liveConfig.update((raw) => void delete providersOf(raw)[id]));
        await vault.remove(id).catch(() => 0);
        return list();
      },
    },
    {
      method: 'POST',
      path: '/providers/test',
      async run({ body }) {
        const input = await body(testProviderSchema);
        checkType(input.type);
        const id = input.id ?? input.type;
        const provider = draftProviderOr400(id, { type: input.type, ...(input.baseUrl ? { baseUrl: input.baseUrl } : {}) });
        const stored = input.id && ctx.catalog.providers.get(input.id);
        const apiKey = input.apiKey ?? (stored ? await ctx.providerKeys.next(stored) : undefined);
        return listProviderModels(ctx, provider, apiKey, TEST_TIMEOUT_MS);
      },
    },
    {
      method: 'GET',
      path: '/providers/local',
      async run(): Promise<{ servers: LocalServer[] }> {
        const servers = await Promise.all(
          LOCAL_SERVERS.map(async (server) => {
            const provider = draftProvider(server.type, { type: server.type });
            const result = await listProviderModels(ctx, provider, undefined, PROBE_TIMEOUT_MS);
            const configured = [...ctx.catalog.providers.values()].find((p) => p.baseUrl === provider.baseUrl);
            return {
              type: server.type,
              label: server.label,
              baseUrl: provider.baseUrl,
              reachable: result.ok,
              models: result.models,
              configuredAs: configured?.id ?? null,
            };
          }),
        );
        return { servers };
      },
    },
  ];
}
