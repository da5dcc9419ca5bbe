/**
 * When the upstream is OpenRouter itself, the request extras that this gateway does not act on
 * reach it: `transforms` (e.g. "middle-out" prompt compression) and `plugins` other than web
 * search (which routing has already turned into the `:online` model variant). Routing extras
 * (`models`, `provider`) stay the gateway's: they name this gateway's models and providers, which
 * OpenRouter does not know; but the data rules in `provider` (`data_collection`, `zdr`, made
 * the strictest of global, key and request by policy/privacy-gate.ts) go along, because
 * OpenRouter applies them to its own endpoints.
 */
import type { Quirk } from './quirk.js';
import { isObject } from './wire-json.js';

function isWebPlugin(plugin: unknown): boolean {
  return isObject(plugin) && plugin.id === 'web';
}

export const openrouterExtras: Quirk = {
  request(body, client) {
    const provider = isObject(client.provider) ? client.provider : undefined;
    const rules = { ...(provider?.data_collection === 'deny' ? { data_collection: 'deny' } : {}), ...(provider?.zdr === true ? { zdr: true } : {}) };
    if (Object.keys(rules).length > 0) body.provider = rules;
    if (client.transforms !== undefined) body.transforms = client.transforms;
    if (Array.isArray(client.plugins)) {
      const plugins = client.plugins.filter((plugin: unknown) => !isWebPlugin(plugin));
      if (plugins.length > 0) body.plugins = plugins;
    }
  },
};
