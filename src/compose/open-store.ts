/**
 * Opens a store from its URL for one use. The backend registry below is the one place that
 * knows which backends this build has (DuckDB and ClickHouse): adding one is one entry. A URL
 * whose backend is not registered fails with ERR_CONFIG saying so, before anything is opened.
 */
import { BreachwatchError } from '../model/index.js';
import { clickhouseBackend, duckdbBackend } from '../store/index.js';
import type { Store, StoreBackend, StoreLocation, StoreProfile, StoreScheme, StoreUse } from '../store/index.js';
import { STORE_PROFILES } from './profiles.js';
import { describeStore, parseStoreUrl } from './store-url.js';

type Backends = { readonly [S in StoreScheme]?: StoreBackend<Extract<StoreLocation, { scheme: S }>> };

/** The backends of this build, by URL scheme. */
const BACKENDS: Backends = {
  duckdb: duckdbBackend,
  clickhouse: clickhouseBackend,
};

/** What {@link openStore} takes besides the URL and the use. */
export interface OpenStoreOptions {
  /** Remove what the store holds first (hunt without `--append`). */
  readonly fresh?: boolean;
  /** Refuse a store that does not exist yet (ERR_INPUT_UNREADABLE). */
  readonly mustExist?: boolean;
  /** Overrides the profile's memory limit (serve's `store.memory_limit`). */
  readonly memoryLimit?: string;
}

/**
 * Parses a store URL, or throws ERR_CONFIG with the reason.
 *
 * @example
 * const where = storeLocation('duckdb:bw.duckdb');
 */
export function storeLocation(url: string): StoreLocation {
  const r = parseStoreUrl(url);
  if (!r.ok) throw new BreachwatchError('ERR_CONFIG', r.issues.map((i) => i.message).join('; '));
  return r.value;
}

/**
 * Opens an initialized store at `where` (a URL or a parsed location) for `use`.
 *
 * @example
 * const store = await openStore('duckdb:breachwatch.duckdb', 'read', { mustExist: true });
 */
export async function openStore(where: string | StoreLocation, use: StoreUse, opts: OpenStoreOptions = {}): Promise<Store> {
  const location = typeof where === 'string' ? storeLocation(where) : where;
  const open = { profile: storeProfile(use, opts), ...(opts.fresh === true && { fresh: true }), ...(opts.mustExist === true && { mustExist: true }) };
  switch (location.scheme) {
    case 'duckdb': return (BACKENDS.duckdb ?? missing(location)).open(location, open);
    case 'clickhouse': return (BACKENDS.clickhouse ?? missing(location)).open(location, open);
  }
}

/** The profile of `use`, with the caller's memory limit when given. */
export function storeProfile(use: StoreUse, opts: Pick<OpenStoreOptions, 'memoryLimit'> = {}): StoreProfile {
  return { ...STORE_PROFILES[use], ...(opts.memoryLimit !== undefined && { memoryLimit: opts.memoryLimit }) };
}

function missing(l: StoreLocation): never {
  throw new BreachwatchError('ERR_CONFIG', `this build has no ${l.scheme === 'clickhouse' ? 'ClickHouse' : l.scheme} store backend (store ${describeStore(l)})`);
}
