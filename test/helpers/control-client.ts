import type { RunningGateway } from '../../src/main/core/gateway.js';

export interface ControlClient {
  cookie: string;
  call(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown; text: string; headers: Headers }>;
}

/** Signs in through the one-time login link, as a browser would, and calls /_app/api with the cookie. */
export async function signIn(gateway: RunningGateway): Promise<ControlClient> {
  const login = await fetch(gateway.createLoginUrl(), { redirect: 'manual' });
  return controlClient(gateway.url, String(login.headers.get('set-cookie')).split(';', 1)[0] as string);
}

/** Calls /_app/api of the gateway at `url` with an owner cookie already held (e.g. a signed-in browser's). */
export function controlClient(url: string, cookie: string): ControlClient {
  return {
    cookie,
    async call(method, path, body) {
      const res = await fetch(`${url}/_app/api${path}`, {
        method,
        headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: res.status, json, text, headers: res.headers };
    },
  };
}
