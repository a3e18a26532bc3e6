/**
 * Approximate distinct counter for 30-bit hashes: exact up to {@link EXACT_LIMIT} values,
 * then a HyperLogLog with 2^11 registers (~2.3 % standard error, 2 KiB). Never shrinks.
 */
import { hllEstimate, rankOf } from './hll-math.js';

const EXACT_LIMIT = 128;
const P = 11;
const M = 1 << P;
const REST_BITS = 30 - P;

/** JSON form of a {@link DistinctCounter}. */
export type DistinctCounterState = { e: number[] } | { r: string };

/** Distinct count of 30-bit hashes (see `hash30`). */
export class DistinctCounter {
  private exact: Set<number> | null = new Set<number>();
  private regs: Uint8Array | null = null;
  /** Σ 2^-register and the number of zero registers, kept as registers change so count() is O(1). */
  private sum = M;
  private zeros = M;

  /** Adds a 30-bit hash. */
  add(h: number): void {
    const ex = this.exact;
    if (ex !== null) {
      ex.add(h);
      if (ex.size > EXACT_LIMIT) this.upgrade(ex);
      return;
    }
    this.addReg(this.regs as Uint8Array, h);
  }

  /** Current (estimated) count. */
  count(): number {
    if (this.exact !== null) return this.exact.size;
    return Math.round(hllEstimate(M, this.sum, this.zeros));
  }

  /** Approximate bytes held. */
  bytes(): number {
    return this.exact !== null ? 48 + this.exact.size * 16 : 64 + M;
  }

  snapshot(): DistinctCounterState {
    if (this.exact !== null) return { e: [...this.exact] };
    return { r: Buffer.from(this.regs as Uint8Array).toString('base64') };
  }

  /** Rebuilds a counter from {@link DistinctCounter.snapshot} output. */
  static restore(s: DistinctCounterState): DistinctCounter {
    const c = new DistinctCounter();
    if ('e' in s) {
      for (const h of s.e) c.add(h);
    } else {
      c.exact = null;
      c.regs = new Uint8Array(Buffer.from(s.r, 'base64'));
      c.sum = 0;
      c.zeros = 0;
      for (const r of c.regs) {
        c.sum += 2 ** -r;
        if (r === 0) c.zeros++;
      }
    }
    return c;
  }

  private upgrade(ex: Set<number>): void {
    const regs = new Uint8Array(M);
    for (const h of ex) this.addReg(regs, h);
    this.regs = regs;
    this.exact = null;
  }

  private addReg(regs: Uint8Array, h: number): void {
    const idx = h >>> REST_BITS;
    const r = rankOf(h & ((1 << REST_BITS) - 1), REST_BITS);
    const old = regs[idx] as number;
    if (r <= old) return;
    regs[idx] = r;
    this.sum += 2 ** -r - 2 ** -old;
    if (old === 0) this.zeros--;
  }
}
