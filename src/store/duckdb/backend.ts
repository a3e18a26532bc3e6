/**
 * The DuckDB backend as the composition layer sees it: a store profile becomes DuckDB's
 * options, `fresh` removes the file (and its write-ahead log) first, `mustExist` refuses a
 * missing file instead of creating an empty store.
 */
import { access, mkdir, rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import { BreachwatchError } from '../../model/index.js';
import type { StoreBackend, StoreProfile } from '../backend.js';
import type { DuckDbStoreLocation } from '../location.js';
import type { Store } from '../store.js';
import { openDuckDbStore, threadsBesideJavaScript, type DuckDbStoreOptions } from './open.js';

/** DuckDB's options for a profile. */
export function duckDbOptions(p: StoreProfile): DuckDbStoreOptions {
  return {
    memoryLimit: p.memoryLimit,
    threads: p.threads === 'all' ? availableParallelism() : threadsBesideJavaScript(),
    ...(p.orderedLoads && { orderedLoads: true }),
    ...(p.splitAppends && { splitAppends: true }),
    ...(p.loadWithinMs !== undefined && { loadWithinMs: p.loadWithinMs }),
  };
}

/** Opens DuckDB stores for the composition layer. */
export const duckdbBackend: StoreBackend<DuckDbStoreLocation> = {
  scheme: 'duckdb',
  async open(location, opts): Promise<Store> {
    const { path } = location;
    if (path !== ':memory:') {
      const file = resolve(path);
      if (opts.mustExist === true) {
        await access(file).catch((e: unknown) => {
          throw new BreachwatchError('ERR_INPUT_UNREADABLE', `${path}: no such store (run hunt first)`, { cause: e });
        });
      }
      await mkdir(dirname(file), { recursive: true });
      if (opts.fresh === true) {
        await rm(file, { force: true });
        await rm(`${file}.wal`, { force: true });
      }
    }
    return openDuckDbStore(path, duckDbOptions(opts.profile));
  },
};
