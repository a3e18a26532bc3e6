/** Dedup set: horizon in the pipeline's watermark, snapshot/restore. */
import { describe, expect, it } from 'vitest';
import { RecentIds } from './recent-ids.js';

describe('RecentIds', () => {
  it('remembers ids until the watermark has moved two horizons on', () => {
    const r = new RecentIds(1000);
    r.advance(0);
    r.add('a');
    r.advance(500);
    expect(r.has('a')).toBe(true);
    r.advance(1500);
    expect(r.has('a')).toBe(true);
    r.advance(3500);
    expect(r.has('a')).toBe(false);
  });

  it('cannot be rotated away by one far jump of the watermark: one generation ends per step', () => {
    const r = new RecentIds(1000);
    r.advance(0);
    r.add('a');
    r.advance(253_402_300_799_000);
    expect(r.has('a')).toBe(true);
    r.advance(Infinity);
    r.advance(undefined);
    expect(r.has('a')).toBe(true);
  });

  it('survives snapshot and restore', () => {
    const r = new RecentIds(1000);
    r.advance(0);
    r.add('a');
    r.advance(1200);
    r.add('b');
    const s = new RecentIds(1000);
    s.restore(JSON.parse(JSON.stringify(r.snapshot())) as ReturnType<RecentIds['snapshot']>);
    s.advance(1300);
    expect(s.has('a')).toBe(true);
    expect(s.has('b')).toBe(true);
    expect(s.has('c')).toBe(false);
  });

  it('restores a checkpoint written before ids were hashed (ids as strings)', () => {
    const s = new RecentIds(1000);
    s.restore({ genEnd: 2000, current: ['b'], previous: ['a'] });
    expect(s.has('a')).toBe(true);
    expect(s.has('b')).toBe(true);
    expect(s.has('c')).toBe(false);
  });

  it('snapshots many ids compactly and exactly', () => {
    const r = new RecentIds(60_000);
    for (let i = 0; i < 50_000; i++) r.add(`r-${i}`);
    const snap = JSON.stringify(r.snapshot());
    expect(snap.length).toBeLessThan(50_000 * 12);
    const s = new RecentIds(60_000);
    s.restore(JSON.parse(snap) as ReturnType<RecentIds['snapshot']>);
    let held = 0;
    for (let i = 0; i < 50_000; i++) if (s.has(`r-${i}`)) held++;
    expect(held).toBe(50_000);
    expect(s.has('r-50000')).toBe(false);
    expect(s.size).toBe(50_000);
  });
});
