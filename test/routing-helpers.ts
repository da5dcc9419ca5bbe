/**
 * Shared set-up for the routing suites: several providers served by one mock upstream under
 * their own path prefix (`${UPSTREAM}/a/v1`, `${UPSTREAM}/b/v1`, …), so the mock can fail on
 * demand per provider and the tests can see which provider each request reached.
 */
import type { AttemptRecord } from '../src/main/core/usage/usage-record.js';
import { loadBody } from './helpers/fixtures.js';
import type { Harness } from './helpers/gateway-harness.js';
import type { MockReply } from './helpers/mock-upstream.js';

export const TEXT_REPLY = JSON.parse(loadBody('openai/vercel__openai-text.json')) as Record<string, unknown>;
export const STREAM_REPLY = loadBody('openai/extracted/stream_text_include_usage.sse');
export const OK: MockReply = { body: TEXT_REPLY };

/** USD per token strings, as the config takes them. */
export const PRICE = {
  cheap: { prompt: '0.0000001', completion: '0.0000002' },
  mid: { prompt: '0.000001', completion: '0.000002' },
  dear: { prompt: '0.00001', completion: '0.00002' },
};

/** A provider on its own path of the mock, declared local (keyless, free unless priced) unless `extra` says otherwise. */
export function mockProvider(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'openai-compatible', baseUrl: `\${UPSTREAM}/${name}/v1`, models: ['m'], dataPolicy: { local: true }, ...extra };
}

/** The shared model `shared` served by the named providers, in this order. */
export function sharedModel(names: readonly string[], extra: Record<string, Record<string, unknown>> = {}) {
  return { endpoints: names.map((name) => ({ provider: name, model: 'm', ...extra[name] })) };
}

export function chatPath(name: string): string {
  return `/${name}/v1/chat/completions`;
}

/** Which providers the gateway called, in order (by path prefix). */
export function hits(h: Harness): string[] {
  return h.upstream.requests.filter((r) => r.path.endsWith('/chat/completions')).map((r) => r.path.split('/')[1] as string);
}

export function chat(h: Harness, body: Record<string, unknown>, signal?: AbortSignal): Promise<Response> {
  return fetch(`${h.baseURL}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${h.appKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ messages: [{ role: 'user', content: 'hello' }], ...body }),
    signal,
  });
}

/** GET /v1/generation lists the attempts as routing recorded them; routing always names the model id. */
export type AttemptJson = AttemptRecord & { model_id: string };

export interface GenerationJson {
  id: string;
  model: string;
  provider_name: string;
  status: number;
  error_code: string | null;
  attempts: AttemptJson[];
}

/** GET /v1/generation for a request's id (from its x-generation-id header). */
export async function generation(h: Harness, res: Response): Promise<GenerationJson> {
  const id = res.headers.get('x-generation-id');
  const gen = await fetch(`${h.baseURL}/generation?id=${id}`, { headers: { authorization: `Bearer ${h.appKey}` } });
  return ((await gen.json()) as { data: GenerationJson }).data;
}

/** The attempts as "provider:outcome[:reason]" strings, for compact assertions. */
export function trail(gen: GenerationJson): string[] {
  return gen.attempts.map((a) => [a.provider, a.outcome, a.reason].filter(Boolean).join(':'));
}

export async function getJson<T>(h: Harness, path: string): Promise<T> {
  const res = await fetch(`${h.baseURL}${path}`, { headers: { authorization: `Bearer ${h.appKey}` } });
  return (await res.json()) as T;
}

export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
