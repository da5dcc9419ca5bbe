import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { fullCollector, IdleCollectPolicy } from '../src/main/core/idle-collect.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MiB = 1024 * 1024;
const opts = { quietTicks: 2, quietBelow: 0.01, growthBytes: 4 * MiB };

describe('IdleCollectPolicy', () => {
  it('collects after enough quiet looks once the old generation grew past the threshold', () => {
    const policy = new IdleCollectPolicy(20 * MiB, opts);
    expect(policy.look({ utilization: 0.9, oldBytes: 26 * MiB })).toBe(false);
    expect(policy.look({ utilization: 0.002, oldBytes: 26 * MiB })).toBe(false);
    expect(policy.look({ utilization: 0.002, oldBytes: 26 * MiB })).toBe(true);
  });

  it('leaves a busy process to V8, however much it grew', () => {
    const policy = new IdleCollectPolicy(20 * MiB, opts);
    for (let i = 0; i < 10; i++) expect(policy.look({ utilization: 0.5, oldBytes: 80 * MiB })).toBe(false);
  });

  it('takes a steady light load (200 JSON requests a second keep the loop ~3 % busy) for busy', () => {
    const policy = new IdleCollectPolicy(20 * MiB, opts);
    for (let i = 0; i < 10; i++) expect(policy.look({ utilization: 0.03, oldBytes: 40 * MiB })).toBe(false);
  });

  it('starts counting quiet looks again after a busy one', () => {
    const policy = new IdleCollectPolicy(20 * MiB, opts);
    expect(policy.look({ utilization: 0.002, oldBytes: 30 * MiB })).toBe(false);
    expect(policy.look({ utilization: 0.2, oldBytes: 30 * MiB })).toBe(false);
    expect(policy.look({ utilization: 0.002, oldBytes: 30 * MiB })).toBe(false);
    expect(policy.look({ utilization: 0.002, oldBytes: 30 * MiB })).toBe(true);
  });

  it('does not disturb a quiet process that allocated little', () => {
    const policy = new IdleCollectPolicy(20 * MiB, opts);
    for (let i = 0; i < 10; i++) expect(policy.look({ utilization: 0, oldBytes: 23 * MiB })).toBe(false);
  });

  it('counts growth from the last collection, its own or V8\'s', () => {
    const policy = new IdleCollectPolicy(20 * MiB, opts);
    policy.look({ utilization: 0.002, oldBytes: 26 * MiB });
    expect(policy.look({ utilization: 0.002, oldBytes: 26 * MiB })).toBe(true);
    policy.collected(21 * MiB);
    // Quiet again right after: nothing new to collect.
    expect(policy.look({ utilization: 0.002, oldBytes: 22 * MiB })).toBe(false);
    expect(policy.look({ utilization: 0.002, oldBytes: 22 * MiB })).toBe(false);
    // V8 collected by itself down to 15 MiB: growth counts from there.
    expect(policy.look({ utilization: 0.3, oldBytes: 15 * MiB })).toBe(false);
    expect(policy.look({ utilization: 0.002, oldBytes: 19.5 * MiB })).toBe(false);
    expect(policy.look({ utilization: 0.002, oldBytes: 19.5 * MiB })).toBe(true);
  });
});

describe('fullCollector', () => {
  it('collects what nothing holds any more', async () => {
    const collect = fullCollector();
    expect(collect).toBeTypeOf('function');
    let held: object | undefined = { big: new Array(1000).fill(1) };
    const ref = new WeakRef(held);
    held = undefined;
    // A WeakRef keeps its target alive until the current job ends.
    await new Promise((resolve) => setTimeout(resolve, 0));
    collect?.();
    expect(ref.deref()).toBeUndefined();
  });

  it('gives `gc` to no context but the one it made', () => {
    fullCollector();
    expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
    expect(runInNewContext('typeof gc')).toBe('undefined');
  });
});

/**
 * The burst-then-quiet pattern in a child process shaped like a running gateway: a live heap that
 * V8 has collected once (so its next limit is well above it), then a burst whose objects survive
 * scavenges into the old generation, are dropped, and the process goes quiet. With the collector
 * the old generation is back down within a second; without it (the control run) V8 leaves it.
 */
describe('collectWhenIdle', () => {
  function burstThenQuiet(withCollector: boolean): { beforeMiB: number; afterMiB: number; collections: number } {
    const script = `
      import { collectWhenIdle, oldGenerationBytes } from './src/main/core/idle-collect.ts';
      const live = [];
      for (let i = 0; i < 300_000; i++) live.push({ i, label: 'module ' + i, parts: [i, i + 1, i + 2] });
      gc();
      const collector = ${withCollector} ? collectWhenIdle({ everyMs: 100 }) : undefined;
      let keep = [];
      for (let i = 0; i < 150_000; i++) keep.push({ i, label: 'request ' + i, parts: [i, i + 1, i + 2] });
      const before = oldGenerationBytes();
      keep = undefined;
      setTimeout(() => {
        if (live.length !== 300_000) throw new Error('live set lost');
        console.log(JSON.stringify({ beforeMiB: before / 1048576, afterMiB: oldGenerationBytes() / 1048576, collections: collector?.collections ?? 0 }));
      }, 1200);
    `;
    const run = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(run.stderr).toBe('');
    return JSON.parse(run.stdout.trim()) as { beforeMiB: number; afterMiB: number; collections: number };
  }

  it('returns a burst\'s dead objects once the process is quiet', () => {
    const control = burstThenQuiet(false);
    expect(control.beforeMiB).toBeGreaterThan(50);
    expect(control.afterMiB).toBeGreaterThan(control.beforeMiB - 3);

    const collected = burstThenQuiet(true);
    expect(collected.collections).toBe(1);
    expect(collected.afterMiB).toBeLessThan(collected.beforeMiB - 12);
  });
});
