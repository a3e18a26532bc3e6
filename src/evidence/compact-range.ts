/**
 * The compact range of the tree: the roots of the complete subtrees along its right edge
 * (one per set bit of the size). Appending a leaf merges equal-sized neighbours, which yields
 * exactly the node hashes `tree.bin` stores, in its order; the tree head is the fold of at
 * most log2(n) hashes, so the root after every append costs O(log n), never O(n). Hashes are
 * held as 32-character Latin-1 strings (see nodeHashLatin1): appending is the hot path.
 */
import { EMPTY_ROOT, HASH_BYTES, nodeHashLatin1, type NodeSource } from './merkle.js';

/** A growable buffer of 32-byte hashes in append order. */
export class HashSink {
  buf: Buffer;
  len = 0;

  /** A sink with room for `hashes` hashes, or writing into `buf` (which it outgrows only by copying). */
  constructor(hashes: number | Buffer) {
    this.buf = typeof hashes === 'number' ? Buffer.allocUnsafe(hashes * HASH_BYTES) : hashes;
  }

  /** Appends one hash, given as a 32-character Latin-1 string. */
  push(h: string): void {
    if (this.len + HASH_BYTES > this.buf.length) {
      const bigger = Buffer.allocUnsafe(this.buf.length * 2);
      this.buf.copy(bigger, 0, 0, this.len);
      this.buf = bigger;
    }
    this.buf.write(h, this.len, HASH_BYTES, 'latin1');
    this.len += HASH_BYTES;
  }
}

/** The right edge of the tree. */
export class CompactRange {
  private readonly levels: number[] = [];
  private readonly hashes: string[] = [];

  private constructor(public size: number) {}

  /** The empty tree. */
  static empty(): CompactRange {
    return new CompactRange(0);
  }

  /** The compact range of the first `size` leaves, read from their complete subtrees. */
  static load(src: NodeSource, size: number): CompactRange {
    const levels: number[] = [];
    const hashes: string[] = [];
    let start = 0;
    for (let level = 52; level >= 0; level--) {
      const width = 2 ** level;
      if (size - start >= width) {
        levels.push(level);
        hashes.push(src.perfect(level, start / width).toString('latin1'));
        start += width;
      }
    }
    return CompactRange.fromEdge(size, levels, hashes);
  }

  /** The compact range with these right-edge subtrees (levels from the left, decreasing; Latin-1 hashes). */
  static fromEdge(size: number, levels: readonly number[], hashes: readonly string[]): CompactRange {
    const r = new CompactRange(size);
    r.levels.push(...levels);
    r.hashes.push(...hashes);
    return r;
  }

  /** The right edge, to hand to another thread. */
  edge(): { size: number; levels: number[]; hashes: string[] } {
    return { size: this.size, levels: [...this.levels], hashes: [...this.hashes] };
  }

  /** Appends a leaf hash (Latin-1); the leaf and every node it completes go to `out`, in order. */
  push(leaf: string, out: HashSink): void {
    out.push(leaf);
    let level = 0;
    let h = leaf;
    while (this.levels.length > 0 && this.levels[this.levels.length - 1] === level) {
      this.levels.pop();
      h = nodeHashLatin1(this.hashes.pop()!, h);
      out.push(h);
      level++;
    }
    this.levels.push(level);
    this.hashes.push(h);
    this.size++;
  }

  /** MTH of the whole tree. */
  root(): Buffer {
    if (this.hashes.length === 0) return EMPTY_ROOT;
    let acc = this.hashes[this.hashes.length - 1]!;
    for (let i = this.hashes.length - 2; i >= 0; i--) acc = nodeHashLatin1(this.hashes[i]!, acc);
    return Buffer.from(acc, 'latin1');
  }
}
