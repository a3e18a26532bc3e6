/**
 * NATS JetStream ingest: one durable pull consumer per configured subject (filter_subject, so
 * it works on nats-server 2.9 as well as later ones), explicit acks. Each message is an NDJSON
 * delivery of its subject's kind (access or ledger); it is acked only after its events are
 * durably committed — a message whose lines were all quarantined is acked too (bad input is
 * data, never redelivered forever). Each message carries its delivery id
 * `nats:<stream>:<stream seq>`, so a redelivery of a committed message is not stored twice.
 * When the pipeline is busy the consumer does not pull (JetStream keeps the backlog).
 */
import type { Consumer, JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { EventKind, ParseContext } from './parse-lines.js';
import { parseDelivery, type JwtSettler } from './parse-lines.js';
import type { LivePipeline } from './pipeline.js';
import type { LiveLog } from './log.js';

/** The `nats` section of the serve config. */
export interface NatsSettings {
  readonly servers: readonly string[];
  readonly stream: string;
  readonly subjects: { readonly access: readonly string[]; readonly ledger: readonly string[] };
  readonly durable: string;
  readonly batch: number;
}

/** What the consumer feeds. */
export interface JetStreamTarget {
  readonly pipeline: LivePipeline;
  readonly parse: ParseContext;
  readonly settler: JwtSettler;
  readonly onQuarantine?: (source: string, reasons: Record<string, number>) => void;
}

/** A running consumer. */
export interface JetStreamConsumer {
  /** Messages acked since start. */
  acked(): number;
  close(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A durable consumer name that NATS accepts (no dots, wildcards or spaces). */
function durableName(base: string, kind: EventKind, i: number): string {
  return `${base}-${kind}-${i}`.replace(/[^A-Za-z0-9_-]/g, '_');
}

/** Commits one message; resolves when it may be acked (or must be nak'd). */
async function handle(m: JsMsg, kind: EventKind, stream: string, t: JetStreamTarget): Promise<'ack' | 'nak'> {
  const source = `nats-${kind}`;
  const p = await parseDelivery(Buffer.from(m.data), { kind, file: `nats:${m.subject}:${m.seq}`, source, feed: `nats:${m.subject}` }, t.parse);
  await t.settler.settle();
  t.onQuarantine?.(source, p.reasons);
  // A refused message (too many bad lines) is acked: redelivering it cannot make it better.
  if (p.refused !== undefined) return 'ack';
  if (p.access.length + p.ledger.length === 0) return 'ack';
  for (;;) {
    const done = t.pipeline.submit({ source, access: p.access, ledger: p.ledger, bytes: m.data.length, key: `nats:${stream}:${m.seq}` });
    if (done !== undefined) {
      try { await done; return 'ack'; } catch { return 'nak'; }
    }
    if (t.pipeline.failed) return 'nak';
    await sleep(50);
  }
}

/** What every pull loop of one {@link startJetStream} shares: settings, target, stop flag, ack count, log. */
interface PullRun {
  readonly s: NatsSettings;
  readonly t: JetStreamTarget;
  readonly stop: { v: boolean };
  readonly count: { n: number };
  readonly log: LiveLog;
}

async function pull(c: Consumer, kind: EventKind, run: PullRun): Promise<void> {
  const { s, t, stop, count, log } = run;
  while (!stop.v) {
    if (t.pipeline.busy || t.pipeline.failed) { await sleep(50); continue; }
    try {
      const msgs = await c.fetch({ max_messages: s.batch, expires: 1000 });
      const work: Promise<void>[] = [];
      for await (const m of msgs) {
        work.push(handle(m, kind, s.stream, t).then((r) => {
          if (r === 'ack') { m.ack(); count.n++; } else m.nak(1000);
        }));
      }
      await Promise.all(work);
    } catch (e) {
      if (stop.v) break;
      log.warn({ err: e instanceof Error ? e.message : String(e) }, 'jetstream fetch failed; retrying');
      await sleep(500);
    }
  }
}

/** Connects, ensures the durable consumers exist, and starts pulling (the NATS client is loaded here, on first use). */
export async function startJetStream(s: NatsSettings, t: JetStreamTarget, log: LiveLog): Promise<JetStreamConsumer> {
  const [{ AckPolicy, DeliverPolicy, jetstream, jetstreamManager }, { connect }] = await Promise.all([import('@nats-io/jetstream'), import('@nats-io/transport-node')]);
  const nc: NatsConnection = await connect({ servers: [...s.servers], name: 'breachwatch-serve' });
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  const stop = { v: false };
  const count = { n: 0 };
  const run: PullRun = { s, t, stop, count, log };
  const loops: Promise<void>[] = [];
  for (const kind of ['access', 'ledger'] as const) {
    for (const [i, subject] of s.subjects[kind].entries()) {
      const name = durableName(s.durable, kind, i);
      await jsm.consumers.add(s.stream, {
        durable_name: name, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All,
        filter_subject: subject, ack_wait: 30_000_000_000, max_ack_pending: Math.max(1000, s.batch * 4),
      });
      const c = await js.consumers.get(s.stream, name);
      loops.push(pull(c, kind, run));
    }
  }
  log.info({ stream: s.stream, consumers: loops.length }, 'jetstream consumers started');
  return {
    acked: () => count.n,
    async close() {
      stop.v = true;
      await Promise.all(loops);
      await nc.drain();
    },
  };
}
