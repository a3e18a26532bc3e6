/**
 * The seeded generator, the uint32 bijection and the index permutation.
 */
import { describe, expect, it } from 'vitest';
import { Permutation } from './permutation.js';
import { hex8, permute32, Rng } from './rng.js';

describe('Rng', () => {
  it('repeats a sequence for a seed and differs across seeds and streams', () => {
    const a = new Rng(7);
    const b = new Rng(7);
    const seqA = Array.from({ length: 50 }, () => a.u32());
    expect(Array.from({ length: 50 }, () => b.u32())).toEqual(seqA);
    const c = new Rng(8);
    expect(Array.from({ length: 50 }, () => c.u32())).not.toEqual(seqA);
    const d = new Rng(7, 1);
    expect(Array.from({ length: 50 }, () => d.u32())).not.toEqual(seqA);
  });

  it('draws floats in [0, 1) with a plausible mean', () => {
    const r = new Rng(1);
    let sum = 0;
    for (let i = 0; i < 20000; i++) {
      const x = r.float();
      expect(x >= 0 && x < 1).toBe(true);
      sum += x;
    }
    expect(Math.abs(sum / 20000 - 0.5)).toBeLessThan(0.02);
  });

  it('draws Poisson counts with the requested mean', () => {
    const r = new Rng(2);
    const l = Math.exp(-0.3);
    let sum = 0;
    for (let i = 0; i < 20000; i++) sum += r.poissonL(l);
    expect(Math.abs(sum / 20000 - 0.3)).toBeLessThan(0.02);
  });
});

describe('permute32 and hex8', () => {
  it('maps distinct inputs to distinct outputs', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 100000; i++) seen.add(permute32(i, 0xdeadbeef));
    expect(seen.size).toBe(100000);
  });

  it('prints eight hex digits', () => {
    expect(hex8(0)).toBe('00000000');
    expect(hex8(0xdeadbeef)).toBe('deadbeef');
    expect(hex8(0x1a)).toBe('0000001a');
  });
});

describe('Permutation', () => {
  it.each([1, 2, 7, 1000, 4096, 4097])('is a permutation of [0, %i)', (n) => {
    const p = new Permutation(n, new Rng(n));
    const seen = new Set<number>();
    for (let i = 0; i < n; i++) {
      const x = p.at(i);
      expect(x >= 0 && x < n).toBe(true);
      seen.add(x);
    }
    expect(seen.size).toBe(n);
  });

  it('does not keep the identity order', () => {
    const p = new Permutation(1000, new Rng(3));
    let fixed = 0;
    for (let i = 0; i < 1000; i++) if (p.at(i) === i) fixed++;
    expect(fixed).toBeLessThan(20);
  });
});
