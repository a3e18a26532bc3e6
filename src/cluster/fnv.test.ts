import { describe, expect, it } from 'vitest';
import { fnv1a32, partitionOf } from './fnv.js';

describe('fnv1a32', () => {
  it('matches the published FNV-1a 32 test vectors', () => {
    // from the FNV reference test suite (Fowler/Noll/Vo, "FNV-1a 32 bit")
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('b')).toBe(0xe70c2de5);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
    expect(fnv1a32('chongo was here!\n')).toBe(0xd49930d5);
  });

  it('hashes the UTF-8 bytes of non-ASCII keys', () => {
    // 'é' is 0xc3 0xa9: the same as hashing those two bytes
    let h = 0x811c9dc5;
    for (const b of [0xc3, 0xa9]) h = Math.imul(h ^ b, 0x01000193);
    expect(fnv1a32('é')).toBe(h >>> 0);
    expect(fnv1a32('é')).not.toBe(fnv1a32('\u00e9'.normalize('NFD')));
  });

  it('maps keys to partitions modulo the count', () => {
    expect(partitionOf('foobar', 7)).toBe(0xbf9cf968 % 7);
    expect(partitionOf('anything', 1)).toBe(0);
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) seen.add(partitionOf(`10.0.${i >> 8}.${i & 255}`, 3));
    expect([...seen].sort()).toEqual([0, 1, 2]);
  });
});
