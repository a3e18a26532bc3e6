/**
 * Request ids: unique, hiding the attacker bit without the key, revealing it with the key.
 */
import { describe, expect, it } from 'vitest';
import { IsoTime } from './iso-time.js';
import { isAttackRequestId, RequestIds, type RequestIdKey } from './request-id.js';

const key: RequestIdKey = { scheme: 'feistel48-v1', rounds: [1, 2, 3, 4] };
const other: RequestIdKey = { scheme: 'feistel48-v1', rounds: [5, 6, 7, 8] };

describe('RequestIds', () => {
  it('makes unique ids whose hidden bit decodes with the key', () => {
    const ids = new RequestIds(key);
    const made: [string, boolean][] = [];
    for (let i = 0; i < 5000; i++) {
      const attacker = i % 7 === 0;
      made.push([ids.next(attacker), attacker]);
    }
    expect(new Set(made.map(([id]) => id)).size).toBe(made.length);
    for (const [id, attacker] of made) {
      expect(id).toMatch(/^r-[0-9a-f]{12}$/);
      expect(isAttackRequestId(id, key)).toBe(attacker);
    }
    // With the wrong key the bit is noise, not the truth.
    const agree = made.filter(([id, attacker]) => isAttackRequestId(id, other) === attacker).length;
    expect(agree).toBeLessThan(made.length * 0.7);
  });

  it('rejects ids it did not make', () => {
    expect(isAttackRequestId('r-81f2', key)).toBe(false);
    expect(isAttackRequestId('x-000000000000', key)).toBe(false);
  });
});

describe('IsoTime', () => {
  it('formats like Date#toISOString', () => {
    const f = new IsoTime();
    for (const t of [0, 1748736000000, 1748736000001, 1748822399999, 1761955200123, 951782400000]) {
      expect(f.format(t)).toBe(new Date(t).toISOString());
    }
  });
});
