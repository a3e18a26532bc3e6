/**
 * A set of strings stored as 64-bit hashes in open-addressing typed arrays: 8 bytes per id
 * instead of a retained string, and one or two cache lines per lookup. Two ids are taken as
 * equal when both 32-bit halves of their hashes agree; for n ids the chance that any two
 * distinct ids collide is about n² / 2⁶⁵ (3 × 10⁻⁵ for 28 M ids).
 */

const EMPTY = 0;

/**
 * Both halves of an id's 64-bit hash, from one pass over its UTF-16 code units: FNV-1a with
 * two offset bases, each finished by {@link mix}; the low half is forced odd (never EMPTY).
 * Written into `out` (no allocation per id).
 */
function hashInto(s: string, out: Int32Array): void {
  let a = 0x811c9dc5;
  let b = 0x01234567;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193);
  }
  out[0] = mix(a);
  out[1] = mix(b) | 1;
}

/** An id's hash as {@link IdHashSet.hash} leaves it: `[high, low]`. */
export type IdHash = Int32Array;

/** Final avalanche (from MurmurHash3's fmix32). */
function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** The hash of the id being looked up by {@link IdHashSet.has}/{@link IdHashSet.add} (single-threaded). */
const scratch: IdHash = new Int32Array(2);

/** Hash set of strings by 64-bit hash; grows at half load. */
export class IdHashSet {
  private hi: Int32Array;
  private lo: Int32Array;
  private mask: number;
  private count = 0;

  constructor(capacity = 1024) {
    let cap = 1024;
    while (cap < capacity * 2) cap *= 2;
    this.hi = new Int32Array(cap);
    this.lo = new Int32Array(cap);
    this.mask = cap - 1;
  }

  /** Ids held. */
  get size(): number {
    return this.count;
  }

  /** Slot capacity (for sizing the next generation). */
  get capacity(): number {
    return this.mask + 1;
  }

  /**
   * Hashes `id` into `out` (a 2-element Int32Array), so that a caller asking several sets
   * about one id hashes it once ({@link hasHash}, {@link addHash}).
   */
  static hash(id: string, out: IdHash): IdHash {
    hashInto(id, out);
    return out;
  }

  /** True when `id` is present. */
  has(id: string): boolean {
    return this.hasHash(IdHashSet.hash(id, scratch));
  }

  /** Adds `id`; returns false when it was already present. */
  add(id: string): boolean {
    return this.addHash(IdHashSet.hash(id, scratch));
  }

  /** {@link has} of an id hashed with {@link IdHashSet.hash}. */
  hasHash(h: IdHash): boolean {
    return this.find(h[0]!, h[1]!, false);
  }

  /** {@link add} of an id hashed with {@link IdHashSet.hash}. */
  addHash(h: IdHash): boolean {
    if ((this.count + 1) * 2 > this.mask + 1) this.grow();
    return !this.find(h[0]!, h[1]!, true);
  }

  /**
   * The held hashes as base64 (8 bytes per id, in slot order): a compact snapshot that
   * {@link IdHashSet.fromBase64} turns back into an equal set.
   */
  toBase64(): string {
    const out = new Int32Array(this.count * 2);
    let k = 0;
    for (let i = 0; i < this.lo.length; i++) {
      if (this.lo[i] === EMPTY) continue;
      out[k++] = this.hi[i]!;
      out[k++] = this.lo[i]!;
    }
    return Buffer.from(out.buffer, out.byteOffset, out.byteLength).toString('base64');
  }

  /** The set a {@link IdHashSet.toBase64} snapshot describes. */
  static fromBase64(b64: string): IdHashSet {
    const bytes = Buffer.from(b64, 'base64');
    const pairs = new Int32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + (bytes.byteLength & ~7)));
    const set = new IdHashSet(pairs.length / 2);
    for (let i = 0; i + 1 < pairs.length; i += 2) set.find(pairs[i]!, pairs[i + 1]! | 1, true);
    return set;
  }

  /** Linear probing; `lo` is never 0 (forced odd), so 0 marks an empty slot. */
  private find(h: number, l: number, insert: boolean): boolean {
    const { hi, lo, mask } = this;
    let i = h & mask;
    for (;;) {
      const v = lo[i]!;
      if (v === EMPTY) {
        if (insert) {
          hi[i] = h;
          lo[i] = l;
          this.count++;
        }
        return false;
      }
      if (v === l && hi[i] === h) return true;
      i = (i + 1) & mask;
    }
  }

  private grow(): void {
    const { hi, lo } = this;
    const cap = (this.mask + 1) * 2;
    this.hi = new Int32Array(cap);
    this.lo = new Int32Array(cap);
    this.mask = cap - 1;
    this.count = 0;
    for (let i = 0; i < lo.length; i++) if (lo[i] !== EMPTY) this.find(hi[i]!, lo[i]!, true);
  }
}
