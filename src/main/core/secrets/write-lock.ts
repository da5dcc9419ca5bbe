import { open, readFile, stat, unlink } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { VaultError } from './key-vault.js';

export interface WriteLockOptions {
  /** How long to wait for a live holder before giving up. */
  waitMs?: number;
  /** A lock older than this is abandoned even if its pid looks alive (the pid may have been reused). */
  staleMs?: number;
}

/**
 * Serializes read-modify-write cycles across processes (the CLI and a running server
 * share a data dir), so two concurrent `keys add` cannot both pick the same slot or
 * overwrite each other's file. Readers never take it.
 */
export async function withWriteLock<T>(lockPath: string, fn: () => Promise<T>, options: WriteLockOptions = {}): Promise<T> {
  const waitMs = options.waitMs ?? 10_000;
  const staleMs = options.staleMs ?? 60_000;
  const deadline = Date.now() + waitMs;
  for (let attempt = 0; ; attempt++) {
    if (await tryAcquire(lockPath)) break;
    const holder = await inspectHolder(lockPath, staleMs);
    if (holder.abandoned) {
      // Two waiters may both judge the same lock abandoned; that needs a crash while a
      // write was in flight plus two simultaneous writers, and costs at worst one lost add.
      await unlink(lockPath).catch(ignoreMissing);
      continue;
    }
    if (Date.now() >= deadline) {
      throw new VaultError(
        'busy',
        `The key vault is locked by another Switchyard process${holder.pid ? ` (pid ${holder.pid})` : ''}. ` +
          `If none is running, delete ${lockPath}.`,
      );
    }
    await sleep(Math.min(10 + attempt * 10, 100));
  }
  try {
    return await fn();
  } finally {
    await unlink(lockPath).catch(ignoreMissing);
  }
}

async function tryAcquire(lockPath: string): Promise<boolean> {
  try {
    const handle = await open(lockPath, 'wx', 0o600);
    try {
      await handle.writeFile(`${process.pid}\n`);
    } finally {
      await handle.close();
    }
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

async function inspectHolder(lockPath: string, staleMs: number): Promise<{ abandoned: boolean; pid?: number }> {
  let text: string;
  let mtimeMs: number;
  try {
    [text, { mtimeMs }] = await Promise.all([readFile(lockPath, 'utf8'), stat(lockPath)]);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { abandoned: false };
    throw err;
  }
  const pid = Number.parseInt(text, 10);
  // An empty file is a holder between open and write; give it the benefit of the doubt until stale.
  if (!Number.isInteger(pid) || pid <= 0) return { abandoned: Date.now() - mtimeMs > staleMs };
  return { abandoned: !isAlive(pid) || Date.now() - mtimeMs > staleMs, pid };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function ignoreMissing(err: unknown): void {
  if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
}
