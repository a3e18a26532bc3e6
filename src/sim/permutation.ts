/**
 * A keyed pseudo-random permutation of [0, n) in O(1) memory: a bijection on the next power
 * of two (odd multiplies and xor-shifts, both invertible mod 2^k) with cycle walking.
 * Attackers walk victims in this order, so the victim sequence looks random.
 */
import type { Rng } from './rng.js';

/** Maps an index in [0, n) to a distinct index in [0, n). */
export class Permutation {
  private readonly bits: number;
  private readonly mask: number;
  private readonly m1: number;
  private readonly m2: number;
  private readonly add: number;

  constructor(readonly n: number, rng: Rng) {
    let bits = 1;
    while (2 ** bits < n) bits++;
    this.bits = bits;
    this.mask = bits >= 32 ? 0xffffffff : 2 ** bits - 1;
    this.m1 = (rng.u32() | 1) >>> 0;
    this.m2 = (rng.u32() | 1) >>> 0;
    this.add = rng.u32();
  }

  private step(x: number): number {
    const half = Math.max(1, this.bits >>> 1);
    x = (Math.imul(x, this.m1) + this.add) & this.mask;
    x = (x ^ (x >>> half)) & this.mask;
    x = Math.imul(x, this.m2) & this.mask;
    return (x ^ (x >>> half)) >>> 0;
  }

  /** The image of `i` (0 ≤ i < n). */
  at(i: number): number {
    let x = this.step(i) >>> 0;
    while (x >= this.n) x = this.step(x) >>> 0;
    return x;
  }
}
