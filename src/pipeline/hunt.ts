/**
 * `hunt`: ingest → detect → store, in one pass over the files, in event time.
 *
 * Reference data is loaded first (key-custody runs as a start-up audit), then every access and
 * ledger file is merged in event time and fed, batch by batch, to the detection engine and the
 * store. Alerts and their indicators go to the store (for `scope`) and to an NDJSON file.
 */
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { AccessEvent, Alert, LedgerEvent } from '../model/index.js';
import { BreachwatchError, DEFAULTS } from '../model/index.js';
import { Catalog, QuarantineWriter, loadReference, openEventStream } from '../ingest/index.js';
import type { IngestProgress, ReferencePaths } from '../ingest/index.js';
import { Engine } from '../detect/index.js';
import type { DetectSettings } from '../detect/index.js';
import type { AlertStore, IngestStore, StoreLocation } from '../store/index.js';
import {
  buildDetectors, describeStore, detectSettings, openStore, quarantineBeside, storeLocation,
} from '../compose/index.js';
import type { Progress } from './progress.js';
import { fmtCount } from './progress.js';
import { summarizeRun, type HuntSummary } from './summary.js';

/** Everything `hunt` takes (the CLI maps its flags onto this). */
export interface HuntOptions extends ReferencePaths {
  readonly access: readonly string[];
  readonly ledger: readonly string[];
  /** Store URL (`duckdb:PATH`, …) or location; what it holds is replaced unless `append`. */
  readonly store: string | StoreLocation;
  readonly append?: boolean;
  readonly alerts?: string;
  readonly quarantine?: string;
  readonly sigma?: readonly string[];
  readonly strict?: boolean;
  readonly reorderBoundMs?: number;
  /** Threads: 1 (default) parses on this thread; N adds N − 1 parse threads for access files. */
  readonly threads?: number;
  readonly settings?: Partial<DetectSettings>;
  readonly progress?: Progress;
}

/**
 * Alerts and indicators go to the store in large batches: each write is a DuckDB statement
 * with fixed costs, and `scope` reads them only after the hunt. The engine keeps them meanwhile.
 */
const DRAIN_EVERY_EVENTS = 2_000_000;

/** Runs a hunt and returns its summary (counts add up: lines = blank + accepted + quarantined). */
export async function hunt(opts: HuntOptions): Promise<HuntSummary> {
  if (opts.access.length === 0) throw new BreachwatchError('ERR_USAGE', 'hunt needs at least one --access file');
  const started = performance.now();
  const ref = await loadReference(opts);
  const settings = detectSettings(opts.settings);
  const detectors = await buildDetectors(settings, ref, { ...(opts.sigma !== undefined && { sigma: opts.sigma }) });
  const where = typeof opts.store === 'string' ? storeLocation(opts.store) : opts.store;
  // Nothing here needs an append to load whole: the bulk use cuts loads at whole row groups.
  const store = await openStore(where, 'bulk', { fresh: opts.append !== true });
  const quarantinePath = resolve(opts.quarantine ?? quarantineBeside(where));
  const quarantine = new QuarantineWriter(quarantinePath);
  try {
    await store.putKeys(ref.keys);
    await store.putCatalog(ref.catalog);
    const report = opts.progress === undefined ? undefined : progressReporter(opts.progress);
    let read: IngestProgress = { bytesRead: 0, bytesTotal: 0, events: 0 };
    const engine = new Engine({ detectors, ref, retainIndicators: false, settings });
    const stream = openEventStream({
      access: [...opts.access],
      ledger: [...opts.ledger],
      catalog: new Catalog(ref.catalog),
      keys: ref.keys,
      reorderBoundMs: opts.reorderBoundMs ?? DEFAULTS.ingest.reorderBoundMs,
      strict: opts.strict ?? false,
      parseThreads: (opts.threads ?? DEFAULTS.ingest.threads) - 1,
      quarantine,
      onProgress: (p) => {
        read = p;
        report?.(p);
      },
    });
    let firstT: number | undefined;
    let lastT: number | undefined;
    let sinceDrain = 0;
    for await (const batch of stream) {
      if (batch.length === 0) continue;
      if (firstT === undefined) {
        firstT = batch[0]!.t;
        engine.start(firstT);
      }
      lastT = batch[batch.length - 1]!.t;
      engine.push(batch);
      // Straight to the store, which streams each batch into its staging file: holding events
      // here until a big batch formed would let them outlive V8's young generation (GC cost).
      const access: AccessEvent[] = [];
      const ledger: LedgerEvent[] = [];
      for (const e of batch) {
        if (e.kind === 'access') access.push(e);
        else ledger.push(e);
      }
      if (access.length > 0) await store.appendAccess(access);
      if (ledger.length > 0) await store.appendLedger(ledger);
      store.expectRemaining(remainingEvents(read));
      sinceDrain += batch.length;
      if (sinceDrain >= DRAIN_EVERY_EVENTS) { sinceDrain = 0; await drainToStore(engine, store); }
    }
    if (firstT === undefined) engine.start(undefined);
    engine.finish();
    await drainToStore(engine, store);
    await store.flush();
    // Rows the database refused although the parser accepted them: quarantined, not lost.
    const refused = store.drainRejected();
    for (const r of refused) quarantine.write({ file: r.file, line: r.line, reason: 'store_refused', message: r.error, excerpt: r.excerpt });
    const alerts = engine.alerts();
    await quarantine.close();
    if (opts.alerts !== undefined) await writeAlerts(opts.alerts, alerts);
    opts.progress?.done();
    return summarizeRun({
      stats: stream.stats(), alerts, quarantinePath, refused, store: describeStore(absolute(where)),
      ...(opts.alerts !== undefined && { alertsPath: resolve(opts.alerts) }),
      window: firstT === undefined || lastT === undefined ? null : { from: firstT, to: lastT },
      seconds: (performance.now() - started) / 1000,
      stateBytes: engine.stateBytes(),
      coverage: engine.feed.report(),
    });
  } finally {
    await store.close();
  }
}

/** The location with a DuckDB file's path made absolute (for the summary). */
function absolute(l: StoreLocation): StoreLocation {
  return l.scheme === 'duckdb' && l.path !== ':memory:' ? { scheme: 'duckdb', path: resolve(l.path) } : l;
}

/** Events still to come, estimated from the bytes read so far (Infinity before any). */
function remainingEvents(p: IngestProgress): number {
  if (p.bytesRead <= 0 || p.events <= 0) return Infinity;
  return Math.max(0, p.events * (p.bytesTotal - p.bytesRead) / p.bytesRead);
}

async function drainToStore(engine: Engine, store: AlertStore & IngestStore): Promise<void> {
  const changed = engine.drainChangedAlerts();
  if (changed.length > 0) await store.upsertAlerts(changed);
  const indicators = engine.drainIndicators();
  if (indicators.length > 0) await store.addIndicators(indicators);
}

async function writeAlerts(path: string, alerts: readonly Alert[]): Promise<void> {
  await mkdir(dirname(resolve(path)), { recursive: true });
  const out = createWriteStream(path);
  for (const a of alerts) out.write(`${JSON.stringify(a)}\n`);
  await new Promise<void>((res, rej) => out.end((err?: Error | null) => (err ? rej(err) : res())));
}

function progressReporter(p: Progress): (x: IngestProgress) => void {
  return (x) => {
    const pct = x.bytesTotal > 0 ? ` ${((100 * x.bytesRead) / x.bytesTotal).toFixed(1)}%` : '';
    p.update(`hunt:${pct} ${fmtCount(x.events)} events`);
  };
}
