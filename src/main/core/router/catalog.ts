import type { EndpointConfig, PricingOverride, ProviderConfig, SwitchyardConfig } from '../config/config-schema.js';
import { PROVIDER_PRESETS, type ProviderFamily, type ProviderPreset, type ProviderType } from '../config/presets.js';
import { resolveDataPolicy, type EndpointDataPolicy } from '../policy/data-policy.js';
import { CatalogPrice, type CatalogOptions } from '../usage/catalog-price.js';
import { endpointPrice, type EndpointPrice, type PriceSource } from '../usage/pricing.js';

export interface ResolvedProvider {
  id: string;
  type: ProviderType;
  family: ProviderFamily;
  baseUrl: string;
  /** Runs on this machine: needs no key and is free unless priced in the config. */
  local: boolean;
  /** Training, retention, ZDR and region as published for the preset and declared in the config. */
  dataPolicy: EndpointDataPolicy;
  config: ProviderConfig;
}

/** One way to serve a model: a provider and the model name it knows it by. */
export interface Endpoint {
  provider: ResolvedProvider;
  upstreamModel: string;
  priceSource: PriceSource;
  /** Resolved from `priceSource` when the endpoint is: pricing a request is then arithmetic. */
  price: EndpointPrice;
}

/** What is known about an endpoint beyond its price: from the config, else from discovery. */
export interface EndpointInfo {
  name: string | null;
  contextLength: number | null;
  /** Declared request parameters; null when nothing was declared (the OpenAI chat set is assumed). */
  supportedParameters: readonly string[] | null;
  inputModalities: readonly string[];
  outputModalities: readonly string[];
  /** Whether the provider's listing says the model reads images; null when it says nothing about inputs. */
  imageInput: boolean | null;
}

/** A model as a provider's listing describes it; only `id` is always there. */
export interface DiscoveredModel {
  id: string;
  name?: string;
  contextLength?: number;
  supportedParameters?: string[];
  inputModalities?: string[];
  outputModalities?: string[];
}

export interface CatalogModel {
  id: string;
  endpoints: Endpoint[];
}

/** Stable across requests: health, circuit and price caches are keyed by it. */
export function endpointKey(endpoint: Endpoint): string {
  return `${endpoint.provider.id}/${endpoint.upstreamModel}`;
}

const TEXT: readonly string[] = ['text'];
/** Beyond this many cached lookups the cache starts over: `<provider>/<anything>` resolves, so ids are unbounded. */
const RESOLVE_CACHE_LIMIT = 2_000;

/**
 * Local means the data stays on this machine, so it is keyless (a key is sent only if one is
 * stored) and free unless priced. It is declared, never guessed: a local-server preset or
 * `dataPolicy.local: true`. A loopback baseUrl proves nothing (tunnels, other gateways, proxies
 * to a cloud API), so an openai-compatible server there is cloud with an unknown price.
 */
function resolveProvider(id: string, config: ProviderConfig): ResolvedProvider {
  const preset: ProviderPreset = PROVIDER_PRESETS[config.type];
  const baseUrl = (config.baseUrl ?? preset.baseUrl ?? '').replace(/\/+$/, '');
  const local = config.dataPolicy?.local ?? preset.local ?? false;
  return { id, type: config.type, family: preset.family, baseUrl, local, dataPolicy: resolveDataPolicy(config.type, config, local), config };
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
 * ids of the config's `models` section (several endpoints each). Resolved endpoints are cached,
 * so the same endpoint is the same object from one request to the next.
 */
export class ModelCatalog {
  readonly providers = new Map<string, ResolvedProvider>();
  private readonly shared = new Map<string, EndpointConfig[]>();
  private readonly discovered = new Map<string, Map<string, DiscoveredModel>>();
  private readonly resolved = new Map<string, Endpoint[]>();
  private readonly infos = new WeakMap<Endpoint, EndpointInfo>();
  /** genai-prices lookups by provider and model, shared by every endpoint that needs one; a new config builds a new catalog. */
  private readonly catalogPrices = new Map<string, CatalogPrice | null>();
  private readonly lookUpPrice = (upstreamModel: string, options: CatalogOptions): CatalogPrice | null => {
    const key = `${'providerId' in options ? options.providerId : options.providerApiUrl}\u0000${upstreamModel}`;
    let price = this.catalogPrices.get(key);
    if (price === undefined) {
      price = CatalogPrice.resolve(upstreamModel, options);
      this.catalogPrices.set(key, price);
    }
    return price;
  };

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
    if (provider.config.models) return provider.config.models;
    const found = this.discovered.get(providerId);
    return found ? [...found.keys()] : [];
  }

  /**
   * Takes over what discovery found for providers configured exactly as before, so a config
   * change from the UI does not blank the model lists of the providers it did not touch.
   */
  adoptDiscovered(previous: ModelCatalog): void {
    for (const [id, found] of previous.discovered) {
      const before = previous.providers.get(id);
      const now = this.providers.get(id);
      if (before && now && JSON.stringify(before.config) === JSON.stringify(now.config)) this.discovered.set(id, found);
    }
    this.resolved.clear();
  }

  needsDiscovery(): ResolvedProvider[] {
    return [...this.providers.values()].filter((p) => p.config.models === undefined);
  }

  /** What a provider's own model listing says it serves (and, where it tells, what the models are like). */
  setDiscovered(providerId: string, models: readonly DiscoveredModel[]): void {
    this.discovered.set(providerId, new Map(models.map((m) => [m.id, m])));
    this.resolved.clear();
  }

  endpoint(providerId: string, upstreamModel: string, config?: EndpointConfig): Endpoint | undefined {
    const provider = this.providers.get(providerId);
    if (!provider) return undefined;
    const priceSource = priceSourceFor(provider, upstreamModel, config?.pricing);
    const endpoint: Endpoint = { provider, upstreamModel, priceSource, price: endpointPrice(priceSource, upstreamModel, this.lookUpPrice) };
    this.infos.set(endpoint, this.describeEndpoint(provider, upstreamModel, config));
    return endpoint;
  }

  info(endpoint: Endpoint): EndpointInfo {
    let info = this.infos.get(endpoint);
    if (!info) {
      info = this.describeEndpoint(endpoint.provider, endpoint.upstreamModel);
      this.infos.set(endpoint, info);
    }
    return info;
  }

  /**
   * Endpoints for a requested model id, in configured order. A shared id wins; then
   * `<providerId>/<model>`; then a bare upstream name that exactly one provider lists.
   */
  resolve(modelId: string): Endpoint[] {
    const cached = this.resolved.get(modelId);
    if (cached) return cached;
    const endpoints = this.lookup(modelId);
    if (endpoints.length > 0) {
      if (this.resolved.size >= RESOLVE_CACHE_LIMIT) this.resolved.clear();
      this.resolved.set(modelId, endpoints);
    }
    return endpoints;
  }

  /** Every servable model id with its endpoints, for GET /v1/models. */
  models(): CatalogModel[] {
    const out: CatalogModel[] = [];
    for (const id of this.shared.keys()) out.push({ id, endpoints: this.resolve(id) });
    for (const providerId of this.providers.keys()) {
      for (const upstreamModel of this.providerModels(providerId)) {
        const id = `${providerId}/${upstreamModel}`;
        out.push({ id, endpoints: this.resolve(id) });
      }
    }
    return out;
  }

  private lookup(modelId: string): Endpoint[] {
    const shared = this.shared.get(modelId);
    if (shared) {
      return shared.flatMap((e) => {
        const endpoint = this.endpoint(e.provider, e.model, e);
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

  private describeEndpoint(provider: ResolvedProvider, upstreamModel: string, config?: EndpointConfig): EndpointInfo {
    const found = this.discovered.get(provider.id)?.get(upstreamModel);
    return {
      name: found?.name ?? null,
      contextLength: config?.contextLength ?? found?.contextLength ?? null,
      supportedParameters: config?.supportedParameters ?? provider.config.supportedParameters ?? found?.supportedParameters ?? null,
      inputModalities: found?.inputModalities ?? TEXT,
      outputModalities: found?.outputModalities ?? TEXT,
      imageInput: found?.inputModalities ? found.inputModalities.includes('image') : null,
    };
  }
}
