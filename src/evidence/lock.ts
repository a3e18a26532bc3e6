/**
 * One writer at a time: a `LOCK` file created exclusively, holding the owner's host, pid, the
 * process's start time (from /proc, so that a recycled pid is not mistaken for the owner) and
 * a random token. A lock whose owner is gone is stale: it is renamed aside (one taker wins the
 * rename) and, if what was renamed is not the stale lock that was judged, put back. Before
 * every commit the writer checks that the lock still holds its token, so a writer that lost
 * its lock stops instead of writing beside another.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { link, open, readFile, rename, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { BreachwatchError } from '../model/index.js';

interface LockInfo { host: string; pid: number; start: string | null; token: string; since: string }

/** A held lock. */
export interface LogLock {
  /** Throws ERR_STATE when the lock file no longer holds this writer's token. */
  check(): Promise<void>;
  /** Removes the lock (only if it is still this writer's). */
  release(): Promise<void>;
}

/** The start time of process `pid` in clock ticks since boot, when /proc tells it. */
function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function parse(text: string): LockInfo | undefined {
  try {
    const v = JSON.parse(text) as Partial<LockInfo>;
    return typeof v.pid === 'number' && typeof v.host === 'string' && typeof v.token === 'string' ? v as LockInfo : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the owner recorded in `info` is certainly gone. */
function stale(info: LockInfo | undefined): boolean {
  if (info === undefined) return false; // half-written or foreign: never taken over blindly
  if (info.host !== hostname()) return false;
  if (!alive(info.pid)) return true;
  const start = processStart(info.pid);
  return info.start !== null && start !== null && start !== info.start;
}

function held(path: string, info: LockInfo | undefined, text: string): BreachwatchError {
  const who = info === undefined ? `an unreadable lock (${JSON.stringify(text.slice(0, 80))})` : `pid ${info.pid} on ${info.host} since ${info.since}`;
  return new BreachwatchError('ERR_STATE', `evidence log is locked by ${who}: ${path} (one writer at a time; remove the file only if that writer is certainly gone)`);
}

/**
 * Takes the lock at `path`, taking over a stale one. Throws ERR_STATE when another live
 * writer holds it.
 */
export async function acquireLock(path: string): Promise<LogLock> {
  const me: LockInfo = { host: hostname(), pid: process.pid, start: processStart(process.pid), token: randomBytes(16).toString('hex'), since: new Date().toISOString() };
  const mine = JSON.stringify(me) + '\n';
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const fh = await open(path, 'wx', 0o600);
      try { await fh.writeFile(mine); await fh.sync(); } finally { await fh.close(); }
      return {
        check: async () => {
          const now = await readFile(path, 'utf8').catch(() => '');
          if (now !== mine) throw new BreachwatchError('ERR_STATE', `evidence log lock ${path} was taken by someone else; this writer stops`);
        },
        release: async () => {
          if ((await readFile(path, 'utf8').catch(() => '')) === mine) await unlink(path).catch(() => undefined);
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const text = await readFile(path, 'utf8').catch(() => '');
    if (text === '') continue; // released meanwhile
    const info = parse(text);
    if (!stale(info)) throw held(path, info, text);
    const aside = `${path}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      await rename(path, aside);
    } catch {
      continue; // another taker won the rename
    }
    if ((await readFile(aside, 'utf8')) !== text) {
      // Renamed a lock that a faster taker had just created: give it back.
      await link(aside, path).catch(() => undefined);
    }
    await unlink(aside).catch(() => undefined);
  }
  throw new BreachwatchError('ERR_STATE', `could not take the evidence log lock ${path} (it keeps changing hands)`);
}
