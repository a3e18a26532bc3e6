/**
 * The shape of `breachwatch serve`'s one YAML config file, as a zod schema with defaults.
 * Every setting has a default except the API keys a deployment must choose; see
 * `docs/serve.example.yaml` for a commented example.
 */
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { DEFAULTS, SEVERITIES } from '../model/index.js';
import { parseStoreUrl } from '../compose/index.js';

const D = DEFAULTS;
const S = DEFAULTS.serve;

/** The dashboard built with this package (`npm run build`): web/dist at the package root, from src/ or dist/. */
const PACKAGE_WEB_DIST = fileURLToPath(new URL('../../web/dist', import.meta.url));

/** A store URL, refused with the parser's reason. */
const storeUrl = z.string().superRefine((s, ctx) => {
  const r = parseStoreUrl(s);
  if (!r.ok) for (const i of r.issues) ctx.addIssue({ code: 'custom', message: i.message });
});

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/i, 'expected 64 hex digits (sha256 of the key)');

/** One API key, stored as the sha256 of the secret, with its role. */
const apiKey = z.object({
  name: z.string().min(1),
  role: z.enum(['ingest', 'analyst', 'admin']),
  sha256: sha256Hex,
}).strict();

const webhookSink = z.object({
  type: z.literal('webhook'),
  url: z.url(),
  /** HMAC-SHA256 secret for `X-Breachwatch-Signature`; or name an environment variable. */
  secret: z.string().min(1).optional(),
  secret_env: z.string().min(1).optional(),
  min_severity: z.enum(SEVERITIES).default('low'),
  max_retries: z.number().int().min(0).max(20).default(5),
  backoff_ms: z.number().int().min(1).default(500),
  timeout_ms: z.number().int().min(1).default(5000),
  queue_max: z.number().int().min(1).default(10_000),
}).strict();

const slackSink = webhookSink.omit({ type: true, secret: true, secret_env: true }).extend({
  type: z.literal('slack'),
}).strict();

const fileSink = z.object({
  type: z.literal('file'),
  path: z.string().min(1),
  min_severity: z.enum(SEVERITIES).default('low'),
  queue_max: z.number().int().min(1).default(100_000),
}).strict();

/** The whole config file. */
export const configSchema = z.object({
  http: z.object({
    host: z.string().default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(8080),
    body_limit_bytes: z.number().int().min(1024).default(S.bodyLimitBytes),
    connection_timeout_ms: z.number().int().min(100).default(S.connectionTimeoutMs),
    headers_timeout_ms: z.number().int().min(100).default(S.headersTimeoutMs),
    request_timeout_ms: z.number().int().min(100).default(S.requestTimeoutMs),
    keep_alive_timeout_ms: z.number().int().min(100).default(S.keepAliveTimeoutMs),
    max_requests_per_socket: z.number().int().min(1).default(S.maxRequestsPerSocket),
    max_connections: z.number().int().min(1).default(S.maxConnections),
  }).strict().prefault({}),
  /** Throttling of failed authentication, per client address. */
  auth: z.object({
    max_failures: z.number().int().min(1).default(S.authMaxFailures),
    window_s: z.number().int().min(1).default(S.authWindowS),
    trust_s: z.number().int().min(0).default(S.authTrustS),
  }).strict().prefault({}),
  /** Per-request bounds on bad input. */
  ingest: z.object({
    max_quarantined_per_request: z.number().int().min(0).default(D.live.maxQuarantinedPerDelivery),
    max_bad_lines_per_request: z.number().int().min(0).default(D.live.maxBadLinesPerDelivery),
  }).strict().prefault({}),
  /** Scope jobs: how many run and wait, and how long finished ones are kept. */
  scope: z.object({
    max_running: z.number().int().min(1).default(S.scopeMaxRunning),
    max_queued: z.number().int().min(0).default(S.scopeMaxQueued),
    keep_jobs: z.number().int().min(1).default(S.scopeKeepJobs),
    keep_hours: z.number().min(0.001).default(S.scopeKeepHours),
  }).strict().prefault({}),
  store: z.object({
    /** Store URL (`duckdb:PATH`, `clickhouse://…`); a relative DuckDB path is relative to the config file. */
    url: storeUrl.default(D.store.url),
    /** DuckDB memory limit, e.g. `512MB` (the store's default when absent). */
    memory_limit: z.string().regex(/^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i, 'expected a size such as 512MB or 2GiB').optional(),
  }).strict().default({ url: D.store.url }),
  /**
   * Containment through the API (`src/server/contain-routes.ts`): the incidents home and the
   * files actions write. The API never takes a path from a request; absent: the routes answer 404.
   */
  contain: z.object({
    home: z.string().min(1),
    registry: z.string().min(1).optional(),
    jwks_out: z.string().min(1).optional(),
    key_dir: z.string().min(1).optional(),
    key_hook: z.string().min(1).optional(),
    hook_storage: z.enum(['kms', 'hsm']).optional(),
    staff: z.string().min(1).optional(),
    issuer: z.string().min(1).default('breachwatch'),
    audience: z.string().min(1).optional(),
    subject_issuer: z.string().min(1).optional(),
    push_url: z.url().optional(),
    push_auth_env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/).optional(),
  }).strict().optional(),
  /** Checkpoints, journal, audit log and quarantine live here unless named otherwise. */
  state_dir: z.string().min(1).default('breachwatch-state'),
  reference: z.object({
    keys: z.string().optional(),
    staff: z.string().optional(),
    catalog: z.string().optional(),
    /** Client registry (contract §7). */
    clients: z.string().optional(),
    /** Honey-account list (contract §8); its entries and salt are never logged. */
    honey: z.string().optional(),
  }).strict().default({}),
  detect: z.object({
    allowed_lateness_ms: z.number().int().min(0).default(D.detect.allowedLatenessMs),
    max_key_age_days: z.number().int().min(1).default(D.detect.maxKeyAgeDays),
    /** A source silent this long (wall clock) no longer holds back the watermark. */
    source_idle_ms: z.number().int().min(1).default(D.live.sourceIdleMs),
    /** Events held for reordering before the oldest are released regardless. */
    reorder_max_events: z.number().int().min(1).default(D.live.reorderMaxEvents),
    /** An event further ahead of the server's clock is quarantined (`future_time`). */
    max_future_ms: z.number().int().min(0).default(D.live.maxFutureMs),
    /** An event further behind its source's or the engine's watermark is quarantined (`stale_time`). */
    max_lag_ms: z.number().int().min(1).default(D.live.maxLagMs),
    sigma: z.array(z.string()).default([]),
    /** Track the ledger's coverage and each feed's clock (false: trust the ledger as complete). */
    coverage: z.boolean().default(D.detect.coverage),
    /** A feed's clock offset within this is left alone. */
    clock_tolerance_ms: z.number().int().min(0).default(D.detect.clockToleranceMs),
    /** Clock offsets are corrected up to this bound. */
    max_clock_correction_ms: z.number().int().min(0).default(D.detect.maxClockCorrectionMs),
  }).strict().prefault({}),
  checkpoint: z.object({ interval_s: z.number().min(0.1).default(D.live.checkpointIntervalS) }).strict()
    .default({ interval_s: D.live.checkpointIntervalS }),
  dedup: z.object({ horizon_ms: z.number().int().min(1).default(D.live.dedupHorizonMs) }).strict()
    .default({ horizon_ms: D.live.dedupHorizonMs }),
  queue: z.object({
    max_events: z.number().int().min(1).default(D.live.queueMaxEvents),
    max_batch_events: z.number().int().min(1).default(D.live.queueMaxBatchEvents),
    retry_after_s: z.number().int().min(1).default(D.live.retryAfterS),
  }).strict().default({ max_events: D.live.queueMaxEvents, max_batch_events: D.live.queueMaxBatchEvents, retry_after_s: D.live.retryAfterS }),
  api_keys: z.array(apiKey).min(1, 'at least one API key is required'),
  sinks: z.array(z.discriminatedUnion('type', [webhookSink, slackSink, fileSink])).default([]),
  nats: z.object({
    servers: z.array(z.string()).min(1),
    stream: z.string().min(1),
    subjects: z.object({
      access: z.array(z.string()).default([]),
      ledger: z.array(z.string()).default([]),
    }).strict(),
    durable: z.string().min(1).default('breachwatch'),
    batch: z.number().int().min(1).default(256),
  }).strict().optional(),
  /** Where incidents keep their files; by default beside a DuckDB store (`<db>.incidents/`, as the CLI's). */
  incidents: z.object({ home: z.string().min(1).optional() }).strict().default({}),
  audit: z.object({ path: z.string().optional() }).strict().default({}),
  quarantine: z.object({ path: z.string().optional() }).strict().default({}),
  log: z.object({
    level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    file: z.string().optional(),
  }).strict().default({ level: 'info' }),
  /** Dashboard files; by default the `web/dist` built with the package. */
  dashboard: z.object({ dir: z.string().default(PACKAGE_WEB_DIST) }).strict().default({ dir: PACKAGE_WEB_DIST }),
}).strict();

/** A validated config (paths already resolved against the config file's folder). */
export type ServeConfig = z.infer<typeof configSchema>;
/** One configured API key. */
export type ApiKeyConfig = z.infer<typeof apiKey>;
/** One configured alert sink. */
export type SinkConfig = ServeConfig['sinks'][number];
/** Roles, least to most privileged. */
export type Role = ApiKeyConfig['role'];
