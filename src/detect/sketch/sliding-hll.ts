/**
 * Sliding HyperLogLog ("LPFM": list of possible future maxima). Each of the 2^8 registers
 * keeps a short list of (minute, rank) pairs, oldest first with strictly decreasing rank; a
 * pair is dropped as soon as a newer pair of equal or higher rank arrives, because it can no
 * longer be the maximum of any window ending now or later. The distinct count over ANY window
 * [now − w, now] is the HLL estimate over, per register, the first pair inside the window.
 *
 * Memory is fixed: 256 registers × 6 slots × 4 bytes + 256 lengths ≈ 6.4 KiB, whatever the
 * number of distinct items. When a list is full its oldest pair is dropped, which can only
 * under-count very long windows (rare: lists hold ~ln(n/256)+1 pairs on average).
 * Input hashes are 30-bit (see `hash30`); times are whole minutes (any epoch, < 2^26).
 */
import { hllEstimate, rankOf } from './hll-math.js';

const P = 8;
const M = 1 << P;
const K = 6;
const REST_BITS = 30 - P;
/** 2^-r for every possible rank. */
const INV = Float64Array.from({ length: 32 }, (_, r) => 2 ** -r);

/** JSON form of a {@link SlidingHll}. */
export interface SlidingHllState {
  readonly s: string;
  readonly l: string;
}

/** Distinct counter answering "how many distinct in the last w minutes" for any w. */
export class SlidingHll {
  private readonly slots = new Uint32Array(M * K);
  private readonly lens = new Uint8Array(M);

  /** Adds 30-bit hash `h` seen at `minute` (late minutes are treated as the newest seen). */
  add(h: number, minute: number): void {
    const idx = h >>> REST_BITS;
    const r = rankOf(h & ((1 << REST_BITS) - 1), REST_BITS);
    const base = idx * K;
    let len = this.lens[idx] as number;
    const slots = this.slots;
    if (len > 0) {
      const lastMin = (slots[base + len - 1] as number) >>> 5;
      if (minute < lastMin) minute = lastMin;
    }
    while (len > 0 && ((slots[base + len - 1] as number) & 31) <= r) len--;
    if (len === K) {
      slots.copyWithin(base, base + 1, base + K);
      len--;
    }
    slots[base + len] = ((minute << 5) | r) >>> 0;
    this.lens[idx] = len + 1;
  }

  /** Estimated distinct hashes added in minutes [now − window, now]. */
  estimate(now: number, window: number): number {
    const cutoff = now - window;
    const slots = this.slots;
    let sum = 0;
    let zeros = 0;
    for (let i = 0; i < M; i++) {
      const base = i * K;
      const len = this.lens[i] as number;
      let r = 0;
      for (let j = 0; j < len; j++) {
        const v = slots[base + j] as number;
        if (v >>> 5 >= cutoff) {
          r = v & 31;
          break;
        }
      }
      sum += INV[r] as number;
      if (r === 0) zeros++;
    }
    return Math.round(hllEstimate(M, sum, zeros));
  }

  /**
   * Estimates for several windows in one pass over the registers: `out[w]` = distinct hashes
   * in [now − windows[w], now]. `windows` must be ascending.
   */
  estimateMany(now: number, windows: readonly number[], out: number[]): void {
    const nw = windows.length;
    const sums = new Float64Array(nw);
    const zeros = new Int32Array(nw);
    const slots = this.slots;
    for (let i = 0; i < M; i++) {
      const base = i * K;
      const len = this.lens[i] as number;
      // entries are oldest first with decreasing rank: for each window, the first entry inside it
      let j = 0;
      for (let w = nw - 1; w >= 0; w--) {
        const cutoff = now - (windows[w] as number);
        while (j < len && (slots[base + j] as number) >>> 5 < cutoff) j++;
        const r = j < len ? (slots[base + j] as number) & 31 : 0;
        sums[w] = (sums[w] as number) + (INV[r] as number);
        if (r === 0) zeros[w] = (zeros[w] as number) + 1;
      }
    }
    for (let w = 0; w < nw; w++) out[w] = Math.round(hllEstimate(M, sums[w] as number, zeros[w] as number));
  }

  /** Drops pairs older than `cutoff` minutes (they can never be in a queried window again). */
  purge(cutoff: number): void {
    const slots = this.slots;
    for (let i = 0; i < M; i++) {
      const base = i * K;
      const len = this.lens[i] as number;
      let drop = 0;
      while (drop < len && (slots[base + drop] as number) >>> 5 < cutoff) drop++;
      if (drop > 0) {
        slots.copyWithin(base, base + drop, base + len);
        this.lens[i] = len - drop;
      }
    }
  }

  /** Bytes held. */
  bytes(): number {
    return this.slots.byteLength + this.lens.byteLength + 64;
  }

  snapshot(): SlidingHllState {
    return {
      s: Buffer.from(this.slots.buffer, this.slots.byteOffset, this.slots.byteLength).toString('base64'),
      l: Buffer.from(this.lens).toString('base64'),
    };
  }

  /** Rebuilds from {@link SlidingHll.snapshot} output. */
  static restore(s: SlidingHllState): SlidingHll {
    const h = new SlidingHll();
    const sb = Buffer.from(s.s, 'base64');
    h.slots.set(new Uint32Array(sb.buffer.slice(sb.byteOffset, sb.byteOffset + sb.byteLength)));
    h.lens.set(Buffer.from(s.l, 'base64'));
    return h;
  }
}
