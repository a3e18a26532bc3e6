/** The timeline chart's scales (web/src/scale.ts): round maxima and readable time ticks. */
import { describe, expect, it } from 'vitest';
import { DAY, HOUR, niceMax, xTicks } from '../../web/src/scale.js';

const T0 = Date.parse('2025-06-24T00:00:00Z');

describe('niceMax', () => {
  it('rounds up to 1, 2 or 5 × 10^k', () => {
    expect([0, 1, 1.5, 3, 7, 12, 20, 21, 148, 999].map(niceMax)).toEqual([1, 1, 2, 5, 10, 20, 20, 50, 200, 1000]);
  });
});

describe('xTicks', () => {
  it('labels a six-hour attack every two hours, on whole hours', () => {
    const ticks = xTicks(T0 + 3 * 60_000, T0 + 6 * HOUR);
    expect(ticks.map((t) => t.label)).toEqual(['06-24 02:00', '06-24 04:00', '06-24 06:00']);
    expect(ticks.every((t) => t.at % HOUR === 0)).toBe(true);
  });

  it('labels a two-day span every six hours', () => {
    expect(xTicks(T0, T0 + 2 * DAY).map((t) => t.label)).toHaveLength(9);
  });

  it('labels a five-month span by date, on whole days, with at most ~7 ticks', () => {
    const ticks = xTicks(T0, Date.parse('2025-11-08T00:00:00Z'));
    expect(ticks.length).toBeGreaterThanOrEqual(5);
    expect(ticks.length).toBeLessThanOrEqual(7);
    expect(ticks.every((t) => t.at % DAY === 0 && /^\d\d-\d\d$/.test(t.label))).toBe(true);
  });
});
