import { setFlagsFromString } from 'node:v8';

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

/**
 * How much V8 grows the young generation each time it grows it (V8's default is 2).
 *
 * V8 shrinks the young generation to its smallest (1 MiB semi-spaces) at the first GC after an
 * idle spell, and grows it back only step by step, each step after as many bytes survived
 * scavenges as it holds: 1 -> 2 -> 4 -> 8 -> 16 MiB. Until it is back, a burst scavenges every few
 * requests, and whatever is in flight at a scavenge survives it; surviving twice means promotion
 * to the old generation. With 50 streams in flight that climb promoted 5–7 MiB per burst, dead a
 * moment later but kept until the next mark-compact. Growing 4x a step (1 -> 4 -> 16) halves it
 * (2–3 MiB per burst), with JSON throughput at c=50 unchanged (bench/NOTES.md §7). Unlike the
 * semi-space sizes, which V8 reads only at start-up, the factor is read at each growth.
 */
export const SEMI_SPACE_GROWTH_FACTOR = 4;

const FLAGS: readonly (readonly [flag: string, value: number])[] = [
  ['--heap-growing-percent', HEAP_GROWING_PERCENT],
  ['--semi-space-growth-factor', SEMI_SPACE_GROWTH_FACTOR],
];

/** Whether the user set this V8 flag (either spelling, with or without `=value`). */
function given(args: readonly string[], flag: string): boolean {
  const underscored = `--${flag.slice(2).replaceAll('-', '_')}`;
  return args.some((arg) => [flag, underscored].some((name) => arg === name || arg.startsWith(`${name}=`)));
}

/**
 * Sets the heap's growth for a long-running gateway process (`serve`, the desktop app's main
 * process): the old generation's cap and the young generation's step. V8 reads both whenever it
 * next resizes, so setting them at start-up takes effect from then on. A value the user gave on
 * the command line or in NODE_OPTIONS is left as it is. Returns the flags set here.
 */
export function limitHeapGrowth(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions: string = process.env.NODE_OPTIONS ?? '',
  setFlags: (flags: string) => void = setFlagsFromString,
): string[] {
  const args = [...execArgv, ...nodeOptions.split(/\s+/)];
  const set: string[] = [];
  for (const [flag, value] of FLAGS) {
    if (given(args, flag)) continue;
    setFlags(`${flag}=${value}`);
    set.push(flag);
  }
  return set;
}
