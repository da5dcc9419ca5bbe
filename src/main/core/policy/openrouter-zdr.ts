import type { Agent } from 'undici';
import { z } from 'zod';
import { sendUpstream } from '../providers/upstream-http.js';
import type { ModelCatalog } from '../router/catalog.js';
import type { ProviderKeys } from '../secrets/provider-keys.js';

/** OpenRouter's GET /endpoints/zdr: every endpoint that retains nothing, by model. */
const zdrListingSchema = z.object({ data: z.array(z.object({ model_id: z.string() }).loose()) }).loose();

const REFRESH_MS = 6 * 3_600_000;

/**
 * Which models an OpenRouter provider can serve with zero data retention, from OpenRouter's own
 * listing. Read in the background, never on the request path: the first time a `zdr` rule meets
 * an OpenRouter provider (that request leaves the rule to OpenRouter, which gets it in the body),
 * then again when the listing is older than six hours.
 */
export class OpenRouterZdrListing {
  private readonly byProvider = new Map<string, { models: ReadonlySet<string>; readAt: number }>();
  private readonly reading = new Set<string>();
  private readonly controller = new AbortController();

  constructor(
    /** `catalog` is read on each use: a config change from the UI replaces the catalog. */
    private readonly deps: { catalog: () => ModelCatalog; keys: ProviderKeys; agent: Agent },
    private readonly now: () => number = Date.now,
  ) {}

  /** The models with at least one ZDR endpoint, or undefined while no listing has been read. */
  models(providerId: string): ReadonlySet<string> | undefined {
    const listing = this.byProvider.get(providerId);
    if ((!listing || this.now() - listing.readAt > REFRESH_MS) && !this.reading.has(providerId)) void this.read(providerId);
    return listing?.models;
  }

  stop(): void {
    this.controller.abort();
  }

  private async read(providerId: string): Promise<void> {
    const provider = this.deps.catalog().providers.get(providerId);
    if (!provider || this.controller.signal.aborted) return;
    this.reading.add(providerId);
    try {
      const apiKey = await this.deps.keys.next(provider).catch(() => undefined);
      if (!apiKey) return;
      const signal = AbortSignal.any([this.controller.signal, AbortSignal.timeout(15_000)]);
      const res = await sendUpstream(this.deps.agent, {
        url: `${provider.baseUrl}/endpoints/zdr`, method: 'GET', headers: { authorization: `Bearer ${apiKey}` },
      }, signal, provider.id);
      if (res.statusCode !== 200) {
        await res.body.dump();
        return;
      }
      const listing = zdrListingSchema.safeParse(await res.body.json());
      if (listing.success) this.byProvider.set(providerId, { models: new Set(listing.data.data.map((e) => e.model_id)), readAt: this.now() });
    } catch {
      // Unreachable or malformed now: the last listing (or OpenRouter's own enforcement) stands.
    } finally {
      this.reading.delete(providerId);
    }
  }
}
