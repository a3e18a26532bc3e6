/**
 * The store stage: the {@link Store} role interfaces, the backend interface the composition
 * layer opens stores through, the embedded DuckDB backend and the ClickHouse backend.
 */
export type {
  AffectedAccount, AlertFilter, AlertStore, IngestStore, PivotQueries, ReferenceStore, ScopeAggregates, ScopeQuery,
  ScopeStore, SourceProfile, SourceUse, Store, StoreCommit, StoreOperations, StoredIndicator, StoredRequest, RejectedRow, TokenUse,
} from './store.js';
export { answersPivots } from './store.js';
export { DELIVERY_STATES, hasDeliveryLedger } from './delivery.js';
export type { DeliveryFilter, DeliveryIntent, DeliveryOutcome, DeliveryRecord, DeliveryState, DeliveryStore } from './delivery.js';
export type {
  AccountChange, AccountEvidenceRef, AccountLines, EvidenceMark, IncidentRow, IncidentStore, LegalHold, LineHash,
  NewScopeRun, ReportRow, RetentionStore, RunDiff, RunRequest, RunSource, RunSourceToken, ScopeRunRow, ScopeRunStore,
} from './respond-store.js';
export type { StoreBackend, StoreOpenOptions, StoreProfile, StoreUse } from './backend.js';
export { duckdbBackend, duckDbOptions } from './duckdb/backend.js';
export type { ClickHouseStoreLocation, DuckDbStoreLocation, StoreLocation, StoreScheme } from './location.js';
export { openDuckDbStore, threadsBesideJavaScript } from './duckdb/open.js';
export type { DuckDbStoreOptions } from './duckdb/open.js';
export { clickhouseBackend, clickHouseOptions, describeClickHouse } from './clickhouse/backend.js';
export { openClickHouseStore, type ClickHouseOpenOptions } from './clickhouse/open.js';
export { httpSql } from './clickhouse/http-sql.js';
export type { ClickHouseSql, InsertBody, Row as ClickHouseRow, Settings as ClickHouseSettings } from './clickhouse/sql.js';
export type { ClickHouseStoreOptions } from './clickhouse/clickhouse-store.js';
