import { GatewayError } from '../../../shared/errors.js';

/** A percent-encoded path or path segment, decoded; malformed encoding is the client's error, not a server one. */
export function decodePath(encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    throw new GatewayError(400, 'invalid_path', 'The request path has malformed percent-encoding');
  }
}
