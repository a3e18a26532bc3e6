/**
 * The one source of every default that more than one place uses: detection settings, the
 * reorder bound, the store and the live service's tuning. CLI help texts, `serve`'s config
 * schema, the stages and the benchmarks all read them from here, so a default changes in one
 * line. A default only one file uses stays in that file, next to the reason for its value.
 */

/** Detection defaults (the engine's `DetectSettings`). */
const detect = {
  /** How long after first use a token may wait for its ledger record before it is unissued. */
  allowedLatenessMs: 30_000,
  /** A signing key older than this is flagged by key-custody. */
  maxKeyAgeDays: 365,
  /** Track the ledger's coverage and each source's clock offset (`false` trusts the ledger as complete). */
  coverage: true,
  /** A source's clock offset within this is left alone and not reported. */
  clockToleranceMs: 5_000,
  /** Clock offsets are corrected up to this bound (beyond it: by the bound, and reported). */
  maxClockCorrectionMs: 600_000,
  /** First-use samples a source needs before its clock offset is trusted. */
  clockMinSamples: 20,
  /** A ledger silence is a gap once it would have held this many records at the ledger's rate. */
  gapMinExpected: 20,
  /** …and the access feed showed this many successful sign-ins meanwhile. */
  gapMinEvidence: 5,
  /** How far around a coverage boundary an issuance time counts as uncertain. */
  coverageMarginMs: 2_000,
  /** A blind-time claim stays unverifiable only if first used within this long of it. */
  maxIssueToUseMs: 600_000,
  /** How long a token waits for the quiet ledger to show life before the quiet counts as covered. */
  coverageWaitMs: 600_000,
} as const;

/** Ingest defaults. */
const ingest = {
  /** Per-file reorder bound: events at most this much out of order are put back in order (hunt). */
  reorderBoundMs: 60_000,
  /** Request-id dedup horizon of a hunt (event time); see `RequestIdDedup`. */
  dedupHorizonMs: 10 * 60_000,
} as const;

/** Store defaults. */
const store = {
  /** The store `hunt` writes and `scope` and `serve` read when none is named (`--store`, `store.url`). */
  url: 'duckdb:breachwatch.duckdb',
  /** The ClickHouse database a `clickhouse://host` URL without a path names. */
  clickhouseDatabase: 'breachwatch',
  /** DuckDB memory limit when none is given (loads and scope spill to disk past it). */
  memoryLimit: '512MB',
  /** DuckDB memory limit of a bulk load (`hunt`): loads need little, detection gets the rest. */
  bulkMemoryLimit: '256MB',
  /** Live service: committed events become visible to queries within about this long. */
  liveLoadWithinMs: 1000,
} as const;

/** Live service (`serve`) defaults. */
const live = {
  /** A source silent this long (wall clock) no longer holds back the watermark. */
  sourceIdleMs: 30_000,
  /** Events held for reordering before the oldest are released regardless. */
  reorderMaxEvents: 500_000,
  /** Request-id dedup horizon of the live service (event time; client retries after a crash). */
  dedupHorizonMs: 120_000,
  /** Seconds between checkpoints. */
  checkpointIntervalS: 30,
  /** Bounded ingest queue (429 when full). */
  queueMaxEvents: 200_000,
  /** Most events per group commit. */
  queueMaxBatchEvents: 50_000,
  /** Retry-After of a 429, seconds. */
  retryAfterS: 1,
} as const;

/**
 * Every shared default, by stage.
 *
 * @example
 * new Command().option('--lateness <seconds>', 'allowed lateness', String(DEFAULTS.detect.allowedLatenessMs / 1000));
 */
export const DEFAULTS = { detect, ingest, store, live } as const;
