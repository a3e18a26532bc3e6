/**
 * The store stage: the {@link Store} role interfaces, the backend interface the composition
 * layer opens stores through, and the embedded DuckDB backend.
 */
export type {
  AffectedAccount, AlertFilter, AlertStore, IngestStore, ReferenceStore, ScopeAggregates, ScopeQuery,
  ScopeStore, Store, StoreCommit, StoreOperations, StoredIndicator,
} from './store.js';
export type {
  AccountChange, AccountEvidenceRef, AccountLines, EvidenceMark, IncidentRow, IncidentStore, LegalHold, LineHash,
  NewScopeRun, ReportRow, RetentionStore, RunDiff, RunRequest, RunSource, RunSourceToken, ScopeRunRow, ScopeRunStore,
} from './respond-store.js';
export type { StoreBackend, StoreOpenOptions, StoreProfile, StoreUse } from './backend.js';
export { duckdbBackend, duckDbOptions } from './duckdb/backend.js';
export type { ClickHouseStoreLocation, DuckDbStoreLocation, StoreLocation, StoreScheme } from './location.js';
export { openDuckDbStore, threadsBesideJavaScript } from './duckdb/open.js';
export type { DuckDbStoreOptions } from './duckdb/open.js';
