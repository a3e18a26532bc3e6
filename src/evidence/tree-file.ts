/**
 * Where the tree lives on disk: `tree.bin` holds the hash of every complete subtree, 32 bytes
 * each, in the order appending produces them (post-order: a leaf, then every node it
 * completes). The leaf hashes are among them, so a proof for any entry against any older tree
 * size reads O(log n) hashes and never an entry. The position of node (level, index) is
 * computed, not looked up: leaf i sits at 2i − popcount(i), and the node completed by leaf i
 * at level ℓ right after it, at +ℓ.
 */
import { readSync } from 'node:fs';
import { HASH_BYTES, type NodeSource } from './merkle.js';

/** Set bits of a non-negative safe integer. */
export function popcount(x: number): number {
  let c = 0;
  for (let v = x; v > 0; v = Math.floor(v / 2)) c += v % 2;
  return c;
}

/** Position (in hashes) of complete subtree (level, index) in `tree.bin`. */
export function nodePosition(level: number, index: number): number {
  const lastLeaf = (index + 1) * 2 ** level - 1;
  return 2 * lastLeaf - popcount(lastLeaf) + level;
}

/** Hashes `tree.bin` holds for a tree of `size` leaves. */
export function storedNodes(size: number): number {
  return 2 * size - popcount(size);
}

/** The complete subtrees of a tree of `size` leaves, read from an open `tree.bin`. */
export class TreeFile implements NodeSource {
  constructor(private readonly fd: number, readonly size: number) {}

  /** The hash of complete subtree (level, index); throws RangeError outside the tree. */
  perfect(level: number, index: number): Buffer {
    if ((index + 1) * 2 ** level > this.size || index < 0) {
      throw new RangeError(`no complete subtree (${level}, ${index}) in a tree of size ${this.size}`);
    }
    const out = Buffer.allocUnsafe(HASH_BYTES);
    const got = readSync(this.fd, out, 0, HASH_BYTES, nodePosition(level, index) * HASH_BYTES);
    if (got !== HASH_BYTES) throw new RangeError(`tree.bin ends before subtree (${level}, ${index})`);
    return out;
  }
}
