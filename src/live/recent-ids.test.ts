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
});
