import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { HEAP_GROWING_PERCENT, limitHeapGrowth, SEMI_SPACE_GROWTH_FACTOR } from '../src/main/core/heap-growth.js';

const CAP = `--heap-growing-percent=${HEAP_GROWING_PERCENT}`;
const STEP = `--semi-space-growth-factor=${SEMI_SPACE_GROWTH_FACTOR}`;

/** Runs limitHeapGrowth with a recording setter instead of V8's. */
function flagsSet(execArgv: string[], nodeOptions: string): string[] {
  const set: string[] = [];
  limitHeapGrowth(execArgv, nodeOptions, (flags) => set.push(flags));
  return set;
}

describe('limitHeapGrowth', () => {
  it('sets the old generation cap and the young generation step when the user set neither', () => {
    expect(flagsSet([], '')).toEqual([CAP, STEP]);
    expect(flagsSet(['--enable-source-maps'], '--max-old-space-size=4096')).toEqual([CAP, STEP]);
  });

  it('leaves a value given on the command line or in NODE_OPTIONS alone, in either spelling', () => {
    expect(flagsSet(['--heap-growing-percent=300'], '')).toEqual([STEP]);
    expect(flagsSet(['--heap_growing_percent=50'], '')).toEqual([STEP]);
    expect(flagsSet([], '--trace-gc  --heap-growing-percent=40')).toEqual([STEP]);
    expect(flagsSet(['--heap-growing-percent', '40'], '')).toEqual([STEP]);
    expect(flagsSet(['--semi_space_growth_factor=2'], '--heap-growing-percent=40')).toEqual([]);
    expect(flagsSet([], '--semi-space-growth-factor=8')).toEqual([CAP]);
  });

  it('does not mistake a longer flag for its own', () => {
    expect(flagsSet(['--heap-growing-percentage=5', '--semi-space-growth-factors=1'], '')).toEqual([CAP, STEP]);
  });

  it('uses flags V8 accepts (an unknown one would be ignored silently: check the spelling against V8 itself)', () => {
    const options = execFileSync(process.execPath, ['--v8-options'], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
    expect(options).toMatch(/--heap-growing-percent \(specifies heap growing factor/);
    expect(options).toMatch(/--semi-space-growth-factor \(factor by which to grow the new space\)/);
  });

  it('changes how the young generation grows when set at run time, not only on the command line', () => {
    // A child that keeps a sliding window of objects alive, so scavenges keep finding survivors
    // and V8 keeps growing the young generation: the sizes it passes through, in MiB.
    const script = `
      import v8 from 'node:v8';
      import { limitHeapGrowth } from './src/main/core/heap-growth.ts';
      if (process.argv[1] === 'set') limitHeapGrowth([], '');
      const sizes = new Set();
      const window = new Array(20_000);
      for (let i = 0; i < 400_000; i++) {
        window[i % window.length] = { i, label: 'item ' + i, parts: [i, i] };
        if (i % 100 === 0) sizes.add(v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size / 1048576);
      }
      console.log(JSON.stringify([...sizes]));
    `;
    const sizes = (setHere: boolean): number[] => {
      const args = ['--import', 'tsx', '--input-type=module', '-e', script, ...(setHere ? ['set'] : [])];
      const run = spawnSync(process.execPath, args, { cwd: new URL('..', import.meta.url), encoding: 'utf8', timeout: 60_000 });
      expect(run.stderr).toBe('');
      return JSON.parse(run.stdout.trim()) as number[];
    };
    const byDefault = sizes(false);
    const withStep = sizes(true);
    // Each growth over the one before: V8 doubles (… 4, 8, 16, 32 here; tsx's own start-up has
    // already taken it past the smallest); at 4x a step it quadruples, but for a last step that
    // reaches the largest size V8 allows (Node 20: 32 MiB, Node 24: more).
    const steps = (sizes: number[]) => sizes.slice(1).map((size, i) => size / (sizes[i] as number));
    expect(steps(byDefault).length).toBeGreaterThanOrEqual(2);
    expect(steps(byDefault).every((step) => step === 2)).toBe(true);
    expect(steps(withStep).length).toBeGreaterThanOrEqual(1);
    expect(steps(withStep)[0]).toBe(4);
    expect(steps(withStep).slice(0, -1).every((step) => step === 4)).toBe(true);
  });
});
