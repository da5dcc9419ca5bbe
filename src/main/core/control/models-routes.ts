import type { ModelView } from '../../../shared/control/models.js';
import { listModels } from '../http/models-handler.js';
import type { GatewayContext } from '../gateway-context.js';
import type { CatalogModel } from '../router/catalog.js';
import type { ControlRoute } from './control-router.js';

type Described = ReturnType<typeof listModels>['data'][number];

function variantsOf(model: Described): ModelView['variants'] {
  const variants: ModelView['variants'] = [];
  // Price and speed ordering only choose among several endpoints.
  if (model.endpoints.length > 1) variants.push('floor', 'nitro');
  if (model.pricing?.prompt === '0' && model.pricing.completion === '0') variants.push('free');
  variants.push('online');
  return variants;
}

/** OpenRouter's "-1" (price not known in advance) is null here: the picker says "price unknown". */
function knownPrice(price: string | undefined): string | null {
  return price === undefined || Number(price) < 0 ? null : price;
}

/** True if any endpoint reads images, false only when every endpoint's listing says it does not. */
function imageInputOf(ctx: GatewayContext, model: CatalogModel | undefined): boolean | null {
  const said = (model?.endpoints ?? []).map((e) => ctx.catalog.info(e).imageInput);
  if (said.includes(true)) return true;
  return said.length > 0 && said.every((s) => s === false) ? false : null;
}

/** Every model the gateway serves, for the model picker; the same catalog as GET /v1/models. */
export function modelsRoutes(ctx: GatewayContext): ControlRoute[] {
  return [
    {
      method: 'GET',
      path: '/models',
      run: (): { models: ModelView[] } => {
        const catalog = new Map(ctx.catalog.models().map((m) => [m.id, m]));
        return {
          models: listModels(ctx).data.map((m) => ({
            id: m.id,
            name: m.name,
            providers: [...new Set(m.endpoints.map((e) => e.provider))],
            contextLength: m.context_length,
            promptPrice: knownPrice(m.pricing?.prompt),
            completionPrice: knownPrice(m.pricing?.completion),
            variants: variantsOf(m),
            imageInput: imageInputOf(ctx, catalog.get(m.id)),
          })),
        };
      },
    },
  ];
}
