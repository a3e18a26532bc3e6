/** hash32 must equal the murmurhash package's v3 on ASCII input. */
import { describe, expect, it } from 'vitest';
import murmurhash from 'murmurhash';
import { hash30, hash32 } from './hash.js';

describe('hash32', () => {
  it('matches murmurhash.v3 for ASCII strings of every tail length', () => {
    for (const s of ['', 'a', 'ab', 'abc', 'abcd', 'm-100234', '203.0.113.7', 'sig-2019-01xyz']) {
      expect(hash32(s)).toBe(murmurhash.v3(s));
      expect(hash32(s, 42)).toBe(murmurhash.v3(s, 42));
    }
  });
  it('hash30 stays a non-negative 30-bit integer', () => {
    const h = hash30('m-999999');
    expect(h).toBeGreaterThanOrEqual(0);
    expect(h).toBeLessThan(2 ** 30);
  });
});
