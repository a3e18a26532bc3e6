/**
 * What every storage backend implements (DuckDB embedded; ClickHouse later), split into the
 * roles callers use: {@link IngestStore}, {@link ReferenceStore}, {@link AlertStore},
 * {@link ScopeStore} and {@link StoreOperations}, and the response's `IncidentStore`,
 * `ScopeRunStore` and `RetentionStore` (`respond-store.ts`). {@link Store} is all of them; a caller takes
 * the narrowest role it needs (scope takes `ScopeStore & AlertStore`). Every backend passes
 * the shared contract suite in `store.contract.ts`.
 */
import type {
  AccessEvent, Alert, AlertStatus, CatalogRoute, Indicator, KeyRecord, LedgerEvent, Severity,
} from '../model/index.js';
import type { IncidentStore, RetentionStore, ScopeRunStore } from './respond-store.js';

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

/**
 * One stored request, as the store holds it: what an alert's evidence id opens. Times epoch
 * ms; fields the request did not carry are absent.
 */
export interface StoredRequest {
  readonly time: number;
  readonly src_ip: string;
  readonly method: string;
  readonly route: string;
  readonly status: number;
  readonly request_id: string;
  readonly account_id?: string;
  readonly jti?: string;
  readonly kid?: string;
  readonly sub?: string;
  readonly iat?: number;
  readonly exp?: number;
  readonly client_id?: string;
  readonly user_agent?: string;
  readonly device_id?: string;
  readonly session_id?: string;
  readonly bytes?: number;
  readonly records?: number;
  readonly country?: string;
  readonly asn?: string;
  /** Where the request was read from (file or delivery) and its line there. */
  readonly file: string;
  readonly line: number;
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

/**
 * One group commit of the live service: its rows and its sequence number. The store makes a
 * commit's rows and its `seq` durable and visible together, in one atomic step, so that after a
 * crash {@link IngestStore.lastCommittedSeq} says exactly which commits it holds.
 */
export interface StoreCommit {
  /** Greater than the seq of every commit before it (the journal's record number). */
  readonly seq: number;
  readonly access: readonly AccessEvent[];
  readonly ledger: readonly LedgerEvent[];
}

/**
 * A row the database refused although the parsers accepted it (a backend's own limits: DuckDB
 * refuses a lone UTF-16 surrogate that JavaScript reads). It was left out and everything else
 * stored; the owner quarantines it.
 */
export interface RejectedRow {
  readonly table: 'access' | 'ledger';
  /** The source file (or delivery) and line of the event. */
  readonly file: string;
  readonly line: number;
  /** The database's own error text. */
  readonly error: string;
  /** The event's first 200 characters. */
  readonly excerpt: string;
}

/** Writing events: bulk appends (hunt) and sequenced commits (serve). */
export interface IngestStore {
  /** Stages access events for loading (no sequence number: a hunt has nothing to recover). */
  appendAccess(batch: readonly AccessEvent[]): Promise<void>;
  /** Stages ledger events for loading. */
  appendLedger(batch: readonly LedgerEvent[]): Promise<void>;
  /**
   * Stages one commit. Its rows of both tables and its `seq` become durable and visible
   * together (a crash keeps all of them or none), in seq order. Rejects with ERR_STORE when
   * `seq` is not greater than every seq committed before, in this process or stored.
   * Resolves once staged; {@link flush} waits for the load.
   */
  commit(c: StoreCommit): Promise<void>;
  /**
   * The highest seq whose commit the store holds durably, rows and all (0 when none). Commits
   * staged but not loaded yet do not count; after {@link flush} every commit so far does.
   */
  lastCommittedSeq(): Promise<number>;
  /** Makes everything appended or committed so far durable and visible to queries. */
  flush(): Promise<void>;
  /**
   * A hint from a caller that knows how much input is left (a hunt over files): about
   * `events` more will be appended before the final flush. A backend that loads in large
   * batches loads smaller ones from here on, so that the final flush has little left to do.
   * It changes when data loads, never what is stored.
   */
  expectRemaining(events: number): void;
  /**
   * Rows refused since the last call ({@link RejectedRow}), each reported once. A load that
   * fails on rows never fails the store: the rows are isolated and the rest is stored (a
   * commit keeps its seq). Call after {@link flush} to have every refusal so far.
   */
  drainRejected(): RejectedRow[];
}

/** Reference data: the key registry and the API catalog. */
export interface ReferenceStore {
  /** Inserts or replaces keys by `kid`. */
  putKeys(keys: readonly KeyRecord[]): Promise<void>;
  /** Inserts or replaces routes by (method, route). */
  putCatalog(routes: readonly CatalogRoute[]): Promise<void>;
}

/** Alerts and the indicators scope follows from them. */
export interface AlertStore {
  /** Inserts or replaces alerts by `alert_id`. */
  upsertAlerts(alerts: readonly Alert[]): Promise<void>;
  /**
   * Adds indicators; an identical (alert_id, type, value) row is merged (widest window), and
   * the newest row decides whether it is `retracted`.
   */
  addIndicators(rows: readonly StoredIndicator[]): Promise<void>;
  /** Alerts matching `filter`, most severe first. */
  listAlerts(filter?: AlertFilter): Promise<Alert[]>;
  /** Indicators of the given alerts; retracted ones only when `includeRetracted`. */
  listIndicators(alertIds: readonly string[], includeRetracted?: boolean): Promise<StoredIndicator[]>;
}

/** Token uses at one source (scope's pivot from tokens to their sources). */
export interface SourceUse {
  readonly ip: string;
  readonly requests: number;
  readonly first: number;
  readonly last: number;
}

/** What the tokens used at one source look like (scope's test of whether a source is the attacker's alone). */
export interface SourceProfile {
  readonly ip: string;
  readonly tokens: number;
  /** Tokens whose requests are under `minPersonalShare` personal-route requests: a customer's session. */
  readonly customerLike: number;
  /** Tokens that read accounts other than their own `sub` (consoles, batch jobs): someone else's principal. */
  readonly actingForOthers: number;
}

/** One token used at a set of sources, counted over its whole history. Times epoch ms. */
export interface TokenUse {
  readonly jti: string;
  readonly requests: number;
  readonly personal: number;
  /** Requests that carried an account other than the token's own `sub`. */
  readonly forOthers: number;
  /** Requests made from sources outside the set. */
  readonly elsewhere: number;
  readonly first: number;
  readonly last: number;
}

/**
 * The queries scope's pivots need (see `src/scope/pivot.ts`), over the same access, ledger and
 * catalog tables that scope reads. An optional role: both backends answer them (DuckDB in
 * `duckdb/pivot-sql.ts`, ClickHouse in `clickhouse/pivot-sql.ts`); on a backend that does not,
 * scope runs without pivots and its summary says so.
 */
export interface PivotQueries {
  /** Sources the given tokens were used from, each token within its window. */
  tokenSources(tokens: readonly Indicator[]): Promise<SourceUse[]>;
  /**
   * Sources that used tokens signed with `kid` within [from, to] that the ledger never issued;
   * none when the ledger recorded no issue of that key in the window (nothing to compare with).
   */
  keySources(kid: string, from: number, to: number): Promise<SourceUse[]>;
  /** For each source, how many tokens it served and how many of those look like a customer's session. */
  sourceProfiles(ips: readonly string[], minPersonalShare: number): Promise<SourceProfile[]>;
  /** Tokens used at any of `ips`, except `known`, each with its whole history counted. */
  sourceTokens(ips: readonly string[], known: readonly string[]): Promise<TokenUse[]>;
}

/** Who was affected: the scope queries over stored access events. */
export interface ScopeStore {
  /** Every account whose personal data (2xx, catalog kind `personal`) matched the query, sorted by account_id. */
  affectedAccounts(q: ScopeQuery): AsyncIterable<AffectedAccount>;
  /** Aggregates of the same requests (summary.json). */
  scopeAggregates(q: ScopeQuery): Promise<ScopeAggregates>;
  /** Every stored request with this `request_id` (at most 100), oldest first; `[]` when none. */
  findRequests(requestId: string): Promise<StoredRequest[]>;
}

/** Running the store: set-up, counts, memory, shutdown. */
export interface StoreOperations {
  /** Backend name (`duckdb`, …). */
  readonly backend: string;
  /** Creates tables if missing. */
  init(): Promise<void>;
  /** Access rows once everything appended has loaded. */
  countAccess(): Promise<number>;
  /** Ledger rows once everything appended has loaded. */
  countLedger(): Promise<number>;
  /**
   * Lets go of caches the backend can rebuild (DuckDB: table blocks already on disk). A
   * long-running service calls it now and then so that its memory stays flat; a no-op when the
   * store is busy loading or streaming.
   */
  releaseMemory(): Promise<void>;
  /** Bytes the backend itself holds in memory now (for metrics), or undefined if it cannot tell. */
  memoryBytes(): Promise<number | undefined>;
  /** Loads what is pending, then releases everything. */
  close(): Promise<void>;
}

/** A whole backend: every role (the response's roles are in `respond-store.ts`). */
export interface Store extends IngestStore, ReferenceStore, AlertStore, ScopeStore, StoreOperations,
  IncidentStore, ScopeRunStore, RetentionStore {}

/** Whether a store answers the pivot queries (the optional {@link PivotQueries} role). */
export function answersPivots(s: object): s is PivotQueries {
  const q = s as Partial<PivotQueries>;
  return typeof q.tokenSources === 'function' && typeof q.keySources === 'function' &&
    typeof q.sourceProfiles === 'function' && typeof q.sourceTokens === 'function';
}
