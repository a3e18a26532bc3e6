/**
 * How the composition layer opens a store without knowing its backend: each backend exports
 * one {@link StoreBackend}, and a {@link StoreProfile} says how the store will be used (bulk
 * load, live service, reads), which decides its loading and resource settings.
 */
import type { StoreLocation } from './location.js';
import type { Store } from './store.js';

/** The uses a store is opened for. */
export type StoreUse = 'bulk' | 'live' | 'read';

/** Backend-neutral settings of one use; each backend maps them onto its own options. */
export interface StoreProfile {
  readonly use: StoreUse;
  /**
   * Loads may be cut inside one append, so that every load but the last is a whole number of
   * the backend's preferred blocks (DuckDB: row groups). Only a bulk load wants this.
   */
  readonly splitAppends: boolean;
  /** At most one bulk load at a time (less memory while detection runs beside it). */
  readonly orderedLoads: boolean;
  /** Load staged rows once the oldest has waited this long (live: bounded staleness). */
  readonly loadWithinMs?: number;
  /**
   * The backend's worker threads: `all` cores (queries the caller waits for) or
   * `beside-js`: one core fewer, left to the JavaScript thread that parses and detects.
   */
  readonly threads: 'all' | 'beside-js';
  /** Memory the backend may use (e.g. `512MB`). */
  readonly memoryLimit: string;
}

/** What opening a store needs besides where it is. */
export interface StoreOpenOptions {
  readonly profile: StoreProfile;
  /** Remove whatever the location holds first (hunt without `--append`). */
  readonly fresh?: boolean;
  /** Fail with ERR_INPUT_UNREADABLE when nothing is stored there yet (scope). */
  readonly mustExist?: boolean;
}

/** One storage backend; `L` is its kind of {@link StoreLocation} (a DuckDB path, a ClickHouse server, …). */
export interface StoreBackend<L extends StoreLocation> {
  /** The store URL scheme it serves (`duckdb`, `clickhouse`). */
  readonly scheme: string;
  /** Opens (creating when allowed) an initialized store. */
  open(location: L, opts: StoreOpenOptions): Promise<Store>;
}
