/**
 * A lazy expiry wheel over integer ids keyed by event time: an id is registered in the bucket
 * of its newest time (buckets of 1/16 of a timespan) and re-registered only when that time
 * moves to a later bucket. Once the watermark has passed a whole bucket by the timespan, each
 * id still registered there is passed to a callback that frees it. O(1)
 * amortized per update; an id is offered at most 1/16 of a timespan after it could go.
 */

/** Buckets of ids by newest event time. */
export class ExpiryWheel {
  private readonly buckets = new Map<number, number[]>();
  /** Id → bucket it is registered in (NaN: none). */
  private readonly at: number[] = [];
  /** Lowest bucket not yet expired. */
  private next = -Infinity;
  private readonly width: number;

  constructor(private readonly span: number) {
    this.width = Math.max(1, Math.ceil(span / 16));
  }

  /** Id `id`'s newest time is now `t`. */
  touch(id: number, t: number): void {
    let b = Math.floor(t / this.width);
    if (b < this.next) b = this.next;
    if (this.at[id] === b) return;
    while (this.at.length <= id) this.at.push(NaN);
    this.at[id] = b;
    const list = this.buckets.get(b);
    if (list) list.push(id); else this.buckets.set(b, [id]);
  }

  /** Forgets `id` (it was freed some other way). */
  drop(id: number): void {
    if (id < this.at.length) this.at[id] = NaN;
  }

  /** At watermark `w`, passes each id still registered in a passed bucket to `free`. */
  expire(w: number, free: (id: number) => void): void {
    // Bucket b holds times [b·width, (b+1)·width): it has passed when (b+1)·width − 1 ≤ w − span.
    const upto = Math.floor((w - this.span + 1) / this.width) - 1;
    if (upto < this.next) return;
    if (this.buckets.size === 0) { this.next = upto + 1; return; }
    const bs = upto - this.next > this.buckets.size ? [...this.buckets.keys()].filter((b) => b <= upto) : undefined;
    if (bs) for (const b of bs) this.run(b, free);
    else for (let b = this.next; b <= upto; b++) this.run(b, free);
    this.next = upto + 1;
  }

  private run(b: number, free: (id: number) => void): void {
    const list = this.buckets.get(b);
    if (!list) return;
    this.buckets.delete(b);
    for (const id of list) {
      if (this.at[id] !== b) continue;
      this.at[id] = NaN;
      free(id);
    }
  }

  /** Forgets everything. */
  clear(): void {
    this.buckets.clear();
    this.at.length = 0;
    this.next = -Infinity;
  }
}
