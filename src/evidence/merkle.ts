/**
 * The Merkle tree of RFC 9162 §2.1 over SHA-256: leaf hash SHA-256(0x00 || data), node hash
 * SHA-256(0x01 || left || right), the tree head MTH of any size (split at the largest power
 * of two below n), and the generation of inclusion (§2.1.3.1) and consistency (§2.1.4.1)
 * proofs. Proofs are generated against a {@link NodeSource}: something that knows the hash of
 * every complete, aligned subtree (a leaf is one of size 1). The log keeps those on disk; an
 * in-memory list of leaves is one too ({@link leafListSource}).
 */
import { hash } from 'node:crypto';

/** Bytes of a SHA-256 hash. */
export const HASH_BYTES = 32;

/** MTH({}) = SHA-256 of the empty string. */
export const EMPTY_ROOT: Buffer = hash('sha256', Buffer.alloc(0), 'buffer');

const leafPrefix = Buffer.from([0]);
const nodeScratch = Buffer.alloc(1 + 2 * HASH_BYTES);
nodeScratch[0] = 1;

/**
 * nodeHash over hashes held as 32-character Latin-1 strings (one character per byte): the
 * hot path of appending. Node's one-shot hash returns a string several times faster than a
 * new Buffer, so the compact range keeps its hashes this way.
 */
export function nodeHashLatin1(left: string, right: string): string {
  nodeScratch.write(left, 1, HASH_BYTES, 'latin1');
  nodeScratch.write(right, 1 + HASH_BYTES, HASH_BYTES, 'latin1');
  return hash('sha256', nodeScratch, 'latin1');
}

/** SHA-256(0x00 || data): the hash of one leaf. */
export function leafHash(data: Uint8Array): Buffer {
  return hash('sha256', Buffer.concat([leafPrefix, data]), 'buffer');
}

/** SHA-256(0x01 || left || right): the hash of an interior node. */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  // crypto.hash is synchronous, so one scratch buffer serves every call.
  nodeScratch.set(left, 1);
  nodeScratch.set(right, 1 + HASH_BYTES);
  return hash('sha256', nodeScratch, 'buffer');
}

/** The largest power of two strictly below `n` (n ≥ 2). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** True when `n` is a power of two (1, 2, 4, …). */
export function isPowerOfTwo(n: number): boolean {
  return n >= 1 && splitPoint(n + 1) === n;
}

/**
 * The hashes of complete subtrees: `perfect(level, index)` is MTH of leaves
 * [index·2^level, (index+1)·2^level), level 0 being the leaf hashes themselves.
 */
export interface NodeSource {
  perfect(level: number, index: number): Buffer;
}

/**
 * MTH(D[a:b]) from complete subtrees. Every range that MTH, PATH and SUBPROOF reach splits
 * into an aligned complete left part and a rest, so O(log n) lookups and hashes suffice.
 */
export function rangeHash(src: NodeSource, a: number, b: number): Buffer {
  const n = b - a;
  if (n <= 0) return EMPTY_ROOT;
  if (isPowerOfTwo(n) && a % n === 0) return src.perfect(Math.log2(n), a / n);
  const k = splitPoint(n);
  return nodeHash(rangeHash(src, a, a + k), rangeHash(src, a + k, b));
}

/** RFC 9162 §2.1.3.1 PATH(m, D[a:b]). */
function path(src: NodeSource, m: number, a: number, b: number): Buffer[] {
  if (b - a <= 1) return [];
  const k = splitPoint(b - a);
  return m < k
    ? [...path(src, m, a, a + k), rangeHash(src, a + k, b)]
    : [...path(src, m - k, a + k, b), rangeHash(src, a, a + k)];
}

/** RFC 9162 §2.1.4.1 SUBPROOF(m, D[a:b], complete). */
function subproof(src: NodeSource, m: number, a: number, b: number, complete: boolean): Buffer[] {
  if (m === b - a) return complete ? [] : [rangeHash(src, a, b)];
  const k = splitPoint(b - a);
  return m <= k
    ? [...subproof(src, m, a, a + k, complete), rangeHash(src, a + k, b)]
    : [...subproof(src, m - k, a + k, b, false), rangeHash(src, a, a + k)];
}

/** The inclusion proof (audit path) of leaf `index` in the tree of the first `size` leaves. */
export function inclusionProof(src: NodeSource, index: number, size: number): Buffer[] {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) {
    throw new RangeError(`no leaf ${index} in a tree of size ${size}`);
  }
  return path(src, index, 0, size);
}

/** The consistency proof from the tree of size `m` to the tree of size `n` (empty when m is 0 or n). */
export function consistencyProof(src: NodeSource, m: number, n: number): Buffer[] {
  if (!Number.isSafeInteger(m) || !Number.isSafeInteger(n) || m < 0 || m > n) {
    throw new RangeError(`no consistency proof from size ${m} to size ${n}`);
  }
  return m === 0 || m === n ? [] : subproof(src, m, 0, n, true);
}

/** A {@link NodeSource} over leaf hashes held in memory (tests, small trees). */
export function leafListSource(leaves: readonly Buffer[]): NodeSource {
  const perfect = (level: number, index: number): Buffer => {
    if (level === 0) {
      const h = leaves[index];
      if (h === undefined) throw new RangeError(`no leaf ${index}`);
      return h;
    }
    return nodeHash(perfect(level - 1, 2 * index), perfect(level - 1, 2 * index + 1));
  };
  return { perfect };
}

/** MTH of leaf hashes held in memory. */
export function rootOfLeaves(leaves: readonly Buffer[]): Buffer {
  return rangeHash(leafListSource(leaves), 0, leaves.length);
}
