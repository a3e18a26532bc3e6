/**
 * `ship`: parses access and ledger files (or stdin) with the shared parsers, as `hunt` does
 * (bad lines quarantined with file, line and reason; counts add up), merges them in event
 * time and publishes them to a JetStream stream, partitioned on the publisher side (see
 * `routing.ts` and docs/CLUSTER.md): subject `<prefix>.<p>`, batches of `batchEvents` events
 * per message, each message with a stable `Nats-Msg-Id` so that a re-run inside the stream's
 * duplicate window publishes nothing twice, and an end-of-input mark to every partition.
 *
 * Stdin is a live feed: when it brings nothing for `pauseFlushMs`, what was read goes out at
 * once in partial messages (their boundaries then depend on the feed's pauses, so only a
 * re-run of files publishes the same messages). `stop` (SIGTERM) stops reading, publishes what
 * the stream yielded (from files, a prefix of the whole run's events, so a re-run completes it;
 * see `EventStreamOptions.stop`), and sends no end-of-input mark (`finished: false`).
 */
import { resolve } from 'node:path';
import type { PipelineEvent } from '../model/index.js';
import { BreachwatchError, DEFAULTS } from '../model/index.js';
import { Catalog, QuarantineWriter, loadReference, openEventStream } from '../ingest/index.js';
import type { IngestProgress, IngestStats } from '../ingest/index.js';
import { RouteTable } from '../detect/index.js';
import type { Progress } from '../pipeline/index.js';
import { fmtCount } from '../pipeline/index.js';
import { cpuSeconds } from './cpu.js';
import { encodeMessage, MESSAGE_VERSION, subjectOf, type ClusterMessage } from './message.js';
import { connectJetStream, ensureStream, type JetStreamLink } from './nats-connect.js';
import { Router } from './routing.js';

/** What `ship` takes. */
export interface ShipOptions {
  readonly access: readonly string[];
  readonly ledger: readonly string[];
  readonly keys?: string;
  readonly catalog?: string;
  /** NATS server URL(s), comma-separated. */
  readonly nats: string;
  readonly stream: string;
  readonly partitions: number;
  readonly subjectPrefix?: string;
  readonly batchEvents?: number;
  readonly quarantine: string;
  readonly strict?: boolean;
  readonly reorderBoundMs?: number;
  /** A live feed (stdin) quiet this long has what was read published (default `DEFAULTS.cluster.pauseFlushMs`). */
  readonly pauseFlushMs?: number;
  /** Stops reading when aborted (SIGTERM): what was read is published, without an end-of-input mark. */
  readonly stop?: AbortSignal;
  readonly progress?: Progress;
}

/** What a ship published. */
export interface ShipSummary {
  readonly stats: IngestStats;
  readonly quarantine: string;
  readonly partitions: number;
  /** Events sent to each partition (partition 0 gets every event). */
  readonly events: readonly number[];
  readonly messages: number;
  /** Messages the stream already held (a re-run): dropped by JetStream's dedup. */
  readonly duplicates: number;
  /** False when stopped before the end of the input: no end-of-input mark was sent, workers wait for more. */
  readonly finished: boolean;
  /** Published events per input event (the routing's cost). */
  readonly copiesPerEvent: number;
  readonly seconds: number;
  /** CPU time of this process (user + system), for the cost model. */
  readonly cpuSeconds: number;
}

/** Publishes that may be in flight at once (they arrive in order on the one connection). */
const IN_FLIGHT = 64;

/** Runs a ship and returns its summary. */
export async function ship(opts: ShipOptions): Promise<ShipSummary> {
  const P = opts.partitions;
  if (!Number.isInteger(P) || P < 1 || P > 1024) throw new BreachwatchError('ERR_USAGE', '--partitions must be an integer from 1 to 1024');
  if (opts.access.length === 0 && opts.ledger.length === 0) throw new BreachwatchError('ERR_USAGE', 'ship needs --access or --ledger files (- for stdin)');
  const started = performance.now();
  const prefix = opts.subjectPrefix ?? DEFAULTS.cluster.subjectPrefix;
  const perMessage = opts.batchEvents ?? DEFAULTS.cluster.batchEvents;
  const ref = await loadReference({
    ...(opts.keys !== undefined && { keys: opts.keys }),
    ...(opts.catalog !== undefined && { catalog: opts.catalog }),
  });
  const link = await connectJetStream(opts.nats, 'breachwatch-ship');
  const quarantinePath = resolve(opts.quarantine);
  const quarantine = new QuarantineWriter(quarantinePath);
  try {
    await ensureStream(link, opts.stream, prefix);
    const router = new Router(P, new RouteTable(ref.catalog));
    let read: IngestProgress = { bytesRead: 0, bytesTotal: 0, events: 0 };
    const stream = openEventStream({
      access: [...opts.access], ledger: [...opts.ledger], catalog: new Catalog(ref.catalog), keys: ref.keys,
      reorderBoundMs: opts.reorderBoundMs ?? DEFAULTS.ingest.reorderBoundMs, strict: opts.strict ?? false, quarantine,
      onProgress: (p) => { read = p; },
      pauseFlushMs: opts.pauseFlushMs ?? DEFAULTS.cluster.pauseFlushMs,
      ...(opts.stop !== undefined && { stop: opts.stop }),
    });
    const pub = new Publisher(link, opts.stream, prefix, P);
    const pending: { e: PipelineEvent[]; w: (number | null)[] }[] = Array.from({ length: P }, () => ({ e: [], w: [] }));
    let t0: number | null = null;
    let wm = -Infinity;
    let input = 0;
    const full: number[] = [];
    const sendPartial = async (): Promise<void> => {
      for (let p = 0; p < P; p++) {
        const q = pending[p]!;
        if (q.e.length === 0) continue;
        pending[p] = { e: [], w: [] };
        await pub.send(p, (n, i) => ({ v: MESSAGE_VERSION, p, n, i, t0, e: q.e, w: q.w }));
      }
    };
    for await (const batch of stream) {
      for (const e of batch) {
        if (t0 === null) t0 = e.t;
        const before = wm === -Infinity ? null : wm;
        router.route(e, (p) => {
          const q = pending[p]!;
          q.e.push(e);
          q.w.push(before);
          if (q.e.length >= perMessage) full.push(p);
        });
        if (e.t > wm) wm = e.t;
        input++;
        for (const p of full) {
          const q = pending[p]!;
          pending[p] = { e: [], w: [] };
          await pub.send(p, (n, i) => ({ v: MESSAGE_VERSION, p, n, i, t0, e: q.e, w: q.w }));
        }
        full.length = 0;
      }
      // a quiet live feed: what was read goes out now, not when a message fills
      if (stream.atPause()) {
        await sendPartial();
        await pub.settle();
      }
      opts.progress?.update(`ship: ${read.bytesTotal > 0 ? `${((100 * read.bytesRead) / read.bytesTotal).toFixed(1)}% ` : ''}${fmtCount(input)} events, ${fmtCount(pub.messages)} messages`);
    }
    await sendPartial();
    const finished = !stream.stopped();
    // stopped before the end: the workers must not finish on what they have
    for (let p = 0; p < P && finished; p++) {
      await pub.send(p, (n, i) => ({ v: MESSAGE_VERSION, p, n, i, t0, end: { wm: wm === -Infinity ? null : wm, events: i } }));
    }
    await pub.settle();
    await quarantine.close();
    opts.progress?.done();
    const sent = pub.events.reduce((a, b) => a + b, 0);
    return {
      stats: stream.stats(), quarantine: quarantinePath, partitions: P, events: [...pub.events], messages: pub.messages,
      duplicates: pub.duplicates, finished, copiesPerEvent: input === 0 ? 0 : sent / input, seconds: (performance.now() - started) / 1000, cpuSeconds: cpuSeconds(),
    };
  } finally {
    await quarantine.close().catch(() => undefined);
    await link.nc.drain().catch(() => undefined);
  }
}

/** Numbers each partition's messages and keeps a window of publishes in flight. */
class Publisher {
  readonly events: number[];
  messages = 0;
  duplicates = 0;
  private readonly next: number[];
  private inflight: Promise<void>[] = [];

  constructor(private readonly link: JetStreamLink, private readonly stream: string, private readonly prefix: string, P: number) {
    this.events = new Array<number>(P).fill(0);
    this.next = new Array<number>(P).fill(0);
  }

  /** Publishes partition `p`'s next message (built with its number and the offset of its first event). */
  async send(p: number, build: (n: number, i: number) => ClusterMessage): Promise<void> {
    const n = this.next[p]!;
    this.next[p] = n + 1;
    const m = build(n, this.events[p]!);
    if (!('end' in m)) this.events[p]! += m.e.length;
    const subject = subjectOf(this.prefix, p);
    const { data, id } = encodeMessage(subject, m);
    const max = this.link.nc.info?.max_payload;
    if (max !== undefined && data.length > max) {
      throw new BreachwatchError('ERR_USAGE', `a message of ${'e' in m ? m.e.length : 0} events is ${data.length} bytes, over the server's max_payload of ${max}: give a smaller --batch`);
    }
    this.messages++;
    const done = this.link.js.publish(subject, data, { msgID: id, expect: { streamName: this.stream }, timeout: 30_000 })
      .then((ack) => { if (ack.duplicate) this.duplicates++; });
    this.inflight.push(done);
    if (this.inflight.length >= IN_FLIGHT) {
      const batch = this.inflight;
      this.inflight = [];
      await Promise.all(batch);
    }
  }

  /** Waits for every publish to be acknowledged by the stream. */
  async settle(): Promise<void> {
    const batch = this.inflight;
    this.inflight = [];
    await Promise.all(batch);
  }
}
