import type { Agent } from 'undici';
import type { ProviderFamily } from './config/presets.js';
import type { OpenRouterZdrListing } from './policy/openrouter-zdr.js';
import type { PrivacyStore } from './policy/privacy-store.js';
import type { SpendLedger } from './policy/spend-ledger.js';
import type { ProviderAdapter } from './providers/provider-adapter.js';
import type { ModelCatalog } from './router/catalog.js';
import type { RoutingState } from './router/routing-state.js';
import type { AppKeyStore } from './secrets/app-keys.js';
import type { ProviderKeys } from './secrets/provider-keys.js';
import type { UsageQueries } from './usage/usage-queries.js';
import type { UsageWriter } from './usage/usage-writer.js';

/** Everything a request handler needs; built once at start-up by `startGateway`. */
export interface GatewayContext {
  catalog: ModelCatalog;
  /** Endpoint health, circuit breakers and conversation stickiness, shared by all requests. */
  routing: RoutingState;
  /** Adapters by provider family; a family without one cannot be routed to. */
  adapters: Partial<Record<ProviderFamily, ProviderAdapter>>;
  providerKeys: ProviderKeys;
  appKeys: AppKeyStore;
  writer: UsageWriter;
  spend: SpendLedger;
  /** Global and per-key privacy settings (data rules, logging, redaction). */
  privacy: PrivacyStore;
  /** OpenRouter's zero-retention endpoints, read in the background. */
  zdrListing: OpenRouterZdrListing;
  queries: UsageQueries;
  agent: Agent;
  maxBodyBytes: number;
  dataDir: string;
  version: string;
  /** The one clock of usage rows and spend-limit periods (tests move it across a reset). */
  now: () => number;
}
