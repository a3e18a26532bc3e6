/**
 * The service of `breachwatch serve`: loads reference data, opens the store for live use and
 * builds the same detectors as `hunt` (both through the composition layer), restores the live pipeline, starts the sinks, the HTTP server
 * and (when configured) the JetStream consumer; `close()` stops them in the safe order
 * (stop taking input → finish in-flight commits → final checkpoint → close the store).
 */
import { chmod, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { pino, type DestinationStream, type Logger } from 'pino';
import { Catalog, JwtChecker, QuarantineWriter, loadReference } from '../ingest/index.js';
import type { RejectedRow, Store } from '../store/index.js';
import { buildDetectors, detectSettings, incidentsHome, openStore, storeLocation } from '../compose/index.js';
import { JwtSettler, LivePipeline, Sinks, startJetStream, type JetStreamConsumer } from '../live/index.js';
import { buildApp, type AppState } from './app.js';
import { AuditLog } from './audit-log.js';
import { ApiKeys } from './auth.js';
import { IncidentDesk } from './incident-desk.js';
import type { ServeConfig } from './config-schema.js';
import type { AppContext } from './context.js';
import { loggerOptions } from './logger.js';
import { ServiceMetrics } from './metrics.js';
import { ScopeJobs } from './scope-jobs.js';

/** A running service. */
export interface Service {
  /** `http://host:port` actually bound (port 0 picks a free one). */
  readonly url: string;
  readonly app: FastifyInstance;
  readonly pipeline: LivePipeline;
  readonly store: Store;
  readonly logger: Logger;
  /** Graceful stop; safe to call twice. */
  close(): Promise<void>;
}

/** Options beyond the config (tests capture logs). */
export interface ServiceOptions {
  readonly logDestination?: DestinationStream;
  readonly env?: NodeJS.ProcessEnv;
  /** Wraps the opened store (tests slow it down to fill the queue). */
  readonly wrapStore?: (s: Store) => Store;
}

/** The incidents home: configured, else beside a DuckDB file store; undefined when neither. */
function homeOf(config: ServeConfig): string | undefined {
  if (config.incidents.home !== undefined) return config.incidents.home;
  const loc = storeLocation(config.store.url);
  return loc.scheme === 'duckdb' && loc.path !== ':memory:' ? incidentsHome(loc) : undefined;
}

/** Starts the service described by `config`. */
export async function startService(config: ServeConfig, opts: ServiceOptions = {}): Promise<Service> {
  const logger = pino(loggerOptions(config.log.level), opts.logDestination ?? pino.destination(config.log.file ?? 1));
  const r = config.reference;
  const ref = await loadReference({
    ...(r.keys !== undefined && { keys: r.keys }), ...(r.staff !== undefined && { staff: r.staff }),
    ...(r.catalog !== undefined && { catalog: r.catalog }),
    ...(r.clients !== undefined && { clients: r.clients }), ...(r.honey !== undefined && { honey: r.honey }),
  });
  // The state folder holds raw events, JWTs with personal claims and scope results: owner only.
  await mkdir(config.state_dir, { recursive: true, mode: 0o700 });
  await chmod(config.state_dir, 0o700);
  const d = config.detect;
  const settings = detectSettings({
    allowedLatenessMs: d.allowed_lateness_ms, maxKeyAgeDays: d.max_key_age_days, coverage: d.coverage,
    clockToleranceMs: d.clock_tolerance_ms, maxClockCorrectionMs: d.max_clock_correction_ms,
  });
  const detectors = await buildDetectors(settings, ref, { sigma: config.detect.sigma });
  const sinks = new Sinks(config.sinks, opts.env ?? process.env);
  // Commits are durable in the journal; the store loads them in the background, each batch of
  // commits with its seq (what recovery asks for), and within about a second under load.
  const opened = await openStore(config.store.url, 'live', {
    ...(config.store.memory_limit !== undefined && { memoryLimit: config.store.memory_limit }),
  });
  const store = opts.wrapStore?.(opened) ?? opened;
  const stamp = new Date().toISOString().replaceAll(':', '').replace(/\.\d+Z$/, 'Z');
  const quarantine = new QuarantineWriter(config.quarantine.path ?? join(config.state_dir, `quarantine-${stamp}.ndjson`));
  // Rows the store refused after the parsers accepted them: quarantined with the database's words.
  let countRejected: (n: number) => void = () => undefined;
  const onRejected = (rows: readonly RejectedRow[]): void => {
    for (const r of rows) quarantine.write({ file: r.file, line: r.line, reason: 'store_refused', message: r.error, excerpt: r.excerpt });
    countRejected(rows.length);
  };
  let pipeline: LivePipeline;
  try {
    await store.putKeys(ref.keys);
    await store.putCatalog(ref.catalog);
    pipeline = await LivePipeline.open({
      store, stateDir: join(config.state_dir, 'live'), ref, detectors,
      settings,
      maxQueueEvents: config.queue.max_events, maxBatchEvents: config.queue.max_batch_events,
      dedupHorizonMs: config.dedup.horizon_ms, checkpointMs: config.checkpoint.interval_s * 1000,
      sourceIdleMs: config.detect.source_idle_ms, reorderMaxEvents: config.detect.reorder_max_events,
      maxFutureMs: config.detect.max_future_ms, maxLagMs: config.detect.max_lag_ms,
      expectSources: ['http-access', 'http-ledger', ...(['access', 'ledger'] as const)
        .filter((k) => (config.nats?.subjects[k].length ?? 0) > 0).map((k) => `nats-${k}`)],
      onAlert: (a) => sinks.publish(a), onRejected, log: logger,
    });
  } catch (e) {
    await store.close();
    await quarantine.close().catch(() => undefined);
    throw e;
  }
  const drainTimer = setInterval(() => { quarantine.drain().catch(() => undefined); }, 1000);
  drainTimer.unref();
  const jwt = new JwtChecker(ref.keys);
  const audit = new AuditLog(config.audit.path ?? join(config.state_dir, 'audit.ndjson'));
  const ctx: AppContext = {
    config, keys: new ApiKeys(config.api_keys), pipeline, store, ref,
    parse: {
      catalog: new Catalog(ref.catalog), jwt, quarantine, gate: pipeline.gate,
      limits: { maxQuarantined: config.ingest.max_quarantined_per_request, maxBadLines: config.ingest.max_bad_lines_per_request },
    },
    settler: new JwtSettler(jwt),
    audit,
    metrics: new ServiceMetrics(pipeline, sinks, store),
    scope: new ScopeJobs(store, join(config.state_dir, 'scope'), {
      maxRunning: config.scope.max_running, maxQueued: config.scope.max_queued,
      keepJobs: config.scope.keep_jobs, keepMs: config.scope.keep_hours * 3_600_000,
    }),
    incidents: new IncidentDesk(store, homeOf(config), audit),
  };
  countRejected = (n) => ctx.metrics.countQuarantine('store', { store_refused: n });
  const state: AppState = { closing: false };
  const app = await buildApp(ctx, logger, state);
  const address = await app.listen({ host: config.http.host, port: config.http.port });
  let nats: JetStreamConsumer | undefined;
  if (config.nats !== undefined) {
    nats = await startJetStream(config.nats, {
      pipeline, parse: ctx.parse, settler: ctx.settler,
      onQuarantine: (source, reasons) => ctx.metrics.countQuarantine(source, reasons),
    }, logger);
  }
  logger.info({ url: address, nats: config.nats !== undefined }, 'breachwatch serve listening');
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => (closing ??= (async () => {
    state.closing = true;
    await nats?.close();
    await app.close();
    await pipeline.close();
    await ctx.scope.idle();
    await sinks.close();
    clearInterval(drainTimer);
    await quarantine.close();
    await ctx.audit.close();
    await store.close();
    logger.info('breachwatch serve stopped');
    logger.flush?.();
  })());
  return { url: address, app, pipeline, store, logger, close };
}
