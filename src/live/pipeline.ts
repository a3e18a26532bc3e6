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
 */
import { mkdir } from 'node:fs/promises';
import type { AccessEvent, Alert, LedgerEvent, ReferenceData } from '../model/index.js';
import { BreachwatchError } from '../model/index.js';
import { Engine } from '../detect/index.js';
import type { Detector, DetectSettings } from '../detect/index.js';
import type { AlertStore, IngestStore, StoreOperations } from '../store/index.js';
import { CHECKPOINT_VERSION, checkpointPath, writeCheckpoint } from './checkpoint.js';
import { maxTime, rememberIds } from './commit-ids.js';
import { IngestQueue, type CommitOutcome, type QueueEntry } from './ingest-queue.js';
import { Journal, type CommitGroup } from './journal.js';
import { SILENT_LOG, type LiveLog } from './log.js';
import { RecentIds } from './recent-ids.js';
import { recover } from './recover.js';
import { Reorder } from './reorder.js';

/** The store roles the live pipeline uses: sequenced commits, alerts, and releasing memory. */
export type LiveStore = IngestStore & AlertStore & Pick<StoreOperations, 'releaseMemory'>;

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
  /** Channels expected to deliver (see {@link Reorder.expect}). */
  readonly expectSources?: readonly string[];
  readonly onAlert?: (a: Alert) => void;
  readonly log?: LiveLog;
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
  private readonly journal: Journal;
  private readonly log: LiveLog;
  private seq = 0;
  private lastCheckpoint = Date.now();
  private loop: Promise<void> | undefined;
  private stopping = false;
  private failure: unknown;
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
    this.journal = new Journal(opts.stateDir);
    this.counters = {
      committed: {}, duplicates: 0, commits: 0, checkpoints: 0, rejectedBusy: 0, queueDepth: 0,
      reorderSize: 0, watermark: null, sourceWatermarks: {}, alertsChanged: 0, lastCheckpointSeconds: 0,
    };
  }

  /** Opens the pipeline: restores the last checkpoint, replays the journal's tail, starts committing. */
  static async open(opts: LiveOptions): Promise<LivePipeline> {
    await mkdir(opts.stateDir, { recursive: true });
    const p = new LivePipeline(opts);
    const r = await recover({
      store: opts.store, journal: p.journal, cpPath: checkpointPath(opts.stateDir),
      engine: p.engine, reorder: p.reorder, dedup: p.dedup, log: p.log,
    });
    for (const s of opts.expectSources ?? []) p.reorder.expect(s);
    p.seq = r.seq;
    p.advance();
    await p.drainAlerts();
    await p.checkpoint();
    p.loop = p.run();
    return p;
  }

  /** True when the store failed: the service must be restarted (readiness reports it). */
  get failed(): boolean {
    return this.failure !== undefined;
  }

  /** True when channels should hold back (HTTP 429, JetStream stops pulling). */
  get busy(): boolean {
    return this.queue.full;
  }

  /**
   * Offers one delivery's events. Resolves after they are durably stored; `undefined` when the
   * queue is full (nothing was taken). Rejects with ERR_STORE when the commit failed.
   */
  submit(source: string, access: readonly AccessEvent[], ledger: readonly LedgerEvent[], bytes: number, key?: string): Promise<CommitOutcome> | undefined {
    if (this.failure !== undefined) return Promise.reject(new BreachwatchError('ERR_STORE', 'the store failed; restart the service'));
    if (this.stopping) return undefined;
    let entry: QueueEntry | undefined;
    const done = new Promise<CommitOutcome>((resolve, reject) => {
      entry = { source, access, ledger, bytes, resolve, reject, ...(key !== undefined && { key }) };
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
        await this.opts.store.flush().catch((e: unknown) => this.fail(e));
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
        await this.drainAlerts();
        if (Date.now() - this.lastCheckpoint >= this.opts.checkpointMs) await this.checkpoint();
      } catch (e) {
        this.fail(e);
      }
    }
  }

  private fail(e: unknown): void {
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
        if (seen.has(en.key) || this.dedup.has(en.key, maxTime(en))) {
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
          if (seen.has(id) || this.dedup.has(id, e.t)) { d++; continue; }
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
    } catch (e) {
      this.fail(e);
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
  }

  private async drainAlerts(): Promise<void> {
    const changed = this.engine.drainChangedAlerts();
    if (changed.length > 0) {
      this.counters.alertsChanged += changed.length;
      await this.opts.store.upsertAlerts(changed);
    }
    const ind = this.engine.drainIndicators();
    if (ind.length > 0) await this.opts.store.addIndicators(ind);
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
    await this.journal.rotate(this.seq + 1);
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
