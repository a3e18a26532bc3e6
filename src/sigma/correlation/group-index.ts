/**
 * Interns correlation group keys as small integer slots, shared by the correlations that group
 * by the same fields: an event's group key is looked up once, not once per correlation. A slot
 * lives while any sharer's window can still hold it (its newest time is within the longest
 * sharer's timespan); then a lazy expiry wheel (buckets of 1/16 of that timespan) frees it and
 * bumps its generation, so a sharer still holding state for the old key sees it as stale.
 */
import { ExpiryWheel } from './wheel.js';

/** Group key ↔ slot, shared by correlations with the same group-by fields. */
export class GroupIndex {
  private readonly slots = new Map<string, number>();
  /** Slot → key (undefined: free). */
  readonly keys: (string | undefined)[] = [];
  /** Slot → generation (bumped when freed). */
  readonly gens: number[] = [];
  /** Slot → newest occurrence time. */
  private readonly last: number[] = [];
  private readonly freeSlots: number[] = [];
  private wheel: ExpiryWheel;
  private span = 1;
  private watermark = -Infinity;

  constructor() { this.wheel = new ExpiryWheel(1); }

  /** Lets a correlation with timespan `span` share the index (before use). */
  share(span: number): void {
    if (span > this.span) { this.span = span; this.wheel = new ExpiryWheel(span); }
  }

  /** Live slots. */
  get size(): number { return this.slots.size; }

  /** The slot of `key` (allocated when absent), its newest time raised to `t`. */
  slot(key: string, t: number): number {
    if (t > this.watermark) { this.watermark = t; this.expire(t); }
    let s = this.slots.get(key);
    if (s === undefined) {
      s = this.freeSlots.pop();
      if (s === undefined) { s = this.keys.length; this.keys.push(key); this.gens.push(0); this.last.push(t); }
      else { this.keys[s] = key; this.last[s] = t; }
      this.slots.set(key, s);
      this.wheel.touch(s, t);
    } else if (t > this.last[s]!) {
      this.last[s] = t;
      this.wheel.touch(s, t);
    }
    return s;
  }

  /** Frees the slots no sharer's window can hold at watermark `w`. */
  expire(w: number): void {
    if (w > this.watermark) this.watermark = w;
    const horizon = w - this.span;
    this.wheel.expire(w, (s) => {
      const k = this.keys[s];
      if (k === undefined || this.last[s]! > horizon) return;
      this.slots.delete(k);
      this.keys[s] = undefined;
      this.gens[s]!++;
      this.freeSlots.push(s);
    });
  }

  /** Approximate bytes held. */
  bytes(): number {
    let n = this.keys.length * 24;
    for (const k of this.slots.keys()) n += 48 + k.length * 2;
    return n;
  }
}
