/**
 * The store flags every command that opens a store shares: `--store URL` (`duckdb:PATH`,
 * `clickhouse://…`) and the data contract's `--db PATH`, which means `duckdb:PATH`.
 */
import type { Command } from 'commander';
import { BreachwatchError, DEFAULTS } from '../model/index.js';

/** The parsed flags. */
export interface StoreFlags {
  store?: string;
  db?: string;
}

/** Adds `--store` and `--db` to `cmd`; `what` ends their help text (e.g. 'to write'). */
export function addStoreFlags(cmd: Command, what: string, withDefault: boolean): Command {
  const dflt = withDefault ? ` (default ${DEFAULTS.store.url})` : '';
  return cmd
    .option('--store <url>', `store ${what}: duckdb:PATH or clickhouse://[user[:password]@]host[:port][/database]${dflt}`)
    .option('--db <path>', `DuckDB file ${what} (the same as --store duckdb:PATH)`);
}

/**
 * The store URL the flags name; the default when neither is given and `withDefault`, else a
 * usage error. Giving both is a usage error too.
 */
export function storeUrlFrom(f: StoreFlags, withDefault: boolean): string {
  if (f.store !== undefined && f.db !== undefined) throw new BreachwatchError('ERR_USAGE', 'give --store or --db, not both');
  if (f.store !== undefined) return f.store;
  if (f.db !== undefined) return `duckdb:${f.db}`;
  if (withDefault) return DEFAULTS.store.url;
  throw new BreachwatchError('ERR_USAGE', 'name the store with --store URL or --db PATH');
}
