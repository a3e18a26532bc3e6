// Tests for bounded request_id de-duplication.
import { describe, expect, it } from 'vitest';
import { RequestIdDedup } from './dedup.js';

describe('RequestIdDedup', () => {
  it('catches a repeat within the horizon', () => {
    const d = new RequestIdDedup(1000);
    expect(d.isDuplicate('r-1', 0)).toBe(false);
    expect(d.isDuplicate('r-2', 500)).toBe(false);
    expect(d.isDuplicate('r-1', 999)).toBe(true);
    expect(d.isDuplicate('r-1', 1500)).toBe(true); // still remembered (kept up to 2 horizons)
  });

  it('forgets ids after two horizons, keeping memory bounded', () => {
    const d = new RequestIdDedup(1000);
    for (let i = 0; i < 100; i++) d.isDuplicate(`a-${i}`, i);
    expect(d.size).toBe(100);
    for (let t = 1000; t <= 5000; t += 10) d.isDuplicate(`b-${t}`, t);
    expect(d.size).toBeLessThanOrEqual(201);
    expect(d.isDuplicate('a-1', 5001)).toBe(false);
  });
});
