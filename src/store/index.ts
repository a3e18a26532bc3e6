/**
 * The store stage: the {@link Store} role interfaces, the backend interface the composition
 * layer opens stores through, and the embedded DuckDB backend.
 */
export type {
  AffectedAccount, AlertFilter, AlertStore, IngestStore, PivotQueries, ReferenceStore, ScopeAggregates, ScopeQuery,
  ScopeStore, SourceProfile, SourceUse, Store, StoreCommit, StoreOperations, StoredIndicator, TokenUse,
} from './store.js';
export type { StoreBackend, StoreOpenOptions, StoreProfile, StoreUse } from './backend.js';
export { duckdbBackend, duckDbOptions } from './duckdb/backend.js';
export type { ClickHouseStoreLocation, DuckDbStoreLocation, StoreLocation, StoreScheme } from './location.js';
export { openDuckDbStore, threadsBesideJavaScript } from './duckdb/open.js';
export type { DuckDbStoreOptions } from './duckdb/open.js';
