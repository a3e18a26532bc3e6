/**
 * Opens the embedded DuckDB store. Staging files live in a private temporary folder (on
 * /dev/shm when there is one, so staging costs no disk I/O; 0700, removed at close, and a
 * crashed process's folder is removed by the next store opened); time zone is UTC for every
 * connection so that day boundaries and time parsing never depend on the host.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { BreachwatchError } from '../../model/index.js';
import type { DeliveryStore } from '../delivery.js';
import type { PivotQueries, Store } from '../store.js';
import { DuckDbStore } from './respond-store.js';

/** DuckDB threads that leave one core to the JavaScript thread (at least one). */
export function threadsBesideJavaScript(): number {
  return Math.max(1, availableParallelism() - 1);
}

/** Files open in this process: DuckDB must not attach one file twice in a process. */
const openFiles = new Set<string>();

/**
 * Background load connections: one for sequenced commits, one for the ledger, the rest for
 * access events (at most 2 bulk loads in flight).
 */
const LOADERS = 4;

/** Staging folders are named `bw-store-<pid>-<random>`: the pid says whose they are. */
const STAGING_PREFIX = 'bw-store-';

/**
 * Removes staging (and spill) folders whose process is gone: a crash leaves raw events
 * behind on /dev/shm otherwise. Folders of live processes — other stores, other services on
 * the machine — are left alone; so is anything not named as ours.
 */
async function removeOrphans(root: string): Promise<void> {
  let names: string[];
  try { names = await readdir(root); } catch { return; }
  for (const name of names) {
    const m = /^bw-store-(\d+)-/.exec(name);
    if (m === null) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || alive(pid)) continue;
    await rm(join(root, name), { recursive: true, force: true }).catch(() => undefined);
  }
}

/** True when a process with `pid` exists (EPERM: it exists but is another user's). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Tuning of bulk appends and resources; commands get these from the composition layer's
 * profiles (`duckDbOptions`). Sequenced commits (`Store.commit`) always load whole commits, in
 * seq order, whatever is set here.
 */
export interface DuckDbStoreOptions {
  /** Events per background load (default 491,520: four DuckDB row groups). */
  readonly batchLines?: number;
  /**
   * Cut loads at exactly `batchLines`, even inside one append, so that every load but the last
   * is whole row groups (`hunt`). Off by default: each append's rows of a table then load in one
   * statement.
   */
  readonly splitAppends?: boolean;
  /**
   * DuckDB's worker threads (default: every core). A caller whose JavaScript thread works while
   * DuckDB loads in the background (`hunt`, `serve`) passes {@link threadsBesideJavaScript}: a
   * DuckDB that takes every core only slows that thread down (measured: 2 threads on 2 cores
   * loses ~15% of hunt). Queries that JavaScript waits for (`scope`) want every core.
   */
  readonly threads?: number;
  /**
   * Load appended access events one load at a time, in the order appended (less of DuckDB's
   * memory while detection runs beside it). Off by default (two loads may overlap).
   */
  readonly orderedLoads?: boolean;
  /** Load staged rows once the oldest has waited this long, even if the batch is not full. */
  readonly loadWithinMs?: number;
  /** DuckDB's memory limit (default 512MB: loads and scope spill to disk past it). */
  readonly memoryLimit?: string;
}

/**
 * Opens (creating if needed) a DuckDB store at `path`, or an in-memory one, with tables created.
 *
 * @example
 * const store = await openDuckDbStore('breachwatch.duckdb');
 * await store.appendAccess(events);
 * await store.flush();
 */
export async function openDuckDbStore(path: string, opts: DuckDbStoreOptions = {}): Promise<Store & PivotQueries & DeliveryStore> {
  const key = path === ':memory:' ? undefined : resolve(path);
  if (key !== undefined && openFiles.has(key)) {
    throw new BreachwatchError('ERR_STORE', `DuckDB store ${path} is already open in this process`);
  }
  if (key !== undefined) openFiles.add(key);
  let dir: string | undefined;
  let store: DuckDbStore | undefined;
  try {
    const stagingRoot = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
    await removeOrphans(stagingRoot);
    if (path === ':memory:') await removeOrphans(tmpdir());
    dir = await mkdtemp(join(stagingRoot, `${STAGING_PREFIX}${process.pid}-`));
    // A file database spills next to itself (DuckDB's default); an in-memory one to tmpdir.
    const spill = path === ':memory:' ? join(tmpdir(), `${basename(dir)}-spill`) : undefined;
    const threads = opts.threads ?? availableParallelism();
    const config: Record<string, string> = { memory_limit: opts.memoryLimit ?? '512MB', threads: String(threads) };
    if (spill !== undefined) config.temp_directory = spill;
    const instance = await DuckDBInstance.create(path, config);
    const conn = await instance.connect();
    const loaders = [];
    for (let i = 0; i < LOADERS; i++) loaders.push(await instance.connect());
    store = new DuckDbStore(instance, conn, loaders, dir, spill === undefined ? [dir] : [dir, spill],
      () => key !== undefined && openFiles.delete(key), {
        ...(opts.batchLines !== undefined && { batchLines: opts.batchLines }),
        ...(opts.loadWithinMs !== undefined && { maxAgeMs: opts.loadWithinMs }),
        ...(opts.orderedLoads === true && { ordered: true }),
        ...(opts.splitAppends === true && { splitAppends: true }),
      });
    await store.init();
    return store;
  } catch (e) {
    // Leave nothing behind: no open database, no staging folder.
    if (store !== undefined) await store.close().catch(() => undefined);
    else if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    if (key !== undefined) openFiles.delete(key);
    throw new BreachwatchError('ERR_STORE', `cannot open DuckDB store at ${path}`, { cause: e });
  }
}
