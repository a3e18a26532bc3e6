/**
 * 32-bit MurmurHash3 (x86_32) over a string's UTF-16 code units, without allocating.
 *
 * The `murmurhash` package encodes each string to a fresh Uint8Array first; on the per-event
 * path that allocation dominates, so detectors use this one. For ASCII strings the result
 * equals `murmurhash.v3(s, seed)` (checked in hash.test.ts); for other strings it hashes the
 * low byte of each code unit, which is stable and good enough for sketches.
 */

/** MurmurHash3 x86_32 of `s` (seed default 0); an unsigned 32-bit integer. */
export function hash32(s: string, seed = 0): number {
  const n = s.length;
  const tail = n & 3;
  const body = n - tail;
  let h = seed | 0;
  let i = 0;
  while (i < body) {
    let k =
      (s.charCodeAt(i) & 0xff) |
      ((s.charCodeAt(i + 1) & 0xff) << 8) |
      ((s.charCodeAt(i + 2) & 0xff) << 16) |
      ((s.charCodeAt(i + 3) & 0xff) << 24);
    i += 4;
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  let k = 0;
  if (tail === 3) k ^= (s.charCodeAt(i + 2) & 0xff) << 16;
  if (tail >= 2) k ^= (s.charCodeAt(i + 1) & 0xff) << 8;
  if (tail >= 1) {
    k ^= s.charCodeAt(i) & 0xff;
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
  }
  h ^= n;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A 30-bit hash (fits a V8 small integer, so storing it never allocates). */
export function hash30(s: string): number {
  return hash32(s) >>> 2;
}
