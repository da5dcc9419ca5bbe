import type { EndpointConfig, PricingOverride, ProviderConfig, SwitchyardConfig } from '../config/config-schema.js';
import { PROVIDER_PRESETS, type ProviderFamily, type ProviderType } from '../config/presets.js';
import type { PriceSource } from '../usage/pricing.js';

export interface ResolvedProvider {
  id: string;
  type: ProviderType;
  family: ProviderFamily;
  baseUrl: string;
  /** Runs on this machine: needs no key and is free unless priced in the config. */
  local: boolean;
  config: ProviderConfig;
}

/** One way to serve a model: a provider and the model name it knows it by. */
export interface Endpoint {
  provider: ResolvedProvider;
  upstreamModel: string;
  priceSource: PriceSource;
}

export interface CatalogModel {
  id: string;
  endpoints: Endpoint[];
}

function isLoopbackUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
  } catch {
    return false;
  }
}

/**
 * Local means keyless (a key is sent only if one is stored) and free unless priced: the local
 * presets, a generic openai-compatible server on loopback, or whatever `dataPolicy.local` says.
 */
function resolveProvider(id: string, config: ProviderConfig): ResolvedProvider {
  const preset = PROVIDER_PRESETS[config.type];
  const baseUrl = (config.baseUrl ?? ('baseUrl' in preset ? preset.baseUrl : '')).replace(/\/+$/, '');
  const presetLocal = ('local' in preset && preset.local) || (config.type === 'openai-compatible' && isLoopbackUrl(baseUrl));
  const local = config.dataPolicy?.local ?? presetLocal;
  return { id, type: config.type, family: preset.family, baseUrl, local, config };
}

function priceSourceFor(provider: ResolvedProvider, upstreamModel: string, override?: PricingOverride): PriceSource {
  const pricing = override ?? provider.config.modelPricing?.[upstreamModel] ?? provider.config.pricing;
  if (pricing) return { kind: 'override', pricing };
  if (provider.local) return { kind: 'free' };
  const preset = PROVIDER_PRESETS[provider.type];
  if ('pricesId' in preset) return { kind: 'catalog', providerId: preset.pricesId };
  return { kind: 'catalog', providerApiUrl: provider.baseUrl };
}

/**
 * The model namespace: every provider model as `<providerId>/<upstreamModel>`, plus the shared
 * ids of the config's `models` section (several endpoints each).
 */
export class ModelCatalog {
  readonly providers = new Map<string, ResolvedProvider>();
  private readonly shared = new Map<string, EndpointConfig[]>();
  private readonly discovered = new Map<string, string[]>();

  constructor(config: SwitchyardConfig) {
    for (const [id, providerConfig] of Object.entries(config.providers)) {
      this.providers.set(id, resolveProvider(id, providerConfig));
    }
    for (const [id, model] of Object.entries(config.models)) this.shared.set(id, model.endpoints);
  }

  /** Models a provider serves: its configured list, else what discovery found. */
  providerModels(providerId: string): string[] {
    const provider = this.providers.get(providerId);
    if (!provider) return [];
    return provider.config.models ?? this.discovered.get(providerId) ?? [];
  }

  needsDiscovery(): ResolvedProvider[] {
    return [...this.providers.values()].filter((p) => p.config.models === undefined);
  }

  setDiscovered(providerId: string, models: string[]): void {
    this.discovered.set(providerId, models);
  }

  endpoint(providerId: string, upstreamModel: string, pricing?: PricingOverride): Endpoint | undefined {
    const provider = this.providers.get(providerId);
    if (!provider) return undefined;
    return { provider, upstreamModel, priceSource: priceSourceFor(provider, upstreamModel, pricing) };
  }

  /**
   * Endpoints for a requested model id, in configured order. A shared id wins; then
   * `<providerId>/<model>`; then a bare upstream name that exactly one provider lists.
   */
  resolve(modelId: string): Endpoint[] {
    const shared = this.shared.get(modelId);
    if (shared) {
      return shared.flatMap((e) => {
        const endpoint = this.endpoint(e.provider, e.model, e.pricing);
        return endpoint ? [endpoint] : [];
      });
    }
    const slash = modelId.indexOf('/');
    if (slash > 0) {
      const providerId = modelId.slice(0, slash);
      const upstreamModel = modelId.slice(slash + 1);
      const provider = this.providers.get(providerId);
      if (provider && upstreamModel) {
        const listed = provider.config.models;
        // An explicit `models` list is the whole offer; discovered lists may lag, so they don't restrict.
        if (listed && !listed.includes(upstreamModel)) return [];
        const endpoint = this.endpoint(providerId, upstreamModel);
        return endpoint ? [endpoint] : [];
      }
    }
    const owners = [...this.providers.keys()].filter((id) => this.providerModels(id).includes(modelId));
    if (owners.length === 1 && owners[0] !== undefined) {
      const endpoint = this.endpoint(owners[0], modelId);
      return endpoint ? [endpoint] : [];
    }
    return [];
  }

  /** Every servable model id with its endpoints, for GET /v1/models. */
  models(): CatalogModel[] {
    const out: CatalogModel[] = [];
    for (const id of this.shared.keys()) out.push({ id, endpoints: this.resolve(id) });
    for (const providerId of this.providers.keys()) {
      for (const upstreamModel of this.providerModels(providerId)) {
        const endpoint = this.endpoint(providerId, upstreamModel);
        if (endpoint) out.push({ id: `${providerId}/${upstreamModel}`, endpoints: [endpoint] });
      }
    }
    return out;
  }
}
