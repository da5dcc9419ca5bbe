import type { TestResult } from '../../../shared/control/providers.js';
import { toGatewayError } from '../../../shared/errors.js';
import { parseConfig } from '../config/load-config.js';
import type { GatewayContext } from '../gateway-context.js';
import { redactSecret } from '../policy/redact-secret.js';
import { sendUpstream } from '../providers/upstream-http.js';
import { ModelCatalog, type ResolvedProvider } from '../router/catalog.js';

/** A provider as the config would resolve it, before it is saved (throws a ConfigError naming the field). */
export function draftProvider(id: string, entry: Record<string, unknown>): ResolvedProvider {
  const config = parseConfig(JSON.stringify({ providers: { [id]: entry } }), 'provider');
  return new ModelCatalog(config).providers.get(id) as ResolvedProvider;
}

function upstreamMessage(text: string): string {
  try {
    const json = JSON.parse(text) as { error?: { message?: unknown } | string; message?: unknown };
    const message = typeof json.error === 'string' ? json.error : (json.error?.message ?? json.message);
    if (typeof message === 'string') return message;
  } catch {
    // Not JSON: the text itself, shortened below.
  }
  return text;
}

/**
 * Asks the provider for its model list with this key: the answer proves the URL and the key
 * work. Whatever the provider says back is redacted of the key before it reaches the page.
 */
export async function listProviderModels(ctx: GatewayContext, provider: ResolvedProvider, apiKey: string | undefined, timeoutMs: number): Promise<TestResult> {
  const adapter = ctx.adapters[provider.family];
  if (!adapter) return { ok: false, models: [], message: `No adapter for ${provider.type}` };
  try {
    const res = await sendUpstream(ctx.agent, adapter.listModelsRequest(provider, apiKey), AbortSignal.timeout(timeoutMs), provider.id);
    const text = await res.body.text();
    if (res.statusCode !== 200) {
      const said = redactSecret(upstreamMessage(text), apiKey).slice(0, 300);
      return { ok: false, models: [], message: `${provider.baseUrl} answered HTTP ${res.statusCode}: ${said}` };
    }
    const models = adapter.parseModelList(JSON.parse(text) as unknown);
    return { ok: true, models, message: `Connected: ${models.length} model${models.length === 1 ? '' : 's'}` };
  } catch (err) {
    return { ok: false, models: [], message: redactSecret(toGatewayError(err).message, apiKey) };
  }
}
