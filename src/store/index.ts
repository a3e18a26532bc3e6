/**
 * The store stage: one {@link Store} interface, the embedded DuckDB backend.
 */
export type {
  AffectedAccount, AlertFilter, ScopeAggregates, ScopeQuery, Store, StoredIndicator,
} from './store.js';
export { openDuckDbStore, threadsBesideJavaScript } from './duckdb/open.js';
export type { DuckDbStoreOptions } from './duckdb/open.js';
