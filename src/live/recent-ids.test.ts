/** Dedup set: horizon in event time, snapshot/restore. */
import { describe, expect, it } from 'vitest';
import { RecentIds } from './recent-ids.js';

describe('RecentIds', () => {
  it('remembers ids within the horizon and forgets them two horizons later', () => {
    const r = new RecentIds(1000);
    r.add('a', 0);
    expect(r.has('a', 500)).toBe(true);
    expect(r.has('a', 1500)).toBe(true);
    expect(r.has('a', 3500)).toBe(false);
  });

  it('survives snapshot and restore', () => {
    const r = new RecentIds(1000);
    r.add('a', 0);
    r.add('b', 1200);
    const s = new RecentIds(1000);
    s.restore(JSON.parse(JSON.stringify(r.snapshot())) as ReturnType<RecentIds['snapshot']>);
    expect(s.has('a', 1300)).toBe(true);
    expect(s.has('b', 1300)).toBe(true);
    expect(s.has('c', 1300)).toBe(false);
  });

  it('restores a checkpoint written before ids were hashed (ids as strings)', () => {
    const s = new RecentIds(1000);
    s.restore({ genEnd: 2000, current: ['b'], previous: ['a'] });
    expect(s.has('a', 1300)).toBe(true);
    expect(s.has('b', 1300)).toBe(true);
    expect(s.has('c', 1300)).toBe(false);
  });

  it('snapshots many ids compactly and exactly', () => {
    const r = new RecentIds(60_000);
    for (let i = 0; i < 50_000; i++) r.add(`r-${i}`, 10);
    const snap = JSON.stringify(r.snapshot());
    expect(snap.length).toBeLessThan(50_000 * 12);
    const s = new RecentIds(60_000);
    s.restore(JSON.parse(snap) as ReturnType<RecentIds['snapshot']>);
    let held = 0;
    for (let i = 0; i < 50_000; i++) if (s.has(`r-${i}`, 20)) held++;
    expect(held).toBe(50_000);
    expect(s.has('r-50000', 20)).toBe(false);
    expect(s.size).toBe(50_000);
  });
});
