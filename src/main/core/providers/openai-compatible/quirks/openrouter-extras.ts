/**
 * When the upstream is OpenRouter itself, the request extras that this gateway does not act on
 * reach it: `transforms` (e.g. "middle-out" prompt compression) and `plugins` other than web
 * search (which routing has already turned into the `:online` model variant). Routing extras
 * (`models`, `provider`) stay the gateway's: they name this gateway's models and providers, which
 * OpenRouter does not know.
 */
import type { Quirk } from './quirk.js';
import { isObject } from './wire-json.js';

function isWebPlugin(plugin: unknown): boolean {
  return isObject(plugin) && plugin.id === 'web';
}

export const openrouterExtras: Quirk = {
  request(body, client) {
    if (client.transforms !== undefined) body.transforms = client.transforms;
    if (Array.isArray(client.plugins)) {
      const plugins = client.plugins.filter((plugin: unknown) => !isWebPlugin(plugin));
      if (plugins.length > 0) body.plugins = plugins;
    }
  },
};
