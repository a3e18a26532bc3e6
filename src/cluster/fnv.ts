/**
 * FNV-1a, 32 bits, over a key's UTF-8 bytes: the hash NATS (2.9 and later) uses in its
 * `partition(n, …)` subject mapping, so a publisher-side partition and a server-side mapping
 * of the same key agree.
 */

const OFFSET = 0x811c9dc5;
const PRIME = 0x01000193;
const encoder = new TextEncoder();

/** FNV-1a 32 of `key` (UTF-8), as an unsigned 32-bit integer. */
export function fnv1a32(key: string): number {
  let h = OFFSET;
  // ASCII keys (addresses, account ids) skip the encoder
  let ascii = true;
  for (let i = 0; i < key.length; i++) if (key.charCodeAt(i) > 0x7f) { ascii = false; break; }
  if (ascii) {
    for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), PRIME);
  } else {
    for (const b of encoder.encode(key)) h = Math.imul(h ^ b, PRIME);
  }
  return h >>> 0;
}

/** The partition (0 … partitions-1) of `key`: FNV-1a 32 modulo the partition count. */
export function partitionOf(key: string, partitions: number): number {
  return fnv1a32(key) % partitions;
}
