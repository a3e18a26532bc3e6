import { describe, expect, it } from 'vitest';
import { AuthThrottle } from './auth-throttle.js';

describe('AuthThrottle', () => {
  it('throttles an address at the limit until its window ends', () => {
    let now = 0;
    const ended: [string, number, number][] = [];
    const t = new AuthThrottle({ maxFailures: 3, windowMs: 60_000, trustMs: 0, now: () => now, onWindowEnd: (...a) => ended.push(a) });
    expect([1, 2, 3].map(() => t.fail('10.0.0.1').limitReached)).toEqual([false, false, true]);
    expect(t.throttled('10.0.0.1')).toBe(true);
    expect(t.throttled('10.0.0.2')).toBe(false);
    t.refuse('10.0.0.1');
    now = 30_000;
    expect(t.retryAfterS('10.0.0.1')).toBe(30);
    now = 60_000;
    expect(t.throttled('10.0.0.1')).toBe(false);
    expect(ended).toEqual([['10.0.0.1', 3, 1]]);
  });

  it('trusts a key that worked from an address before it was throttled, there only, for the trust period', () => {
    let now = 0;
    const t = new AuthThrottle({ maxFailures: 2, windowMs: 60_000, trustMs: 3_600_000, now: () => now });
    t.succeed('10.0.0.1', 'analyst-1');
    t.fail('10.0.0.1');
    t.fail('10.0.0.1');
    // Success while throttled does not make a key trusted (a guess that hit stays refused).
    t.succeed('10.0.0.1', 'admin-1');
    expect(t.throttled('10.0.0.1')).toBe(true);
    expect(t.trusted('10.0.0.1', 'analyst-1')).toBe(true);
    expect(t.trusted('10.0.0.1', 'admin-1')).toBe(false);
    expect(t.trusted('10.0.0.2', 'analyst-1')).toBe(false);
    now = 3_600_000;
    expect(t.trusted('10.0.0.1', 'analyst-1')).toBe(false);
  });

  it('never trusts with a trust period of 0', () => {
    const t = new AuthThrottle({ maxFailures: 2, windowMs: 60_000, trustMs: 0 });
    t.succeed('10.0.0.1', 'analyst-1');
    expect(t.trusted('10.0.0.1', 'analyst-1')).toBe(false);
  });
});
