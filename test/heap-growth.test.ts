import { describe, expect, it } from 'vitest';
import { HEAP_GROWING_PERCENT, limitHeapGrowth } from '../src/main/core/heap-growth.js';

/** Runs limitHeapGrowth with a recording setter instead of V8's. */
function flagsSet(execArgv: string[], nodeOptions: string): string[] {
  const set: string[] = [];
  limitHeapGrowth(execArgv, nodeOptions, (flags) => set.push(flags));
  return set;
}

describe('limitHeapGrowth', () => {
  it('sets the old generation growth cap when the user set none', () => {
    expect(flagsSet([], '')).toEqual([`--heap-growing-percent=${HEAP_GROWING_PERCENT}`]);
    expect(flagsSet(['--enable-source-maps'], '--max-old-space-size=4096')).toEqual([`--heap-growing-percent=${HEAP_GROWING_PERCENT}`]);
  });

  it('leaves a value given on the command line or in NODE_OPTIONS alone, in either spelling', () => {
    expect(flagsSet(['--heap-growing-percent=300'], '')).toEqual([]);
    expect(flagsSet(['--heap_growing_percent=50'], '')).toEqual([]);
    expect(flagsSet([], '--trace-gc  --heap-growing-percent=40')).toEqual([]);
    expect(flagsSet(['--heap-growing-percent', '40'], '')).toEqual([]);
  });

  it('does not mistake a longer flag for its own', () => {
    expect(flagsSet(['--heap-growing-percentage=5'], '')).toEqual([`--heap-growing-percent=${HEAP_GROWING_PERCENT}`]);
  });

  it('is a flag V8 accepts at run time (an unknown one would be ignored silently: check the spelling against V8 itself)', async () => {
    const { execFileSync } = await import('node:child_process');
    const options = execFileSync(process.execPath, ['--v8-options'], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
    expect(options).toMatch(/--heap-growing-percent \(specifies heap growing factor/);
  });
});
