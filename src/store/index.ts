/**
 * The store stage: one {@link Store} interface, the embedded DuckDB backend.
 */
export type {
  AffectedAccount, AlertFilter, PivotQueries, ScopeAggregates, ScopeQuery, SourceProfile, SourceUse, Store,
  StoredIndicator, TokenUse,
} from './store.js';
export { openDuckDbStore, threadsBesideJavaScript } from './duckdb/open.js';
export type { DuckDbStoreOptions } from './duckdb/open.js';
