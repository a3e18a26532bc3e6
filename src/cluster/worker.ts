/**
 * `worker`: one partition of partitioned detection. A durable pull consumer on the
 * partition's subject (explicit acks) feeds the partition's engines (`engines.ts`) strictly in
 * the partition's event order (by each message's offset, so the same input published twice
 * with other message boundaries is applied once); partition 0 also stores every event. At each checkpoint the worker stores the
 * alerts and indicators that changed, flushes the store, writes its checkpoint (engine state
 * and the next message number) and only then acks the messages it covers. A worker killed at
 * any point restarts from its checkpoint: it makes its consumer again from the message after
 * the checkpoint (so the partition is redelivered now, not after the ack wait), acks and skips
 * what the checkpoint already covers, and the store drops what it holds already (events by
 * identity, alerts by id, latest version). Asked to stop (`stop`, SIGTERM), it finishes the
 * message in hand, checkpoints (stores, writes its state, acks) and returns `stopped`; a
 * restart goes on from there with nothing stored twice. See docs/CLUSTER.md.
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
  /** When aborted, the worker checkpoints after the message in hand and returns (`stopped`). */
  readonly stop?: AbortSignal;
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
  /** Stopped (`stop`) before the end of its partition, after a checkpoint: a restart goes on from it. */
  readonly stopped: boolean;
  /** Messages 0 … next-1 of the partition are covered by the checkpoint. */
  readonly next: number;
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
    return { partition: N, partitions: P, resumedAt: saved.next, messages: 0, events: saved.events, alerts: 0, alreadyDone: true, stopped: false, next: saved.next, seconds: 0, cpuSeconds: cpuSeconds() };
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
      alerts: engines.all().reduce((n, x) => n + x.engine.alerts().length, 0), alreadyDone: false, stopped: !run.ended, next: run.next,
      seconds: (performance.now() - started) / 1000, cpuSeconds: cpuSeconds(),
    };
  } finally {
    await run.close();
    await store.close();
    await link.nc.drain().catch(() => undefined);
  }
}

/** Events a message holds (0 for the end mark). */
function lengthOf(m: ClusterMessage): number {
  return isEnd(m) ? 0 : m.e.length;
}

/** True when every event of batch `m` is applied by a worker at partition offset `applied` (an end mark never is). */
function covered(m: ClusterMessage, applied: number): boolean {
  return !isEnd(m) && m.i + m.e.length <= applied;
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
  /** The next message number to apply. */
  next: number;
  /** Stream sequence of the last message applied. */
  private seq: number;
  private t0: number | null;
  private started: boolean;
  /** The partition's end-of-input mark was applied. */
  ended = false;
  private unacked: JsMsg[] = [];
  /** Messages that arrived before their turn (a redelivery reorders), by the offset of their first event. */
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
    const stopped = (): boolean => opts.stop?.aborted === true;
    while (!this.ended && !stopped()) {
      // The fetch is drained first: processing inside its iteration would starve its heartbeats.
      const batch: JsMsg[] = [];
      try {
        for await (const msg of await consumer.fetch({ max_messages: 64, expires: 1000 })) batch.push(msg);
      } catch (e) {
        // what was delivered before the failure is processed; the rest comes again after the ack wait
        opts.log?.(`partition ${opts.partition}/${opts.partitions}: fetch failed (${e instanceof Error ? e.message : String(e)}); retrying`);
      }
      for (const msg of batch) {
        // asked to stop: the rest of the fetch is not taken (unacked, it comes again after the checkpoint)
        if (stopped()) break;
        await this.take(msg);
        if (this.ended) break;
        if (this.sinceCheckpoint >= every || performance.now() - this.lastCheckpoint >= maxMs) await this.checkpoint();
      }
      if (!this.ended && this.sinceCheckpoint > 0 && performance.now() - this.lastCheckpoint >= maxMs) await this.checkpoint();
      this.progress();
    }
    if (!this.ended) await this.checkpoint();
  }

  /**
   * One delivered message, placed by the offset of its first event in the partition: skipped
   * when every event of it is applied already, held when it starts past what is applied, else
   * applied from the first event not yet applied (a message of the same input published with
   * other boundaries overlaps; see message.ts). A message of another input (its first event
   * time differs) is refused.
   */
  private async take(msg: JsMsg): Promise<void> {
    const { stream, partition } = this.x.opts;
    const m = decodeMessage(msg.data, `stream ${stream} message ${msg.seq}`);
    if (m.p !== partition) {
      throw new BreachwatchError('ERR_INPUT_INVALID', `stream ${stream} message ${msg.seq} is for partition ${m.p}, not ${partition}`);
    }
    if (this.started && m.t0 !== this.t0) {
      throw new BreachwatchError('ERR_STATE', `stream ${stream} message ${msg.seq} is of another input than the one this worker's checkpoint follows (its first event time differs): publish each input to its own stream, or start the workers with a fresh --state`);
    }
    this.unacked.push(msg);
    if (covered(m, this.events)) return;
    if (m.i > this.events) { this.hold(msg, m); return; }
    await this.apply(m, msg.seq);
    for (let held = this.nextHeld(); held !== undefined && !this.ended; held = this.nextHeld()) await this.apply(held.m, held.msg.seq);
  }

  /** Holds an early message; of two starting at the same offset the longer is kept (it covers the other). */
  private hold(msg: JsMsg, m: ClusterMessage): void {
    const had = this.early.get(m.i);
    if (had === undefined || lengthOf(m) > lengthOf(had.m)) this.early.set(m.i, { msg, m });
  }

  /** A held message that can be applied now (those wholly covered meanwhile are dropped). */
  private nextHeld(): { msg: JsMsg; m: ClusterMessage } | undefined {
    for (const [i, held] of this.early) {
      if (i > this.events) continue;
      this.early.delete(i);
      if (!covered(held.m, this.events)) return held;
    }
    return undefined;
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
    // events before this worker's offset were applied from an overlapping message
    const skip = this.events - m.i;
    const e = skip > 0 ? m.e.slice(skip) : m.e;
    engines.push(e, skip > 0 ? m.w.slice(skip) : m.w);
    this.events += e.length;
    if (this.x.opts.partition === GLOBAL_PARTITION) {
      const access: AccessEvent[] = [];
      const ledger: LedgerEvent[] = [];
      for (const x of e) {
        if (x.kind === 'access') access.push(x);
        else ledger.push(x);
      }
      if (access.length > 0) await store.appendAccess(access);
      if (ledger.length > 0) await store.appendLedger(ledger);
    }
  }

  /**
   * Stores what changed, flushes, writes the checkpoint, then acks what it covers. Nothing
   * before the first message is applied (a checkpoint then would skip the engines' start).
   */
  private async checkpoint(): Promise<void> {
    if (!this.started) return;
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
