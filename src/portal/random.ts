/**
 * Random ids and tokens from the CSPRNG, drawn from a pooled buffer: one `randomFillSync` of
 * 4 KiB serves about a hundred requests' tokens instead of one call (and one crossing into
 * OpenSSL) per token — the way Node's own `randomUUID` pools. Every byte is handed out once.
 */
import { randomFillSync } from 'node:crypto';

const POOL = Buffer.alloc(4096);
let at = POOL.length;

/** `n` fresh random bytes (a view of the pool: read or copy it before the next call). */
function take(n: number): Buffer {
  if (n > POOL.length) throw new RangeError(`at most ${POOL.length} random bytes at a time`);
  if (at + n > POOL.length) {
    randomFillSync(POOL);
    at = 0;
  }
  const b = POOL.subarray(at, at + n);
  at += n;
  return b;
}

/** `n` random bytes as lower-case hex. */
export const randomHex = (n: number): string => take(n).toString('hex');

/** `n` random bytes as base64url (no padding). */
export const randomBase64url = (n: number): string => take(n).toString('base64url');
