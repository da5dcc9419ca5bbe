/** How the UI authenticates to the control API of the gateway that served it. */
export interface Session {
  /** Origin of the gateway, without a trailing slash. */
  apiBase: string;
  token: string;
}

/** The text the gateway replaces in index.html; still present means the page was not served by it. */
const UNFILLED_TOKEN = '__SWITCHYARD_SESSION__';

/**
 * The desktop app hands the session over through the preload bridge; in a browser the
 * gateway writes the token into a meta tag of the page it serves.
 */
export function readSession(): Session | null {
  const bridge = window.switchyard;
  if (bridge) return { apiBase: trimSlash(bridge.apiBase), token: bridge.token };

  const token = document.querySelector<HTMLMetaElement>('meta[name="switchyard-session"]')?.content;
  if (!token || token === UNFILLED_TOKEN) return null;
  return { apiBase: window.location.origin, token };
}

function trimSlash(url: string): string {
  return url.endsWith('/') ? url.slice(0, -1) : url;
}
