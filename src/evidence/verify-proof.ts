/**
 * Verification of inclusion and consistency proofs, the iterative algorithms of RFC 9162
 * §2.1.3.2 and §2.1.4.2. These need nothing but hashes, so a third party can run the same
 * steps by hand (docs/EVIDENCE.md walks through them). Sizes go up to 2^53; halving is done
 * with arithmetic, not 32-bit shifts.
 */
import { EMPTY_ROOT, HASH_BYTES, isPowerOfTwo, nodeHash } from './merkle.js';

const odd = (x: number): boolean => x % 2 === 1;
const half = (x: number): number => Math.floor(x / 2);
const isHash = (h: Uint8Array): boolean => h.length === HASH_BYTES;

function same(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

/**
 * The root that an inclusion proof leads to from `leaf` (a leaf hash), or `undefined` when the
 * proof cannot be a proof for that index and size (wrong length, bad element size).
 */
export function rootFromInclusionProof(index: number, size: number, leaf: Uint8Array, proof: readonly Uint8Array[]): Buffer | undefined {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size || !isHash(leaf)) return undefined;
  let fn = index;
  let sn = size - 1;
  let r: Buffer = Buffer.from(leaf);
  for (const p of proof) {
    if (sn === 0 || !isHash(p)) return undefined;
    if (odd(fn) || fn === sn) {
      r = nodeHash(p, r);
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0) { fn = half(fn); sn = half(sn); }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 ? r : undefined;
}

/** RFC 9162 §2.1.3.2: true when `proof` shows leaf hash `leaf` at `index` in the tree `root` of `size`. */
export function verifyInclusion(index: number, size: number, leaf: Uint8Array, proof: readonly Uint8Array[], root: Uint8Array): boolean {
  const r = rootFromInclusionProof(index, size, leaf, proof);
  return r !== undefined && same(r, root);
}

/**
 * RFC 9162 §2.1.4.2: true when `proof` shows that the tree `root1` of size `m` is a prefix of
 * the tree `root2` of size `n`. Equal sizes need an empty proof and equal roots; every tree
 * extends the empty one (whose root must be SHA-256 of nothing) with an empty proof.
 */
export function verifyConsistency(m: number, n: number, root1: Uint8Array, root2: Uint8Array, proof: readonly Uint8Array[]): boolean {
  if (!Number.isSafeInteger(m) || !Number.isSafeInteger(n) || m < 0 || m > n) return false;
  if (!isHash(root1) || !isHash(root2) || !proof.every(isHash)) return false;
  if (m === n) return proof.length === 0 && same(root1, root2);
  if (m === 0) return proof.length === 0 && same(root1, EMPTY_ROOT);
  if (proof.length === 0) return false;
  const path = isPowerOfTwo(m) ? [root1, ...proof] : proof;
  let fn = m - 1;
  let sn = n - 1;
  while (odd(fn)) { fn = half(fn); sn = half(sn); }
  let fr: Buffer = Buffer.from(path[0]!);
  let sr = fr;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0) { fn = half(fn); sn = half(sn); }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && same(fr, root1) && same(sr, root2);
}
