/**
 * The one interface every storage backend implements (DuckDB embedded; ClickHouse later).
 * Every backend passes the shared contract suite in `store.contract.ts`.
 */
import type {
  AccessEvent, Alert, CatalogRoute, Indicator, KeyRecord, LedgerEvent, Severity,
} from '../model/index.js';

/** An indicator as stored, tied to the alert it came from. */
export interface StoredIndicator extends Indicator {
  readonly alert_id: string;
}

/** Which alerts to list. */
export interface AlertFilter {
  readonly minSeverity?: Severity;
  readonly detector?: string;
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
 * The queries scope's pivots need (see `src/scope/pivot.ts`). Every backend answers them over
 * the same access, ledger and catalog tables that scope reads.
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

export interface Store extends PivotQueries {
  readonly backend: string;
  /** Creates tables if missing. */
  init(): Promise<void>;
  appendAccess(batch: readonly AccessEvent[]): Promise<void>;
  appendLedger(batch: readonly LedgerEvent[]): Promise<void>;
  putKeys(keys: readonly KeyRecord[]): Promise<void>;
  putCatalog(routes: readonly CatalogRoute[]): Promise<void>;
  /** Inserts or replaces alerts by `alert_id`. */
  upsertAlerts(alerts: readonly Alert[]): Promise<void>;
  /** Adds indicators; an identical (alert_id, type, value) row is merged (widest window). */
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
  listIndicators(alertIds: readonly string[]): Promise<StoredIndicator[]>;
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
