import type { Server } from 'node:http';

/** The line a bench child prints on stdout once it listens; the parent waits for it. */
export const READY_PREFIX = 'READY ';

export function announceReady(server: Server): void {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('server has no TCP address');
  process.stdout.write(`${READY_PREFIX}${JSON.stringify({ port: address.port })}\n`);
}

/** Reads `--name value` from argv as a number, with a default; a malformed value is a startup error. */
export function numberFlag(name: string, fallback: number): number {
  const index = process.argv.indexOf(name);
  if (index === -1) return fallback;
  const value = Number(process.argv[index + 1]);
  if (!Number.isFinite(value)) throw new Error(`${name} needs a number`);
  return value;
}

export function stringFlag(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index === -1 ? undefined : process.argv[index + 1];
}
