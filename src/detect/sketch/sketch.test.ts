/** Accuracy and snapshot round-trips of the counting sketches. */
import { describe, expect, it } from 'vitest';
import { hash30 } from '../hash.js';
import { DistinctCounter } from './distinct-counter.js';
import { SlidingHll } from './sliding-hll.js';
import { TopK } from './top-k.js';

describe('DistinctCounter', () => {
  it('is exact when small and within 5% when large', () => {
    const c = new DistinctCounter();
    for (let i = 0; i < 100; i++) c.add(hash30(`m-${i}`));
    for (let i = 0; i < 100; i++) c.add(hash30(`m-${i}`));
    expect(c.count()).toBe(100);
    for (let i = 100; i < 20_000; i++) c.add(hash30(`m-${i}`));
    expect(Math.abs(c.count() - 20_000) / 20_000).toBeLessThan(0.05);
    const r = DistinctCounter.restore(JSON.parse(JSON.stringify(c.snapshot())) as ReturnType<DistinctCounter['snapshot']>);
    expect(r.count()).toBe(c.count());
  });
});

describe('SlidingHll', () => {
  it('answers different windows from one sketch', () => {
    const s = new SlidingHll();
    // 10 new accounts per minute for 600 minutes
    let n = 0;
    for (let minute = 0; minute < 600; minute++) {
      for (let j = 0; j < 10; j++) s.add(hash30(`acct-${n++}`), minute);
    }
    const last60 = s.estimate(599, 59);
    const all = s.estimate(599, 10_000);
    expect(Math.abs(last60 - 600) / 600).toBeLessThan(0.2);
    expect(Math.abs(all - 6000) / 6000).toBeLessThan(0.2);
    expect(s.estimate(599 + 10_000, 60)).toBe(0);
  });
  it('counts repeats once and survives JSON snapshot', () => {
    const s = new SlidingHll();
    for (let k = 0; k < 5; k++) for (let i = 0; i < 40; i++) s.add(hash30(`a${i}`), k);
    const e = s.estimate(4, 100);
    expect(e).toBeGreaterThanOrEqual(36);
    expect(e).toBeLessThanOrEqual(44);
    const r = SlidingHll.restore(JSON.parse(JSON.stringify(s.snapshot())) as ReturnType<SlidingHll['snapshot']>);
    expect(r.estimate(4, 100)).toBe(e);
    r.purge(5);
    expect(r.estimate(4, 100)).toBe(0);
  });
});

describe('TopK', () => {
  it('keeps the heavy hitters', () => {
    const t = new TopK(3);
    for (let i = 0; i < 50; i++) t.add('10.0.0.1');
    for (let i = 0; i < 20; i++) t.add(`x${i}`);
    expect(t.top(1)[0]?.key).toBe('10.0.0.1');
  });
});
