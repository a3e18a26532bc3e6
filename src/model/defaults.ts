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
  /** Threads of a hunt: 1 parses on the main thread; N > 1 adds N − 1 parse threads for access files. */
  threads: 1,
} as const;

/** Store defaults. */
const store = {
  /** The store `hunt` writes and `scope` and `serve` read when none is named (`--store`, `store.url`). */
  url: 'duckdb:breachwatch.duckdb',
  /** The ClickHouse database a `clickhouse://host` URL without a path names. */
  clickhouseDatabase: 'breachwatch',
  /** DuckDB memory limit when none is given (the live service; loads spill to disk past it). */
  memoryLimit: '512MB',
  /**
   * DuckDB memory limit of a read (`scope` and the response commands). Not every part of a
   * scope spills: measured, a scope over 1.23M token indicators (1M accounts × 3 days) failed
   * at 512MB (out of memory while building its hits) and passed at 1GB. A limit is a ceiling,
   * not an allocation, so small scopes use no more than before.
   */
  readMemoryLimit: '2GB',
  /** DuckDB memory limit of a bulk load (`hunt`): loads need little, detection gets the rest. */
  bulkMemoryLimit: '256MB',
  /** Live service: committed events become visible to queries within about this long. */
  liveLoadWithinMs: 1000,
  /**
   * A ClickHouse insert that fails transiently (connection reset or refused, EPIPE, 502/503/504,
   * too many parts) is sent again this many times, after 200 ms, then twice as long each time
   * (6.2 s in all), when its text is at most `insertRetainChars` (kept until it is stored).
   */
  insertRetries: 5,
  insertRetryBackoffMs: 200,
  insertRetainChars: 64 * 1024 * 1024,
} as const;

/** Partitioned detection (`breachwatch ship` and `breachwatch worker`) defaults. */
const cluster = {
  /** Subjects are `<prefix>.<partition>`. */
  subjectPrefix: 'breachwatch.events',
  /** Events per published message (a message stays well under NATS' 1 MiB payload limit). */
  batchEvents: 500,
  /**
   * A live feed on stdin that brings nothing for this long (wall clock) has everything read so
   * far published at once (the reorder buffer released, partial messages sent), so a quiet feed
   * is detected without waiting for a message to fill. Files are never flushed early.
   */
  pauseFlushMs: 200,
  /** How long JetStream remembers a message id, so a re-run ship inside it publishes nothing twice. */
  duplicateWindowMs: 60 * 60_000,
  /** A worker checkpoints (stores, saves its engine state, then acks) after this many messages… */
  checkpointMessages: 200,
  /** …or this long after its last checkpoint, whichever comes first. */
  checkpointMs: 5_000,
  /** Unacked messages are redelivered after this long (must exceed a checkpoint interval). */
  ackWaitMs: 120_000,
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
  /** An event more than this far ahead of the server's clock is quarantined (`future_time`). */
  maxFutureMs: 5 * 60_000,
  /** An event more than this far behind its source's (or the engine's) watermark is quarantined (`stale_time`). */
  maxLagMs: 24 * 3_600_000,
  /** Quarantine records written one by one per delivery (the rest are counted and summed up). */
  maxQuarantinedPerDelivery: 1000,
  /** Bad lines after which a delivery is refused whole. */
  maxBadLinesPerDelivery: 10_000,
} as const;

/** `serve`'s HTTP limits, authentication throttle and scope jobs. */
const serve = {
  /** Decoded request body limit (413 above). */
  bodyLimitBytes: 16 * 1024 * 1024,
  /** A socket with no activity this long is closed. */
  connectionTimeoutMs: 30_000,
  /** The request line and headers must arrive within this. */
  headersTimeoutMs: 10_000,
  /** The whole request, body included, must arrive within this. */
  requestTimeoutMs: 60_000,
  /** An idle keep-alive socket is closed after this. */
  keepAliveTimeoutMs: 5_000,
  /** Requests per keep-alive socket before it is closed. */
  maxRequestsPerSocket: 1000,
  /** Open connections; past it new ones are closed at once (a file-handle budget, well under `ulimit -n`). */
  maxConnections: 1024,
  /** Failed authentications per address and window before that address gets 429. */
  authMaxFailures: 20,
  /** The window of {@link serve.authMaxFailures}, seconds. */
  authWindowS: 60,
  /**
   * How long a key that authenticated from an address stays trusted there, seconds: while that
   * address is throttled, its trusted keys still work (one client with a wrong key does not lock
   * out everyone behind the same address); every other key gets 429.
   */
  authTrustS: 86_400,
  /** Scope jobs that run at once; more wait in the queue. */
  scopeMaxRunning: 1,
  /** Scope jobs that may wait; past it a new one gets 429. */
  scopeMaxQueued: 8,
  /** Finished scope jobs kept (results and folders); older ones are removed. */
  scopeKeepJobs: 50,
  /** A finished scope job's results are removed after this many hours. */
  scopeKeepHours: 24,
} as const;

/** Notice rendering defaults (`notice render`). */
const notice = {
  /** Worker threads that render, compose and write the messages (the main thread plans and writes the mail-merge files). */
  renderWorkers: 2,
  /**
   * How `notice render` stores the messages: `mbox`, one `notices.mbox` for the whole render
   * (any size; a file per person costs more than rendering it), or `eml`, a file per person
   * (small incidents, where people open single messages). See docs/NOTICES.md.
   */
  format: 'mbox' as 'mbox' | 'eml',
} as const;

/** Mail defaults (breach notices and, later, the portal's one-time codes share one relay). */
const mail = {
  /** Messages a second to the relay (`notice send --rate`), shared by everything that sends. */
  ratePerSecond: 10,
  /** Attempts per message, the first included, before a temporary refusal becomes a failure. */
  retryAttempts: 5,
  /** Delay before the second attempt; doubles each time up to `retryMaxDelayMs`. */
  retryBaseDelayMs: 30_000,
  retryMaxDelayMs: 8 * 60_000,
} as const;

/** Containment defaults (`src/contain/`: CLI flags, serve's `contain` config, the actions). */
const contain = {
  /** Attempts per Security Event Token pushed to a receiver (RFC 8935), the first included. */
  pushAttempts: 5,
  /** Delay before the second push attempt; doubles each time up to `pushMaxDelayMs`. */
  pushBaseDelayMs: 500,
  pushMaxDelayMs: 30_000,
  /** How long one push request may take. */
  pushTimeoutMs: 10_000,
  /** Hours a deny-list entry stands before it expires. */
  blockHours: 72,
  /** A deny entry that would also block at least this many customer-like sessions is flagged as shared (carrier NAT, office egress). */
  sharedMinSessions: 20,
  /** How long verifiers may cache a JWKS (jose `createRemoteJWKSet` keeps one 10 minutes): said in the rotation's instructions. */
  jwksCacheS: 600,
} as const;

/** Victim portal (`breachwatch portal`) defaults: one-time codes, limits, sessions. */
const portal = {
  /** Port the portal listens on (its own, apart from `serve`). */
  port: 8443,
  /** A one-time code is good for this long. */
  otpTtlS: 600,
  /** Wrong codes allowed per challenge; the next one locks the identifier out. */
  otpMaxAttempts: 5,
  /** How long an identifier stays locked out after too many wrong codes. */
  lockoutS: 900,
  /** Codes requested per identifier (hashed) and window. */
  perIdentifierMax: 3,
  perIdentifierWindowS: 900,
  /** Requests per client address and window (lookups and code checks). */
  perAddressMax: 30,
  perAddressWindowS: 60,
  /** Lookups and code checks per second over all clients. */
  globalPerSecond: 200,
  /** A signed-in session lasts this long after the code, then the person starts again. */
  sessionTtlS: 900,
  /** Every lookup answers no sooner than this after it arrived (bounded timing). */
  lookupFloorMs: 150,
} as const;

/**
 * Every shared default, by stage.
 *
 * @example
 * new Command().option('--lateness <seconds>', 'allowed lateness', String(DEFAULTS.detect.allowedLatenessMs / 1000));
 */
export const DEFAULTS = { detect, ingest, store, cluster, live, serve, mail, notice, contain, portal } as const;
