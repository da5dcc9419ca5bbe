import type { Harness } from './gateway-harness.js';

/** POST /v1/messages to the harness's gateway the way Anthropic clients do, by default with the app key in x-api-key. */
export function postMessages(h: Harness, body: unknown, headers: Record<string, string> = { 'x-api-key': h.appKey }): Promise<Response> {
  return fetch(`${h.gateway.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', ...headers },
    body: JSON.stringify(body),
  });
}
