// Tests for the sorted-array helpers of the reorder buffer.
import { describe, expect, it } from 'vitest';
import { mergeInto, sortByTime, upperBound } from './sorted.js';

const tl = (ts: number[]): { t: number; i: number }[] => ts.map((t, i) => ({ t, i }));

describe('sorted helpers', () => {
  it('sortByTime sorts stably, with and without the packed-key path', () => {
    const base = 1_750_000_000_000;
    const a = tl([5, 3, 5, 1, 3, 9, 0].map((x) => base + x));
    sortByTime(a);
    expect(a.map((e) => e.i)).toEqual([6, 3, 1, 4, 0, 2, 5]);
    const wide = tl([2 ** 52, 0, 2 ** 52, 1.5]); // too wide / fractional: comparator fallback
    sortByTime(wide);
    expect(wide.map((e) => e.i)).toEqual([1, 3, 0, 2]);
  });

  it('mergeInto keeps existing elements first among equal times', () => {
    const buf = tl([1, 2, 4, 6]);
    mergeInto(buf, 1, [{ t: 4, i: 10 }, { t: 5, i: 11 }]);
    expect(buf.map((e) => `${e.t}/${e.i}`)).toEqual(['1/0', '2/1', '4/2', '4/10', '5/11', '6/3']);
    expect(upperBound(buf, 4, 0)).toBe(4);
    expect(upperBound(buf, 0, 0)).toBe(0);
    expect(upperBound(buf, 9, 2)).toBe(6);
  });
});
