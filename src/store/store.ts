/**
 * The one interface every storage backend implements (DuckDB embedded; ClickHouse later).
 * Every backend passes the shared contract suite in `store.contract.ts`.
 */
import type {
  AccessEvent, Alert, AlertStatus, CatalogRoute, Indicator, KeyRecord, LedgerEvent, Severity,
} from '../model/index.js';

/** An indicator as stored, tied to the alert it came from. */
export interface StoredIndicator extends Indicator {
  readonly alert_id: string;
}

/** Which alerts to list. */
export interface AlertFilter {
  readonly minSeverity?: Severity;
  readonly detector?: string;
  /** Only alerts with this status (default: any). */
  readonly status?: AlertStatus;
  readonly alertIds?: readonly string[];
  readonly limit?: number;
  readonly offset?: number;
}

/** Which requests reached the attacker: the scope stage turns alerts into this. */
export interface ScopeQuery {
  readonly indicators: readonly Indicator[];
}

/** One affected account (contract: affected_accounts.csv). Times epoch ms. */
export interface AffectedAccount {
  readonly account_id: string;
  readonly fields: readonly string[];
  readonly first_access: number;
  readonly last_access: number;
  readonly accesses: number;
  readonly src_ips: readonly string[];
}

/** Aggregates for summary.json. Times epoch ms. */
export interface ScopeAggregates {
  readonly window: { from: number; to: number } | null;
  readonly accounts_affected: number;
  readonly by_field: Record<string, number>;
  readonly by_day: readonly { day: string; requests: number; accounts: number }[];
  readonly sources: readonly {
    ip: string; country?: string; asn?: string; requests: number; accounts: number; first: number; last: number;
  }[];
}

export interface Store {
  readonly backend: string;
  /** Creates tables if missing. */
  init(): Promise<void>;
  appendAccess(batch: readonly AccessEvent[]): Promise<void>;
  appendLedger(batch: readonly LedgerEvent[]): Promise<void>;
  putKeys(keys: readonly KeyRecord[]): Promise<void>;
  putCatalog(routes: readonly CatalogRoute[]): Promise<void>;
  /** Inserts or replaces alerts by `alert_id`. */
  upsertAlerts(alerts: readonly Alert[]): Promise<void>;
  /**
   * Adds indicators; an identical (alert_id, type, value) row is merged (widest window), and
   * the newest row decides whether it is `retracted`.
   */
  addIndicators(rows: readonly StoredIndicator[]): Promise<void>;
  /** Makes everything appended so far durable and visible to queries. */
  flush(): Promise<void>;
  /**
   * A hint from a caller that knows how much input is left (a hunt over files): about
   * `events` more will be appended before the final flush. A backend that loads in large
   * batches loads smaller ones from here on, so that the final flush has little left to do.
   * It changes when data loads, never what is stored.
   */
  expectRemaining(events: number): void;
  listAlerts(filter?: AlertFilter): Promise<Alert[]>;
  /** Indicators of the given alerts; retracted ones only when `includeRetracted`. */
  listIndicators(alertIds: readonly string[], includeRetracted?: boolean): Promise<StoredIndicator[]>;
  countAccess(): Promise<number>;
  countLedger(): Promise<number>;
  /** Every account whose personal data (2xx, catalog kind `personal`) matched the query, sorted by account_id. */
  affectedAccounts(q: ScopeQuery): AsyncIterable<AffectedAccount>;
  scopeAggregates(q: ScopeQuery): Promise<ScopeAggregates>;
  /**
   * Lets go of caches the backend can rebuild (DuckDB: table blocks already on disk). A
   * long-running service calls it now and then so that its memory stays flat; a no-op when the
   * store is busy loading or streaming.
   */
  releaseMemory(): Promise<void>;
  /** Bytes the backend itself holds in memory now (for metrics), or undefined if it cannot tell. */
  memoryBytes(): Promise<number | undefined>;
  close(): Promise<void>;
}
