/** The honey matcher: plain and salted lists, one hash per account, and a full cache starting over. */
import { describe, expect, it } from 'vitest';
import { HoneyMatcher, honeyDigest } from './honey.js';

const salted = (ids: string[], salt = 's-1'): { salt: string; entries: Set<string> } =>
  ({ salt, entries: new Set(ids.map((i) => honeyDigest(salt, i))) });

describe('HoneyMatcher', () => {
  it('matches a plain list by id and a salted one by digest', () => {
    const plain = new HoneyMatcher({ salt: null, entries: new Set(['m-7']) });
    expect([plain.isHoney('m-7'), plain.isHoney('m-8')]).toEqual([true, false]);
    expect(plain.hashes).toBe(0);
    const s = new HoneyMatcher(salted(['m-7']));
    expect([s.isHoney('m-7'), s.isHoney('m-8'), s.isHoney('m-8'), s.isHoney('m-7')]).toEqual([true, false, false, true]);
    // m-8 hashed once (then cached negative); m-7 each time (positives are not cached)
    expect(s.hashes).toBe(3);
  });

  it('a salt changes every digest', () => {
    expect(honeyDigest('a', 'm-7')).not.toBe(honeyDigest('b', 'm-7'));
    expect(new HoneyMatcher(salted(['m-7'], 'a')).isHoney('m-7')).toBe(true);
    const wrongSalt = { salt: 'b', entries: salted(['m-7'], 'a').entries };
    expect(new HoneyMatcher(wrongSalt).isHoney('m-7')).toBe(false);
  });

  it('keeps answering right after its cache filled and started over', () => {
    const m = new HoneyMatcher(salted(['m-honey']), 16);
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 40; i++) expect(m.isHoney(`m-${i}`)).toBe(false);
      expect(m.isHoney('m-honey')).toBe(true);
    }
    // 16 slots, restarted when half full: some accounts were hashed again, none wrongly
    expect(m.hashes).toBeGreaterThan(40);
  });

  it('grows its cache as accounts come, remembering each', () => {
    const m = new HoneyMatcher(salted(['m-honey']), 1 << 16);
    for (let i = 0; i < 20_000; i++) m.isHoney(`m-${i}`);
    for (let i = 0; i < 20_000; i++) m.isHoney(`m-${i}`);
    expect(m.hashes).toBe(20_000);
    expect(m.bytes()).toBeLessThanOrEqual(8 * 65_536 + 100);
  });

  it('is inactive without a list or with an empty one', () => {
    expect(new HoneyMatcher(undefined).active).toBe(false);
    expect(new HoneyMatcher({ salt: 'x', entries: new Set() }).active).toBe(false);
    expect(new HoneyMatcher(undefined).isHoney('m-1')).toBe(false);
  });
});
