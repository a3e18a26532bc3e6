/**
 * Seeded pseudo-random numbers for the simulator: xoshiro128** (32-bit state words, fast in
 * JS) seeded through splitmix32, plus a keyed 32-bit bijection for ids that must be unique.
 * Nothing here reads Math.random or the clock, so a seed fully determines a run.
 */

/** splitmix32 step, used to expand a seed into generator state. */
function splitmix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  let z = x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** A deterministic generator: xoshiro128**. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** `seed` is any integer; `stream` separates independent sequences drawn from one seed. */
  constructor(seed: number, stream = 0) {
    let s = (seed ^ Math.imul(stream + 1, 0x632be5ab)) | 0;
    s = splitmix32(s);
    this.a = s;
    s = splitmix32(s + 1);
    this.b = s;
    s = splitmix32(s + 2);
    this.c = s;
    s = splitmix32(s + 3);
    this.d = s | 1;
  }

  /** Uniform uint32. */
  u32(): number {
    const r = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return r;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.u32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** Uniform integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + Math.floor(this.float() * (hi - lo + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.float() < p;
  }

  /** Exponential with the given mean. */
  exp(mean: number): number {
    return -Math.log(1 - this.float()) * mean;
  }

  /** Poisson draw from a precomputed `l = exp(-lambda)` (Knuth; lambda is small here). */
  poissonL(l: number): number {
    let k = 0;
    let p = this.float();
    while (p > l) {
      k++;
      p *= this.float();
    }
    return k;
  }

  /** One element of a non-empty array. */
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)] as T;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** A keyed bijection on uint32: distinct inputs give distinct outputs (for unique ids). */
export function permute32(x: number, key: number): number {
  x = (x ^ key) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  x = (x ^ (x >>> 16)) + key;
  return x >>> 0;
}

const H4 = Array.from({ length: 65536 }, (_, i) => i.toString(16).padStart(4, '0'));

/** Eight lowercase hex digits of a uint32. */
export function hex8(x: number): string {
  return (H4[x >>> 16] ?? '0000') + (H4[x & 0xffff] ?? '0000');
}
