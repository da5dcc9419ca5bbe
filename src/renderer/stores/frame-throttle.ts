/**
 * Coalesces a fast stream of updates into at most one per animation frame: a model can send
 * hundreds of deltas a second, React needs to render only what a screen can show.
 */
export function frameThrottle<T>(commit: (value: T) => void): { push(value: T): void; flush(): void } {
  let pending: { value: T } | undefined;
  let frame: number | undefined;
  const run = () => {
    frame = undefined;
    if (pending) commit(pending.value);
    pending = undefined;
  };
  return {
    push(value) {
      pending = { value };
      frame ??= requestAnimationFrame(run);
    },
    flush() {
      if (frame !== undefined) cancelAnimationFrame(frame);
      run();
    },
  };
}
