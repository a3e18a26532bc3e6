/**
 * `worker`: one partition of partitioned detection. A durable pull consumer on the
 * partition's subject (explicit acks) feeds the partition's engines (`engines.ts`) strictly in
 * message order; partition 0 also stores every event. At each checkpoint the worker stores the
 * alerts and indicators that changed, flushes the store, writes its checkpoint (engine state
 * and the next message number) and only then acks the messages it covers. A worker killed at
 * any point restarts from its checkpoint: it makes its consumer again from the message after
 * the checkpoint (so the partition is redelivered now, not after the ack wait), acks and skips
 * what the checkpoint already covers, and the store drops what it holds already (events by
 * identity, alerts by id, latest version). See docs/CLUSTER.md.
 */
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { AccessEvent, LedgerEvent, ReferenceData } from '../model/index.js';
import { BreachwatchError, DEFAULTS } from '../model/index.js';
import { loadReference, QuarantineWriter, type ReferencePaths } from '../ingest/index.js';
import type { DetectSettings } from '../detect/index.js';
import type { Store } from '../store/index.js';
import { detectSettings, openStore, storeLocation } from '../compose/index.js';
import type { JsMsg } from '@nats-io/jetstream';
import { cpuSeconds } from './cpu.js';
import { PartitionEngines } from './engines.js';
import { decodeMessage, isEnd, subjectOf, type ClusterMessage } from './message.js';
import { connectJetStream, ensureStream, type JetStreamLink } from './nats-connect.js';
import { GLOBAL_PARTITION } from './routing.js';
import { readWorkerState, statePath, writeWorkerState, WORKER_STATE_VERSION, type WorkerState } from './worker-state.js';

/** What `worker` takes. */
export interface WorkerOptions extends ReferencePaths {
  readonly partition: number;
  readonly partitions: number;
  readonly nats: string;
  readonly stream: string;
  readonly subjectPrefix?: string;
  /** Store URL; shared by all workers, so `clickhouse://…` when there is more than one. */
  readonly store: string;
  /** Folder of the worker's checkpoint (keep it across restarts). */
  readonly state: string;
  readonly sigma?: readonly string[];
  readonly settings?: Partial<DetectSettings>;
  readonly checkpointMessages?: number;
  readonly checkpointMs?: number;
  /** One line now and then (progress), and on resume. */
  readonly log?: (line: string) => void;
}

/** What a worker did in this run. */
export interface WorkerSummary {
  readonly partition: number;
  readonly partitions: number;
  /** Message number this run started from (0: from the beginning). */
  readonly resumedAt: number;
  /** Messages processed in this run (duplicates and already-checkpointed ones not counted). */
  readonly messages: number;
  /** Events of the partition processed, over all runs. */
  readonly events: number;
  /** Alerts this partition's engines hold. */
  readonly alerts: number;
  readonly alreadyDone: boolean;
  readonly seconds: number;
  /** CPU time of this process (user + system), for the cost model. */
  readonly cpuSeconds: number;
}

/** Runs a worker until its partition's end-of-input mark is processed. */
export async function worker(opts: WorkerOptions): Promise<WorkerSummary> {
  const { partition: N, partitions: P } = opts;
  if (!Number.isInteger(P) || P < 1 || P > 1024) throw new BreachwatchError('ERR_USAGE', '--partitions must be an integer from 1 to 1024');
  if (!Number.isInteger(N) || N < 0 || N >= P) throw new BreachwatchError('ERR_USAGE', `--partition must be an integer from 0 to ${P - 1}`);
  const location = storeLocation(opts.store);
  if (location.scheme === 'duckdb' && P > 1) {
    throw new BreachwatchError('ERR_USAGE', 'a DuckDB store belongs to one process: several workers share a clickhouse:// store');
  }
  const started = performance.now();
  const prefix = opts.subjectPrefix ?? DEFAULTS.cluster.subjectPrefix;
  const subject = subjectOf(prefix, N);
  const stateDir = resolve(opts.state);
  const path = statePath(stateDir, opts.stream, N, P);
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const saved = await readWorkerState(path, { stream: opts.stream, subject, partition: N, partitions: P });
  if (saved?.ended === true) {
    return { partition: N, partitions: P, resumedAt: saved.next, messages: 0, events: saved.events, alerts: 0, alreadyDone: true, seconds: 0, cpuSeconds: cpuSeconds() };
  }
  const ref = await loadReference(opts);
  const settings = detectSettings(opts.settings);
  const engines = await PartitionEngines.build({ partition: N, partitions: P, ref, settings, ...(opts.sigma !== undefined && { sigma: opts.sigma }) });
  if (saved !== undefined) {
    try { engines.restore(saved.engines); } catch (e) {
      throw new BreachwatchError('ERR_STATE', `worker checkpoint ${path} does not fit this detector set: ${e instanceof Error ? e.message : String(e)}`);
    }
    opts.log?.(`partition ${N}/${P}: resuming at message ${saved.next} (${saved.events} events done)`);
  }
  const store = await openShared(opts.store);
  const link = await connectJetStream(opts.nats, `breachwatch-worker-${N}`);
  const run = new PartitionRun({ opts, engines, store, link, ref, path, stateDir, subject, saved });
  try {
    if (saved === undefined && N === GLOBAL_PARTITION) {
      await store.putKeys(ref.keys);
      await store.putCatalog(ref.catalog);
    }
    await run.consume();
    return {
      partition: N, partitions: P, resumedAt: saved?.next ?? 0, messages: run.processed, events: run.events,
      alerts: engines.all().reduce((n, x) => n + x.engine.alerts().length, 0), alreadyDone: false,
      seconds: (performance.now() - started) / 1000, cpuSeconds: cpuSeconds(),
    };
  } finally {
    await run.close();
    await store.close();
    await link.nc.drain().catch(() => undefined);
  }
}

/** Opens the shared store, creating its tables when missing (workers may race to create them). */
async function openShared(url: string): Promise<Store> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await openStore(url, 'bulk', { fresh: false });
    } catch (e) {
      if (attempt >= 4) throw e;
      await new Promise((r) => setTimeout(r, 200 + Math.random() * 400));
    }
  }
}

interface RunParts {
  readonly opts: WorkerOptions;
  readonly engines: PartitionEngines;
  readonly store: Store;
  readonly link: JetStreamLink;
  readonly ref: ReferenceData;
  readonly path: string;
  readonly stateDir: string;
  readonly subject: string;
  readonly saved: WorkerState | undefined;
}

/** One run of a worker over its consumer: ordering, storing, checkpoints, acks. */
class PartitionRun {
  processed = 0;
  events: number;
  private next: number;
  /** Stream sequence of the last message applied. */
  private seq: number;
  private t0: number | null;
  private started: boolean;
  private ended = false;
  private unacked: JsMsg[] = [];
  /** Messages that arrived before their turn (a redelivery reorders), by number. */
  private readonly early = new Map<number, { msg: JsMsg; m: ClusterMessage }>();
  private sinceCheckpoint = 0;
  private lastCheckpoint = performance.now();
  private lastLog = performance.now();
  private readonly quarantine: QuarantineWriter;

  constructor(private readonly x: RunParts) {
    this.next = x.saved?.next ?? 0;
    this.seq = x.saved?.seq ?? 0;
    this.events = x.saved?.events ?? 0;
    this.t0 = x.saved?.t0 ?? null;
    this.started = x.saved !== undefined;
    this.quarantine = new QuarantineWriter(`${x.path.replace(/\.json$/, '')}.quarantine.ndjson`);
  }

  async consume(): Promise<void> {
    const { opts, link, subject } = this.x;
    const { AckPolicy, DeliverPolicy } = link.lib;
    const every = opts.checkpointMessages ?? DEFAULTS.cluster.checkpointMessages;
    const name = `bw-${subject}-of-${opts.partitions}`.replace(/[^A-Za-z0-9_-]/g, '_');
    // The consumer is this worker's alone. A predecessor that died holds messages unacked
    // until the ack wait runs out; instead the consumer is made again at the checkpoint, so
    // everything after it is redelivered now (and what was acked but not checkpointed, too).
    await ensureStream(link, opts.stream, opts.subjectPrefix ?? DEFAULTS.cluster.subjectPrefix);
    await link.jsm.consumers.delete(opts.stream, name).catch(() => false);
    const from = this.seq > 0
      ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: this.seq + 1 }
      : { deliver_policy: DeliverPolicy.All };
    try {
      await link.jsm.consumers.add(opts.stream, {
        durable_name: name, ack_policy: AckPolicy.Explicit, ...from, filter_subject: subject,
        ack_wait: DEFAULTS.cluster.ackWaitMs * 1_000_000, max_ack_pending: Math.max(1000, every * 4),
      });
    } catch (e) {
      throw new BreachwatchError('ERR_STATE', `cannot create consumer ${name} on stream ${opts.stream}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    const consumer = await link.js.consumers.get(opts.stream, name);
    const maxMs = opts.checkpointMs ?? DEFAULTS.cluster.checkpointMs;
    while (!this.ended) {
      // The fetch is drained first: processing inside its iteration would starve its heartbeats.
      const batch: JsMsg[] = [];
      try {
        for await (const msg of await consumer.fetch({ max_messages: 64, expires: 1000 })) batch.push(msg);
      } catch (e) {
        // what was delivered before the failure is processed; the rest comes again after the ack wait
        opts.log?.(`partition ${opts.partition}/${opts.partitions}: fetch failed (${e instanceof Error ? e.message : String(e)}); retrying`);
      }
      for (const msg of batch) {
        await this.take(msg);
        if (this.ended) break;
        if (this.sinceCheckpoint >= every || performance.now() - this.lastCheckpoint >= maxMs) await this.checkpoint();
      }
      if (!this.ended && this.sinceCheckpoint > 0 && performance.now() - this.lastCheckpoint >= maxMs) await this.checkpoint();
      this.progress();
    }
  }

  /** One delivered message: skipped when already reflected, held when early, else processed. */
  private async take(msg: JsMsg): Promise<void> {
    const m = decodeMessage(msg.data, `stream ${this.x.opts.stream} message ${msg.seq}`);
    if (m.p !== this.x.opts.partition) {
      throw new BreachwatchError('ERR_INPUT_INVALID', `stream ${this.x.opts.stream} message ${msg.seq} is for partition ${m.p}, not ${this.x.opts.partition}`);
    }
    this.unacked.push(msg);
    if (m.n < this.next) return;
    if (m.n > this.next) { this.early.set(m.n, { msg, m }); return; }
    await this.apply(m, msg.seq);
    for (let held = this.early.get(this.next); held !== undefined && !this.ended; held = this.early.get(this.next)) {
      this.early.delete(held.m.n);
      await this.apply(held.m, held.msg.seq);
    }
  }

  private async apply(m: ClusterMessage, seq: number): Promise<void> {
    const { engines, store } = this.x;
    if (!this.started) {
      this.started = true;
      this.t0 = m.t0;
      engines.start(m.t0);
    }
    this.next = m.n + 1;
    this.seq = seq;
    this.processed++;
    this.sinceCheckpoint++;
    if (isEnd(m)) {
      if (m.end.events !== this.events) {
        throw new BreachwatchError('ERR_STATE', `partition ${m.p}: ship sent ${m.end.events} events, this worker processed ${this.events}`);
      }
      engines.finish(m.end.wm);
      this.ended = true;
      await this.checkpoint();
      return;
    }
    engines.push(m.e, m.w);
    this.events += m.e.length;
    if (this.x.opts.partition === GLOBAL_PARTITION) {
      const access: AccessEvent[] = [];
      const ledger: LedgerEvent[] = [];
      for (const e of m.e) {
        if (e.kind === 'access') access.push(e);
        else ledger.push(e);
      }
      if (access.length > 0) await store.appendAccess(access);
      if (ledger.length > 0) await store.appendLedger(ledger);
    }
  }

  /** Stores what changed, flushes, writes the checkpoint, then acks what it covers. */
  private async checkpoint(): Promise<void> {
    const { engines, store, opts, path, stateDir, subject } = this.x;
    for (const { engine } of engines.all()) {
      const changed = engine.drainChangedAlerts();
      if (changed.length > 0) await store.upsertAlerts(changed);
      const ind = engine.drainIndicators();
      if (ind.length > 0) await store.addIndicators(ind);
    }
    await store.flush();
    for (const r of store.drainRejected()) {
      this.quarantine.write({ file: r.file, line: r.line, reason: 'store_refused', message: r.error, excerpt: r.excerpt });
    }
    await writeWorkerState(path, stateDir, {
      v: WORKER_STATE_VERSION, stream: opts.stream, subject, partition: opts.partition, partitions: opts.partitions,
      next: this.next, seq: this.seq, t0: this.t0, events: this.events, ended: this.ended, engines: engines.snapshot(),
      written: new Date().toISOString(),
    });
    // held (early) messages are not covered yet: they stay unacked and come again if we die
    const early = new Set([...this.early.values()].map((h) => h.msg));
    const keep: JsMsg[] = [];
    for (const msg of this.unacked) {
      if (early.has(msg)) keep.push(msg);
      else msg.ack();
    }
    this.unacked = keep;
    this.sinceCheckpoint = 0;
    this.lastCheckpoint = performance.now();
  }

  private progress(): void {
    const now = performance.now();
    if (now - this.lastLog < 5_000) return;
    this.lastLog = now;
    this.x.opts.log?.(`partition ${this.x.opts.partition}/${this.x.opts.partitions}: message ${this.next}, ${this.events} events`);
  }

  async close(): Promise<void> {
    await this.quarantine.close();
  }
}
