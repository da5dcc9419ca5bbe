/** Rejection of `withTimeout` when the time ran out (as opposed to the call failing). */
export class CallTimeout extends Error {
  override readonly name = 'CallTimeout';
}

/**
 * A native call cannot be cancelled, so a timed-out one keeps running; its late
 * result is swallowed because the caller has already moved on.
 */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CallTimeout(`no answer within ${formatMs(ms)}`)), ms);
  });
  promise.catch(() => undefined);
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
