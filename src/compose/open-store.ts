/**
 * Opens a store from its URL for one use. The backend registry below is the one place that
 * knows which backends this build has (DuckDB and ClickHouse): adding one is one entry. A URL
 * whose backend is not registered fails with ERR_CONFIG saying so, before anything is opened.
 * Opening `fresh` (hunt without `--append`) refuses while a legal hold stands on the store.
 */
import { BreachwatchError, isBreachwatchError } from '../model/index.js';
import { clickhouseBackend, duckdbBackend, hasDeliveryLedger } from '../store/index.js';
import type { DeliveryStore, Store, StoreBackend, StoreLocation, StoreProfile, StoreScheme, StoreUse } from '../store/index.js';
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
  if (opts.fresh === true) await refuseIfHeld(location);
  const open = { profile: storeProfile(use, opts), ...(opts.fresh === true && { fresh: true }), ...(opts.mustExist === true && { mustExist: true }) };
  switch (location.scheme) {
    case 'duckdb': return (BACKENDS.duckdb ?? missing(location)).open(location, open);
    case 'clickhouse': return (BACKENDS.clickhouse ?? missing(location)).open(location, open);
  }
}

/**
 * Opens the store at `where` for its delivery ledger (`notice send`), created if missing.
 * Fails with ERR_CONFIG when the backend keeps no ledger.
 *
 * @example
 * const ledger = await openDeliveryStore('duckdb:breachwatch.duckdb');
 */
export async function openDeliveryStore(where: string | StoreLocation): Promise<Store & DeliveryStore> {
  const location = typeof where === 'string' ? storeLocation(where) : where;
  const store = await openStore(location, 'ledger');
  if (hasDeliveryLedger(store)) return store;
  await store.close();
  throw new BreachwatchError('ERR_CONFIG', `the ${store.backend} store keeps no delivery ledger (store ${describeStore(location)}); use a DuckDB store for notice send`);
}

/** The profile of `use`, with the caller's memory limit when given. */
export function storeProfile(use: StoreUse, opts: Pick<OpenStoreOptions, 'memoryLimit'> = {}): StoreProfile {
  return { ...STORE_PROFILES[use], ...(opts.memoryLimit !== undefined && { memoryLimit: opts.memoryLimit }) };
}

/**
 * Replacing a store deletes what it holds: refused (ERR_HOLD) while one of its incidents has
 * a legal hold standing. A store that does not exist yet holds nothing to preserve.
 */
async function refuseIfHeld(location: StoreLocation): Promise<void> {
  if (location.scheme === 'duckdb' && location.path === ':memory:') return;
  let existing: Store;
  try {
    existing = await openStore(location, 'read', { mustExist: true });
  } catch (e) {
    if (isBreachwatchError(e, 'ERR_INPUT_UNREADABLE')) return;
    throw e;
  }
  try {
    const held = await existing.listHolds({ active: true });
    if (held.length > 0) {
      throw new BreachwatchError('ERR_HOLD', `${describeStore(location)}: a legal hold stands (${held.map((h) => `${h.hold_id} of incident ${h.incident_id}`).join(', ')}): ` +
        'replacing the store would delete preserved data; add to it with --append, or lift the hold (incident release) first');
    }
  } finally {
    await existing.close();
  }
}

function missing(l: StoreLocation): never {
  throw new BreachwatchError('ERR_CONFIG', `this build has no ${l.scheme === 'clickhouse' ? 'ClickHouse' : l.scheme} store backend (store ${describeStore(l)})`);
}
