/** What a redacted secret reads as. */
export const REDACTED = '[redacted]';

/**
 * Upstreams sometimes quote the key they were sent ("Incorrect API key provided: sk-…"), and
 * their error text becomes client-facing messages and usage-log attempt details: it passes
 * through here first, so the provider key is never echoed to a tool, a row or a console.
 */
export function redactSecret(text: string, secret: string | undefined): string {
  return secret ? text.replaceAll(secret, REDACTED) : text;
}
