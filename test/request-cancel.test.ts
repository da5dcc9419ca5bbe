import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { join } from 'node:path';
import { Agent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { drained, RequestCancel } from '../src/main/core/providers/request-cancel.js';
import { sendUpstream } from '../src/main/core/providers/upstream-http.js';

const ROOT = join(import.meta.dirname, '..');

describe('RequestCancel', () => {
  it('runs its listeners once, in order, with an AbortError reason by default', () => {
    const cancel = new RequestCancel();
    const calls: string[] = [];
    const removed = () => calls.push('removed');
    cancel.addEventListener('abort', () => calls.push('first'), { once: true });
    cancel.addEventListener('abort', removed);
    cancel.addEventListener('abort', () => calls.push('second'));
    cancel.removeEventListener('abort', removed);
    cancel.abort();
    cancel.abort();
    expect(calls).toEqual(['first', 'second']);
    expect(cancel.aborted).toBe(true);
    expect(cancel.reason).toBeInstanceOf(DOMException);
    expect((cancel.reason as DOMException).name).toBe('AbortError');
    // A listener added after the abort is never called (as with an aborted AbortSignal's).
    cancel.addEventListener('abort', () => calls.push('late'));
    cancel.abort();
    expect(calls).toEqual(['first', 'second']);
  });

  it('keeps calling the other listeners when one throws, and reports the error', async () => {
    const cancel = new RequestCancel();
    const calls: string[] = [];
    const reported = new Promise<unknown>((resolve) => process.once('uncaughtException', resolve));
    cancel.addEventListener('abort', () => {
      throw new Error('listener failed');
    });
    cancel.addEventListener('abort', () => calls.push('after'));
    cancel.abort('why');
    expect(calls).toEqual(['after']);
    expect(cancel.reason).toBe('why');
    expect(((await reported) as Error).message).toBe('listener failed');
  });

  it('cancels a drain wait (events.once) and leaves no listener behind when the stream drains', async () => {
    const stream = new PassThrough({ highWaterMark: 1 });
    const cancel = new RequestCancel();
    const waiting = drained(stream, cancel);
    cancel.abort();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });

    const other = new RequestCancel();
    stream.write('x');
    const draining = drained(stream, other);
    stream.read();
    await draining;
    other.abort();
    expect(stream.listenerCount('drain')).toBe(0);
  });
});

describe('RequestCancel as undici\'s signal', () => {
  let server: Server | undefined;
  let agent: Agent | undefined;
  afterEach(async () => {
    await agent?.close();
    server?.closeAllConnections();
    server?.close();
  });

  it('closes the upstream connection when aborted mid-answer', async () => {
    const closed = new Promise<void>((resolve) => {
      server = createServer((req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('partial');
        req.socket.on('close', () => resolve());
      });
    });
    server!.listen(0, '127.0.0.1');
    await once(server!, 'listening');
    const { port } = server!.address() as AddressInfo;
    agent = new Agent();
    const cancel = new RequestCancel();
    const answer = await sendUpstream(agent, { url: `http://127.0.0.1:${port}/v1/x`, method: 'GET', headers: {}, body: undefined }, cancel, 'mock');
    const reading = answer.body.text();
    cancel.abort();
    await expect(reading).rejects.toBeDefined();
    await closed;
    // undici's abort listener was removed with the answer: nothing left on the cancel.
    expect((cancel as unknown as { listeners?: unknown[] }).listeners).toBeUndefined();
  });
});

/**
 * Why the gateway does not give each request an AbortController (request-cancel.ts): a request's
 * cancellation must die young. Measured in a child process with --expose-gc: 200 000 cancels,
 * each with a listener holding request-sized garbage, leave the old generation where it was.
 */
describe('a request\'s cancellation and the old generation', () => {
  it('does not promote what its listeners hold', () => {
    const script = `
      import v8 from 'node:v8';
      import { RequestCancel } from './src/main/core/providers/request-cancel.ts';
      const old = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'old_space').space_used_size;
      gc();
      const before = old();
      let live = [];
      for (let i = 0; i < 200_000; i++) {
        const cancel = new RequestCancel();
        const held = { body: new Array(32).fill(i) };
        const listener = () => held.body.length;
        cancel.addEventListener('abort', listener, { once: true });
        cancel.removeEventListener('abort', listener);
        live.push(cancel);
        if (live.length > 50) live = [];
      }
      gc({ type: 'minor' });
      console.log(JSON.stringify({ grewMiB: (old() - before) / 1048576 }));
    `;
    const run = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(run.stderr).toBe('');
    const { grewMiB } = JSON.parse(run.stdout.trim()) as { grewMiB: number };
    expect(grewMiB).toBeLessThan(2);
  });
});
