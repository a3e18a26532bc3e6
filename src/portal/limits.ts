/**
 * Fixed-window request limits by key (an identifier key, a client address, or one global
 * key). Windows that have ended are swept, so a map holds only keys seen in the current
 * window. `take` answers how many seconds to wait when the key is over its limit.
 */

/** One limit: at most `max` per `windowMs` and key. */
export class WindowLimit {
  private readonly counts = new Map<string, { n: number; resetAt: number }>();
  private nextSweep = 0;

  constructor(private readonly max: number, private readonly windowMs: number, private readonly now: () => number) {}

  /** Counts one request for `key`; undefined when allowed, else the seconds until the window resets. */
  take(key: string): number | undefined {
    const t = this.now();
    if (t >= this.nextSweep) {
      for (const [k, v] of this.counts) if (v.resetAt <= t) this.counts.delete(k);
      this.nextSweep = t + this.windowMs;
    }
    let c = this.counts.get(key);
    if (c === undefined || c.resetAt <= t) {
      c = { n: 0, resetAt: t + this.windowMs };
      this.counts.set(key, c);
    }
    c.n++;
    return c.n > this.max ? Math.max(1, Math.ceil((c.resetAt - t) / 1000)) : undefined;
  }

  /** Keys tracked now (for the memory bench). */
  get size(): number { return this.counts.size; }
}
