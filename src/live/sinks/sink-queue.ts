/**
 * A sink's own queue: alerts are handed over without waiting (detection never blocks on a
 * sink), delivered one at a time by a background worker with retries and exponential backoff,
 * and when the queue is full the oldest alert is dropped and counted.
 */
import type { Alert } from '../../model/index.js';

/** Delivers one alert; throws (or rejects) on failure. */
export type Deliver = (a: Alert) => Promise<void>;

/** Settings of a {@link SinkQueue}. */
export interface SinkQueueOptions {
  readonly name: string;
  readonly max: number;
  readonly retries: number;
  readonly backoffMs: number;
  /** Waits before a retry (tests may shorten). */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Counters of one sink. */
export interface SinkStats {
  readonly delivered: number;
  readonly failed: number;
  readonly dropped: number;
  readonly queued: number;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms).unref());

/** Bounded, drop-oldest, retrying delivery queue. */
export class SinkQueue {
  private buf: Alert[] = [];
  private running: Promise<void> | undefined;
  private delivered = 0;
  private failed = 0;
  private dropped = 0;
  private closed = false;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(readonly opts: SinkQueueOptions, private readonly deliver: Deliver) {
    this.sleep = opts.sleep ?? defaultSleep;
  }

  /** Hands `a` over; never waits. */
  publish(a: Alert): void {
    if (this.closed) return;
    if (this.buf.length >= this.opts.max) {
      this.buf.shift();
      this.dropped++;
    }
    this.buf.push(a);
    this.running ??= this.work().finally(() => { this.running = undefined; });
  }

  stats(): SinkStats {
    return { delivered: this.delivered, failed: this.failed, dropped: this.dropped, queued: this.buf.length };
  }

  private async work(): Promise<void> {
    for (let a = this.buf.shift(); a !== undefined; a = this.buf.shift()) {
      let ok = false;
      for (let attempt = 0; attempt <= this.opts.retries && !ok; attempt++) {
        if (attempt > 0) {
          if (this.closed) break;
          await this.sleep(this.opts.backoffMs * 2 ** (attempt - 1));
        }
        try {
          await this.deliver(a);
          ok = true;
        } catch {
          // The next attempt (or the failure counter) handles it.
        }
      }
      if (ok) this.delivered++;
      else this.failed++;
    }
  }

  /** Waits for queued alerts to be tried (bounded by `ms`), then stops taking new ones. */
  async close(ms = 5000): Promise<void> {
    const idle = this.running ?? Promise.resolve();
    await Promise.race([idle, new Promise((r) => setTimeout(r, ms).unref())]);
    this.closed = true;
  }
}
