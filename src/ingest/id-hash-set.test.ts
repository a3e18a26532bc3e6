// Tests for the hashed id set behind request_id de-duplication.
import { describe, expect, it } from 'vitest';
import { IdHashSet } from './id-hash-set.js';

describe('IdHashSet', () => {
  it('adds, finds and refuses repeats across growth', () => {
    const s = new IdHashSet();
    for (let i = 0; i < 50_000; i++) expect(s.add(`r-${i}`)).toBe(true);
    expect(s.size).toBe(50_000);
    expect(s.capacity).toBeGreaterThanOrEqual(100_000);
    for (let i = 0; i < 50_000; i += 997) {
      expect(s.has(`r-${i}`)).toBe(true);
      expect(s.add(`r-${i}`)).toBe(false);
    }
    expect(s.has('r-50000')).toBe(false);
    expect(s.has('')).toBe(false);
    expect(s.add('')).toBe(true);
    expect(s.has('')).toBe(true);
  });

  it('tells apart ids that differ only in order or case', () => {
    const s = new IdHashSet();
    s.add('ab');
    expect(s.has('ba')).toBe(false);
    expect(s.has('AB')).toBe(false);
  });
});
