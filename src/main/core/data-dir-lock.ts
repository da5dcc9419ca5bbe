import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { z } from 'zod';
import { dataDirLockPath, serverInfoPath } from './paths.js';

/**
 * One gateway per data dir: two gateways on one dir would write one usage log and overwrite each
 * other's server.json. The lock is a file created exclusively (O_EXCL) holding the owner's pid and
 * start time; a lock whose process is gone (or whose pid now belongs to a younger process) is
 * stale and taken over. CLI commands other than `serve` never take it: they share the dir by design.
 */

const lockRecordSchema = z.object({
  pid: z.number().int().positive(),
  /** When the owning process started (ms since epoch): tells a reused pid from the owner. */
  startedAt: z.number(),
  host: z.string(),
  app: z.string(),
});
export type DataDirLockHolder = z.infer<typeof lockRecordSchema>;

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: DataDirLockHolder,
    readonly holderUrl: string | undefined,
  ) {
    super(
      `data dir ${dataDir} is in use by ${holder.app} (pid ${holder.pid} on ${holder.host}, started ` +
        `${new Date(holder.startedAt).toISOString()}${holderUrl ? `, serving ${holderUrl}` : ''}); ` +
        'stop it first, or use another data dir',
    );
    this.name = 'DataDirLockedError';
  }
}

export interface DataDirLock {
  readonly path: string;
  release(): void;
}

/** Clock skew between our start-time estimate and the kernel's: below this, same process. */
const START_TIME_TOLERANCE_MS = 2_000;
/** A takeover that crashed half-way leaves its guard file; older than this it is ignored. */
const TAKEOVER_GUARD_STALE_MS = 10_000;

export function acquireDataDirLock(dataDir: string, app = defaultAppName()): DataDirLock {
  const path = dataDirLockPath(dataDir);
  const record: DataDirLockHolder = { pid: process.pid, startedAt: ownStartTime(), host: hostname(), app };
  if (!createExclusively(path, record)) {
    const holder = readHolder(path);
    if (holder && isAlive(holder)) throw new DataDirLockedError(dataDir, holder, holderUrl(dataDir, holder));
    takeOver(path, record, dataDir);
  }
  let released = false;
  return {
    path,
    release() {
      if (released) return;
      released = true;
      // Never remove a lock that someone else has since taken over.
      if (readHolder(path)?.pid === process.pid) rmSync(path, { force: true });
    },
  };
}

/** A non-binding early check (e.g. before asking for a passphrase); acquireDataDirLock decides. */
export function assertDataDirFree(dataDir: string): void {
  const holder = readHolder(dataDirLockPath(dataDir));
  if (holder && holder.pid !== process.pid && isAlive(holder)) {
    throw new DataDirLockedError(dataDir, holder, holderUrl(dataDir, holder));
  }
}

export function readHolder(path: string): DataDirLockHolder | undefined {
  try {
    const parsed = lockRecordSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function takeOver(path: string, record: DataDirLockHolder, dataDir: string): void {
  // Two processes may find the same stale lock; the guard lets only one replace it.
  const guard = `${path}.takeover`;
  if (!createExclusively(guard, record)) {
    if (Date.now() - mtimeOf(guard) < TAKEOVER_GUARD_STALE_MS) {
      const holder = readHolder(path) ?? readHolder(guard) ?? record;
      throw new DataDirLockedError(dataDir, holder, undefined);
    }
    rmSync(guard, { force: true });
    return takeOver(path, record, dataDir);
  }
  try {
    const holder = readHolder(path);
    if (holder && isAlive(holder)) throw new DataDirLockedError(dataDir, holder, holderUrl(dataDir, holder));
    rmSync(path, { force: true });
    if (!createExclusively(path, record)) {
      const winner = readHolder(path) ?? record;
      throw new DataDirLockedError(dataDir, winner, undefined);
    }
  } finally {
    rmSync(guard, { force: true });
  }
}

function createExclusively(path: string, record: DataDirLockHolder): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    writeSync(fd, JSON.stringify(record));
  } finally {
    closeSync(fd);
  }
  return true;
}

function isAlive(holder: DataDirLockHolder): boolean {
  // A pid on another machine (a shared network folder) cannot be checked: assume it is running.
  if (holder.host !== hostname()) return true;
  if (holder.pid === process.pid) return holder.startedAt === ownStartTime();
  try {
    process.kill(holder.pid, 0);
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const actualStart = processStartTime(holder.pid);
  return actualStart === undefined || Math.abs(actualStart - holder.startedAt) < START_TIME_TOLERANCE_MS;
}

let cachedOwnStart: number | undefined;
function ownStartTime(): number {
  cachedOwnStart ??= processStartTime(process.pid) ?? Math.round(Date.now() - process.uptime() * 1000);
  return cachedOwnStart;
}

/**
 * Start time of a process from the kernel (Linux /proc), so a pid reused by a younger process is
 * not mistaken for the lock's owner. Elsewhere undefined: a live pid then counts as the owner.
 */
function processStartTime(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime, in clock ticks since boot) follows the parenthesised command name.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticksSinceBoot = Number(fields[19]);
    const bootTime = Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1]);
    if (!Number.isFinite(ticksSinceBoot) || !Number.isFinite(bootTime)) return undefined;
    const CLOCK_TICKS_PER_SECOND = 100;
    return bootTime * 1000 + Math.round((ticksSinceBoot / CLOCK_TICKS_PER_SECOND) * 1000);
  } catch {
    return undefined;
  }
}

function holderUrl(dataDir: string, holder: DataDirLockHolder): string | undefined {
  try {
    const info = JSON.parse(readFileSync(serverInfoPath(dataDir), 'utf8')) as { url?: unknown; pid?: unknown };
    return info.pid === holder.pid && typeof info.url === 'string' ? info.url : undefined;
  } catch {
    return undefined;
  }
}

function mtimeOf(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function defaultAppName(): string {
  return process.versions.electron ? 'the Switchyard desktop app' : 'switchyard serve';
}
