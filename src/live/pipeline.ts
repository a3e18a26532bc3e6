/**
 * The live pipeline of `breachwatch serve`: channels offer parsed events to a bounded queue;
 * one committer takes what is waiting, drops request_ids already stored, appends the group to
 * the journal (fsync: from here the events are durable) and resolves every entry — one group
 * commit for many concurrent requests. The rows then go to the store as one sequenced commit
 * (`Store.commit`, the journal record's seq), which it loads in the background, rows and seq
 * together (visible to queries within the store's `loadWithinMs`, and always before the next
 * checkpoint, which is what lets the journal be trimmed). Committed events go through the per-source
 * reorder buffer into the same {@link Engine} as `hunt`; changed alerts are upserted into the
 * store and handed to the sinks. Checkpoints (engine snapshot + reorder buffer + dedup set +
 * journal position) are written every `checkpointMs` and at close; {@link LivePipeline.open}
 * restores the last one and replays only the journal's tail (see `recover.ts`).
 *
 * Failures are of two kinds. One that may pass — out of file handles, disk full
 * (`isTransientError`) — makes the pipeline *degraded* in the step it hit (journal, store,
 * checkpoint, alerts): that step is retried and the condition clears once it succeeds; a
 * journal write that failed is cut back and its requests answered 503, to be retried by the
 * sender. Anything else *fails* the pipeline (restart needed). {@link LivePipeline.health}
 * says which conditions hold. Rows the store refused are handed to `onRejected` (quarantine).
 */
import { mkdir } from 'node:fs/promises';
import type { AccessEvent, Alert, ReferenceData } from '../model/index.js';
import { BreachwatchError, DEFAULTS, isTransientError } from '../model/index.js';
import { Engine } from '../detect/index.js';
import type { Detector, DetectSettings } from '../detect/index.js';
import type { AlertStore, IngestStore, RejectedRow, StoreOperations } from '../store/index.js';
import { CHECKPOINT_VERSION, checkpointPath, writeCheckpoint } from './checkpoint.js';
import { rememberIds } from './commit-ids.js';
import { IngestQueue, type CommitOutcome, type Delivery, type QueueEntry } from './ingest-queue.js';
import { Journal, type CommitGroup } from './journal.js';
import { SILENT_LOG, type LiveLog } from './log.js';
import { RecentIds } from './recent-ids.js';
import { recover } from './recover.js';
import { Reorder } from './reorder.js';
import { TimeGate } from './time-gate.js';
import { journalTrimRefusal, type TrimGuardStore } from './trim-guard.js';

/** The store roles the live pipeline uses: sequenced commits, alerts, and releasing memory. */
export type LiveStore = IngestStore & AlertStore & Pick<StoreOperations, 'releaseMemory'> & TrimGuardStore;

/** How to build a {@link LivePipeline}. */
export interface LiveOptions {
  readonly store: LiveStore;
  readonly stateDir: string;
  readonly ref: ReferenceData;
  readonly detectors: readonly Detector[];
  readonly settings?: Partial<DetectSettings>;
  readonly maxQueueEvents: number;
  readonly maxQueueBytes?: number;
  readonly maxBatchEvents: number;
  readonly dedupHorizonMs: number;
  readonly checkpointMs: number;
  readonly sourceIdleMs: number;
  readonly reorderMaxEvents: number;
  /** Events further ahead of the server's clock are quarantined (`future_time`; default `DEFAULTS.live.maxFutureMs`). */
  readonly maxFutureMs?: number;
  /** Events further behind their source's or the engine's watermark are quarantined (`stale_time`). */
  readonly maxLagMs?: number;
  /** Channels expected to deliver (see {@link Reorder.expect}). */
  readonly expectSources?: readonly string[];
  readonly onAlert?: (a: Alert) => void;
  /** Rows the store refused (each once): the service quarantines them. */
  readonly onRejected?: (rows: readonly RejectedRow[]) => void;
  readonly log?: LiveLog;
}

/** A step of the pipeline that can be held up by a failure that may pass. */
export type LiveStep = 'journal' | 'store' | 'checkpoint' | 'alerts';

/** One condition that keeps the pipeline from being ready. */
export interface HealthCondition {
  readonly step: LiveStep | 'failed';
  /** The error's code (`EMFILE`, `ENOSPC`, `ERR_STORE`, …). */
  readonly code: string;
  readonly message: string;
  /** Wall-clock time it began (RFC 3339). */
  readonly since: string;
}

/** What {@link LivePipeline.health} reports. */
export interface LiveHealth {
  readonly state: 'ready' | 'degraded' | 'failed';
  readonly conditions: readonly HealthCondition[];
}

/** Wait before a held-up checkpoint is tried again. */
const RETRY_CHECKPOINT_MS = 1000;

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : JSON.stringify(e) ?? 'unknown failure');

/** The innermost code of an error chain (errno codes sit in causes). */
function codeOf(e: unknown): string {
  let code = 'ERROR';
  for (let x: unknown = e, d = 0; x instanceof Error && d < 8; x = x.cause, d++) {
    const c = (x as { code?: unknown }).code;
    if (typeof c === 'string') code = c;
  }
  return code;
}

/** Counters for metrics and health. */
export interface LiveStats {
  committed: Record<string, number>;
  duplicates: number;
  commits: number;
  checkpoints: number;
  rejectedBusy: number;
  queueDepth: number;
  reorderSize: number;
  watermark: number | null;
  sourceWatermarks: Record<string, number>;
  alertsChanged: number;
  /** Wall seconds the last checkpoint took (detection waits meanwhile). */
  lastCheckpointSeconds: number;
}

/** Events the engine takes between two turns of the event loop while a commit is in progress. */
const DETECT_SLICE = 4096;
/** Per commit: bounds one journal record (and so the work one commit holds up). */
const MAX_COMMIT_BYTES = 32 * 1024 * 1024;

/** See file header. */
export class LivePipeline {
  readonly engine: Engine;
  readonly queue: IngestQueue;
  readonly reorder: Reorder;
  readonly dedup: RecentIds;
  /** Judges event times before channels accept them (see `time-gate.ts`). */
  readonly gate: TimeGate;
  private readonly journal: Journal;
  private readonly log: LiveLog;
  private seq = 0;
  private lastCheckpoint = Date.now();
  private loop: Promise<void> | undefined;
  private stopping = false;
  private failure: unknown;
  private failedAt = '';
  private readonly held = new Map<LiveStep, HealthCondition>();
  /** Alerts and indicators drained from the engine but not stored yet (a held-up store). */
  private unsavedAlerts = new Map<string, Alert>();
  private unsavedIndicators: ReturnType<Engine['drainIndicators']> = [];
  private readonly counters: LiveStats;

  private constructor(private readonly opts: LiveOptions) {
    this.log = opts.log ?? SILENT_LOG;
    this.engine = new Engine({
      detectors: opts.detectors, ref: opts.ref,
      ...(opts.settings !== undefined && { settings: opts.settings }),
      ...(opts.onAlert !== undefined && { onAlert: opts.onAlert }),
    });
    this.queue = new IngestQueue({ maxEvents: opts.maxQueueEvents, maxBytes: opts.maxQueueBytes ?? 512 * 1024 * 1024 });
    this.reorder = new Reorder({ idleMs: opts.sourceIdleMs, maxEvents: opts.reorderMaxEvents });
    this.dedup = new RecentIds(opts.dedupHorizonMs);
    this.gate = new TimeGate({
      maxFutureMs: opts.maxFutureMs ?? DEFAULTS.live.maxFutureMs, maxLagMs: opts.maxLagMs ?? DEFAULTS.live.maxLagMs,
      sourceWatermark: (src) => this.reorder.sourceWatermark(src), watermark: () => this.engine.watermark,
    });
    this.journal = new Journal(opts.stateDir);
    this.counters = {
      committed: {}, duplicates: 0, commits: 0, checkpoints: 0, rejectedBusy: 0, queueDepth: 0,
      reorderSize: 0, watermark: null, sourceWatermarks: {}, alertsChanged: 0, lastCheckpointSeconds: 0,
    };
  }

  /** Opens the pipeline: restores the last checkpoint, replays the journal's tail, starts committing. */
  static async open(opts: LiveOptions): Promise<LivePipeline> {
    await mkdir(opts.stateDir, { recursive: true, mode: 0o700 });
    const p = new LivePipeline(opts);
    const r = await recover({
      store: opts.store, journal: p.journal, cpPath: checkpointPath(opts.stateDir),
      engine: p.engine, reorder: p.reorder, dedup: p.dedup, log: p.log,
    });
    for (const s of opts.expectSources ?? []) p.reorder.expect(s);
    p.seq = r.seq;
    p.reportRejected();
    p.advance();
    await p.drainAlerts();
    await p.checkpoint();
    p.loop = p.run();
    return p;
  }

  /** True when the pipeline failed for good: the service must be restarted (readiness reports it). */
  get failed(): boolean {
    return this.failure !== undefined;
  }

  /** Ready, degraded (which steps are held up, and why) or failed. */
  health(): LiveHealth {
    if (this.failure !== undefined) {
      const e = this.failure;
      return { state: 'failed', conditions: [{ step: 'failed', code: codeOf(e), message: messageOf(e), since: this.failedAt }] };
    }
    const conditions = [...this.held.values()];
    return { state: conditions.length > 0 ? 'degraded' : 'ready', conditions };
  }

  /** Records that `step` is held up by `e` (first occurrence kept: `since` is when it began). */
  private hold(step: LiveStep, e: unknown): void {
    if (this.held.has(step)) return;
    this.held.set(step, { step, code: codeOf(e), message: messageOf(e), since: new Date().toISOString() });
    this.log.warn({ step, code: codeOf(e) }, 'live pipeline degraded; retrying');
  }

  private clear(step: LiveStep): void {
    if (this.held.delete(step)) this.log.info({ step }, 'live pipeline recovered');
  }

  /** A failure of `step`: held up when it may pass, else final. */
  private trouble(step: LiveStep, e: unknown): void {
    if (isTransientError(e)) this.hold(step, e);
    else this.fail(e);
  }

  private reportRejected(): void {
    const rows = this.opts.store.drainRejected();
    if (rows.length === 0) return;
    this.log.warn({ rows: rows.length }, 'the store refused rows; they are quarantined');
    this.opts.onRejected?.(rows);
  }

  /** True when channels should hold back (HTTP 429, JetStream stops pulling). */
  get busy(): boolean {
    return this.queue.full;
  }

  /**
   * Offers one delivery's events. Resolves after they are durably stored; `undefined` when the
   * queue is full (nothing was taken). Rejects with ERR_STORE when the commit failed.
   */
  submit(d: Delivery): Promise<CommitOutcome> | undefined {
    if (this.failure !== undefined) return Promise.reject(new BreachwatchError('ERR_STORE', 'the store failed; restart the service'));
    if (this.stopping) return undefined;
    let entry: QueueEntry | undefined;
    const done = new Promise<CommitOutcome>((resolve, reject) => {
      entry = { ...d, resolve, reject };
    });
    if (!this.queue.offer(entry as unknown as QueueEntry)) {
      this.counters.rejectedBusy++;
      return undefined;
    }
    return done;
  }

  /** Current counters. */
  stats(): LiveStats {
    const c = this.counters;
    c.queueDepth = this.queue.depth;
    c.reorderSize = this.reorder.size;
    c.watermark = this.engine.watermark ?? null;
    c.sourceWatermarks = Object.fromEntries(this.reorder.watermarks());
    return c;
  }

  private async run(): Promise<void> {
    for (;;) {
      if (this.queue.empty) {
        // A quiet moment: make everything committed visible to queries now.
        await this.opts.store.flush().then(() => this.clear('store'), (e: unknown) => this.trouble('store', e));
        this.reportRejected();
        if (this.stopping) break;
        await this.queue.wait(200);
      }
      const entries = this.queue.take(this.opts.maxBatchEvents, MAX_COMMIT_BYTES);
      // Detection of what earlier commits released runs in slices while this commit's journal
      // write and store load proceed on other threads: the two overlap instead of taking turns.
      const detecting = this.advanceInSlices().catch((e: unknown) => this.fail(e));
      if (entries.length > 0) await this.commit(entries);
      await detecting;
      if (this.failure !== undefined) continue;
      try {
        this.advance();
      } catch (e) {
        this.fail(e);
        continue;
      }
      await this.drainAlerts().then(() => this.clear('alerts'), (e: unknown) => this.trouble('alerts', e));
      if (Date.now() - this.lastCheckpoint >= this.opts.checkpointMs) {
        await this.checkpoint().then(() => this.clear('checkpoint'), (e: unknown) => {
          this.trouble('checkpoint', e);
          // Try again soon, not a whole interval later.
          this.lastCheckpoint = Date.now() - this.opts.checkpointMs + RETRY_CHECKPOINT_MS;
        });
      }
    }
  }

  private fail(e: unknown): void {
    if (this.failure === undefined) this.failedAt = new Date().toISOString();
    this.failure ??= e;
    this.log.error({ err: e instanceof Error ? { message: e.message, code: (e as { code?: unknown }).code } : String(e) }, 'live pipeline failed');
  }

  private async commit(entries: QueueEntry[]): Promise<void> {
    if (this.failure !== undefined) {
      for (const e of entries) e.reject(new BreachwatchError('ERR_STORE', 'the store failed; restart the service'));
      return;
    }
    const seen = new Set<string>();
    const dups: number[] = [];
    const groups: CommitGroup[] = entries.map((en) => {
      if (en.key !== undefined) {
        if (seen.has(en.key) || this.dedup.has(en.key)) {
          dups.push(en.access.length + en.ledger.length);
          return { source: en.source, access: [], ledger: [] };
        }
        seen.add(en.key);
      }
      let d = 0;
      const access: AccessEvent[] = [];
      for (const e of en.access) {
        const id = e.request_id;
        if (id !== undefined) {
          if (seen.has(id) || this.dedup.has(id)) { d++; continue; }
          seen.add(id);
        }
        access.push(e);
      }
      dups.push(d);
      return { source: en.source, access, ledger: en.ledger, ...(en.key !== undefined && { key: en.key }) };
    });
    const seq = this.seq + 1;
    try {
      await this.journal.append({ seq, groups });
      this.clear('journal');
    } catch (e) {
      // Nothing of this commit is acknowledged; the senders retry (503 with Retry-After).
      this.trouble('journal', e);
      for (const en of entries) en.reject(new BreachwatchError('ERR_STORE', 'commit failed', { cause: e }));
      return;
    }
    this.seq = seq;
    this.counters.commits++;
    for (const g of groups) rememberIds(this.dedup, g);
    entries.forEach((en, i) => {
      const g = groups[i] as CommitGroup;
      const n = g.access.length + g.ledger.length;
      this.counters.committed[en.source] = (this.counters.committed[en.source] ?? 0) + n;
      this.counters.duplicates += dups[i] ?? 0;
      this.reorder.push(g.source, [...g.access, ...g.ledger]);
      en.resolve({ stored: n, duplicates: dups[i] ?? 0 });
    });
    // Durable in the journal and acknowledged; now staged for the store's background loads. A
    // failure here fails the service (readiness), and recovery commits what the store lacks.
    try {
      await this.opts.store.commit({ seq, access: groups.flatMap((g) => g.access), ledger: groups.flatMap((g) => g.ledger) });
    } catch (e) {
      this.fail(e);
    }
    this.reportRejected();
  }

  /** As {@link advance}, yielding to the event loop between slices of events. */
  private async advanceInSlices(): Promise<void> {
    const ready = this.reorder.release();
    for (let i = 0; i < ready.length; i += DETECT_SLICE) {
      this.engine.push(i === 0 && ready.length <= DETECT_SLICE ? ready : ready.slice(i, i + DETECT_SLICE));
      if (i + DETECT_SLICE < ready.length) await new Promise<void>((r) => setImmediate(r));
    }
  }

  /** Releases what the source watermarks allow into the engine. */
  private advance(): void {
    const ready = this.reorder.release();
    if (ready.length > 0) this.engine.push(ready);
    this.dedup.advance(this.engine.watermark);
  }

  /** Stores changed alerts and new indicators; what a held-up store refused waits for the next call. */
  private async drainAlerts(): Promise<void> {
    const changed = this.engine.drainChangedAlerts();
    this.counters.alertsChanged += changed.length;
    for (const a of changed) this.unsavedAlerts.set(a.alert_id, a);
    this.unsavedIndicators.push(...this.engine.drainIndicators());
    if (this.unsavedAlerts.size > 0) {
      await this.opts.store.upsertAlerts([...this.unsavedAlerts.values()]);
      this.unsavedAlerts = new Map();
    }
    if (this.unsavedIndicators.length > 0) {
      await this.opts.store.addIndicators(this.unsavedIndicators);
      this.unsavedIndicators = [];
    }
  }

  /** Writes a checkpoint covering every commit so far, then trims the journal. */
  async checkpoint(): Promise<void> {
    const started = performance.now();
    // Every journal record the checkpoint covers must be in the store before the journal loses it.
    await this.opts.store.flush();
    await writeCheckpoint(checkpointPath(this.opts.stateDir), {
      v: CHECKPOINT_VERSION, seq: this.seq, engine: this.engine.snapshot(),
      reorder: this.reorder.snapshot(), dedup: this.dedup.snapshot(), written: new Date().toISOString(),
    });
    // Under a legal hold the journal is never trimmed past what the store holds.
    const refusal = await journalTrimRefusal(this.opts.store, this.seq);
    if (refusal === undefined) await this.journal.rotate(this.seq + 1);
    else this.log.error({ code: refusal.code }, refusal.message);
    // Everything committed is on disk: the store's caches can go (flat memory over days).
    await this.opts.store.releaseMemory();
    this.lastCheckpoint = Date.now();
    this.counters.checkpoints++;
    const seconds = (performance.now() - started) / 1000;
    this.counters.lastCheckpointSeconds = seconds;
    if (seconds > 1) this.log.warn({ seconds: Number(seconds.toFixed(2)) }, 'slow checkpoint: alerts wait while it is written');
  }

  /**
   * Graceful stop: refuses new deliveries, commits what is queued, hands every buffered event
   * to the engine (no `finish`: a live service has no end of input), stores the alerts and
   * writes a final checkpoint. The store stays open (its owner closes it).
   */
  async close(): Promise<void> {
    this.stopping = true;
    await this.loop;
    if (this.failure === undefined) {
      const rest = this.reorder.releaseAll();
      if (rest.length > 0) this.engine.push(rest);
      await this.drainAlerts();
      await this.checkpoint();
    }
    await this.journal.close();
  }
}
