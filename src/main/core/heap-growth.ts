import { setFlagsFromString } from 'node:v8';
import { collectWhenIdle } from './idle-collect.js';

/**
 * How far V8 lets the old generation grow past what was live after its last full GC before the
 * next one, in percent: 100 means up to twice the live heap.
 *
 * V8 sizes that step for a throughput-bound process with gigabytes to spare: with Node's default
 * heap limit the factor goes up to 4x. A gateway promotes a little of every request it serves,
 * and a burst after an idle spell promotes a lot (V8 shrinks the young generation while idle, so
 * the first seconds of a burst scavenge often and promote requests still in flight). Under load
 * the old generation of `serve` climbed from ~25 MiB live to 90–110 MiB before a mark-compact
 * took it back, and peak RSS with it (bench/NOTES.md §5–6). Measured side by side with the lean
 * proxy: at 2x the old generation peaked at ~46 MiB and JSON throughput at c=50 did not move;
 * 1.5x held it to ~33 MiB but streams' time to first token rose by ~0.2–0.4 ms in three runs of
 * four (extra incremental marking), and 30 % cost a tenth of JSON throughput.
 */
export const HEAP_GROWING_PERCENT = 100;

const FLAG = '--heap-growing-percent';

/**
 * Caps the old generation's growth for a long-running gateway process (`serve`, the desktop
 * app's main process). V8 reads the flag whenever it sets the next GC's limit, so setting it
 * at start-up takes effect from the next full GC on. A value the user gave on the command
 * line or in NODE_OPTIONS is left as it is. Returns whether the cap was set here.
 */
export function limitHeapGrowth(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions: string = process.env.NODE_OPTIONS ?? '',
  setFlags: (flags: string) => void = setFlagsFromString,
): boolean {
  const given = [...execArgv, ...nodeOptions.split(/\s+/)].some((arg) => arg === FLAG || arg.startsWith(`${FLAG}=`) || arg === '--heap_growing_percent' || arg.startsWith('--heap_growing_percent='));
  if (given) return false;
  setFlags(`${FLAG}=${HEAP_GROWING_PERCENT}`);
  return true;
}

/**
 * What a long-running gateway process (`serve`, the desktop app's main process) sets up before
 * its modules load: the old generation's growth cap, and one full collection when it goes quiet
 * after a burst (idle-collect.ts).
 */
export function prepareGatewayHeap(): void {
  limitHeapGrowth();
  collectWhenIdle();
}
