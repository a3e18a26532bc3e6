/**
 * The bounded queue between the ingest channels (HTTP, OTLP, JetStream) and the committer.
 * Capacity is counted in events and bytes; a channel asks {@link IngestQueue.offer} and gets
 * `false` when the queue is full (HTTP answers 429, JetStream stops pulling). Each entry
 * resolves once its events are durably committed — or rejects when the commit failed.
 */
import type { AccessEvent, LedgerEvent } from '../model/index.js';

/** What a commit reports back for one entry. */
export interface CommitOutcome {
  /** Events newly stored. */
  readonly stored: number;
  /** Access events already stored before (same `request_id`), not stored again. */
  readonly duplicates: number;
}

/** One channel's parsed events waiting for commit. */
export interface Delivery {
  readonly source: string;
  readonly access: readonly AccessEvent[];
  readonly ledger: readonly LedgerEvent[];
  /** The delivery's size on the wire (the queue's byte limit counts it). */
  readonly bytes: number;
  /** Delivery id (e.g. `nats:<stream>:<seq>`): a delivery committed before is dropped whole. */
  readonly key?: string;
}

/** A queued {@link Delivery} and the promise its submitter waits on. */
export interface QueueEntry extends Delivery {
  resolve(o: CommitOutcome): void;
  reject(e: unknown): void;
}

/** Limits of the queue. */
export interface QueueLimits {
  readonly maxEvents: number;
  readonly maxBytes: number;
}

/** FIFO of entries with event and byte counts. */
export class IngestQueue {
  private entries: QueueEntry[] = [];
  private head = 0;
  private events = 0;
  private bytes = 0;
  private waiter: (() => void) | undefined;

  constructor(private readonly limits: QueueLimits) {}

  /** True when no more should be offered (channels check this before reading a body). */
  get full(): boolean {
    return this.events >= this.limits.maxEvents || this.bytes >= this.limits.maxBytes;
  }

  /** Events waiting. */
  get depth(): number {
    return this.events;
  }

  /** Enqueues `e` unless the queue is full; an entry on its own always fits an empty queue. */
  offer(e: QueueEntry): boolean {
    const n = e.access.length + e.ledger.length;
    if (this.events > 0 && (this.events + n > this.limits.maxEvents || this.bytes + e.bytes > this.limits.maxBytes)) return false;
    this.entries.push(e);
    this.events += n;
    this.bytes += e.bytes;
    this.waiter?.();
    return true;
  }

  /** Takes entries up to `maxEvents`/`maxBytes` together (at least one when any waits). */
  take(maxEvents: number, maxBytes: number): QueueEntry[] {
    const out: QueueEntry[] = [];
    let n = 0;
    let b = 0;
    while (this.head < this.entries.length) {
      const e = this.entries[this.head] as QueueEntry;
      const k = e.access.length + e.ledger.length;
      if (out.length > 0 && (n + k > maxEvents || b + e.bytes > maxBytes)) break;
      out.push(e);
      n += k;
      b += e.bytes;
      this.head++;
    }
    this.events -= n;
    this.bytes -= b;
    // Taken entries must not stay reachable (they hold their events).
    if (this.head === this.entries.length) {
      this.entries = [];
      this.head = 0;
    } else if (this.head > 64 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
    return out;
  }

  get empty(): boolean {
    return this.head >= this.entries.length;
  }

  /** Resolves when something is offered, or after `ms`. */
  wait(ms: number): Promise<void> {
    if (!this.empty) return Promise.resolve();
    return new Promise((res) => {
      const timer = setTimeout(() => { this.waiter = undefined; res(); }, ms);
      this.waiter = () => { clearTimeout(timer); this.waiter = undefined; res(); };
    });
  }
}
