import { GatewayError } from '../../../shared/errors.js';
import type { GatewayContext } from '../gateway-context.js';
import type { CatalogModel } from '../router/catalog.js';
import { ratesFor } from '../usage/pricing.js';

const CREATED = Math.floor(Date.now() / 1000);

/** OpenAI's model object plus OpenRouter's fields (name, pricing in USD per token as strings). */
function describe(model: CatalogModel) {
  const first = model.endpoints[0];
  const rates = first ? ratesFor(first.priceSource, first.upstreamModel) : null;
  const owner = model.id.includes('/') ? (model.id.split('/', 1)[0] as string) : 'switchyard';
  return {
    id: model.id,
    object: 'model',
    created: CREATED,
    owned_by: owner,
    name: model.id,
    pricing: rates
      ? { prompt: String(rates.prompt), completion: String(rates.completion), request: String(rates.request) }
      : null,
    endpoints: model.endpoints.map((e) => ({ provider: e.provider.id, model: e.upstreamModel })),
  };
}

export function listModels(ctx: GatewayContext) {
  return { object: 'list', data: ctx.catalog.models().map(describe) };
}

export function getModel(ctx: GatewayContext, id: string) {
  const endpoints = ctx.catalog.resolve(id);
  if (endpoints.length === 0) throw new GatewayError(404, 'model_not_found', `Model "${id}" is not served by any configured provider`);
  return describe({ id, endpoints });
}
