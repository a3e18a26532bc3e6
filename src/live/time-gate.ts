/**
 * Bounds on the event time a live source may deliver, judged before an event is accepted.
 * One event dated 9999-12-31 once became its source's watermark: every real event after it was
 * "late", token deadlines never fired and a forged-token replay raised no alert. So:
 *
 * - **future**: an event more than `maxFutureMs` ahead of the server's clock is quarantined
 *   (`future_time`). This is the one place the wall clock is consulted, and only as an upper
 *   bound on what is plausible — never to judge an event. A source's own recent events cannot
 *   raise the bound: a source could otherwise walk it forward one tolerance at a time.
 * - **stale**: an event more than `maxLagMs` behind its source's watermark, or behind the
 *   engine's, is quarantined (`stale_time`): it could not be deduplicated or detected on in
 *   time, and a source whose watermark sat in year 1 would hold every other source back.
 *
 * Events inside the bounds are judged by event time alone, as in `hunt`; archives from the past
 * replay unchanged.
 */

/** Why an event's time was refused. */
export interface TimeVerdict {
  readonly reason: 'future_time' | 'stale_time';
  readonly message: string;
}

/** Options of {@link TimeGate}. */
export interface TimeGateOptions {
  readonly maxFutureMs: number;
  readonly maxLagMs: number;
  /** The source's watermark so far (highest accepted event time), if any. */
  readonly sourceWatermark: (source: string) => number | undefined;
  /** The engine's watermark, if any. */
  readonly watermark: () => number | undefined;
  /** Wall clock (tests pass their own). */
  readonly now?: () => number;
}

const iso = (t: number): string => (Number.isFinite(t) && Math.abs(t) < 8.64e15 ? new Date(t).toISOString() : String(t));

/** Judges event times per source; see file header. */
export class TimeGate {
  private readonly now: () => number;

  constructor(private readonly opts: TimeGateOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** The latest plausible event time now. */
  latest(): number {
    return this.now() + this.opts.maxFutureMs;
  }

  /** `undefined` when an event of `source` at `t` may be accepted, else why not. */
  judge(source: string, t: number): TimeVerdict | undefined {
    const latest = this.latest();
    if (t > latest) {
      return { reason: 'future_time', message: `time ${iso(t)} is more than ${this.opts.maxFutureMs} ms ahead of the server's clock` };
    }
    const own = this.opts.sourceWatermark(source);
    const all = this.opts.watermark();
    const ref = Math.max(own ?? -Infinity, all ?? -Infinity);
    if (t < ref - this.opts.maxLagMs) {
      return { reason: 'stale_time', message: `time ${iso(t)} is more than ${this.opts.maxLagMs} ms behind the watermark ${iso(ref)}` };
    }
    return undefined;
  }
}
