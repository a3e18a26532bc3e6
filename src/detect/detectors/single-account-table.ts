/**
 * Sources that have shown only one account so far (most devices, most home IPs) live here
 * instead of as a {@link Src} object in a Map: an open-addressing table of typed arrays keyed
 * by a 32-bit hash of the source key, holding (account hash, last minute) — 12 bytes a slot,
 * no key string kept. When a second account appears the caller promotes the source to a Src
 * and tombstones the slot. Hash collisions between two sources can only cause an early
 * promotion, never a missed account.
 */

const EMPTY = 0;
/** Tombstone key (real keys are odd, see {@link keyHash}). */
const TOMB = 2;

/** A 30-bit odd key hash (a small integer; never EMPTY or TOMB). */
export function keyHash(h32: number): number {
  return (h32 >>> 2) | 1;
}

/** JSON form of a {@link SingleAccountTable}. */
export interface SingleAccountTableState {
  readonly k: string;
  readonly a: string;
  readonly m: string;
  readonly size: number;
}

/** Open-addressing table: source key hash → (account hash, minute). */
export class SingleAccountTable {
  keys: Uint32Array;
  accts: Int32Array;
  mins: Int32Array;
  size = 0;
  private used = 0;
  /** Bumped whenever slot indexes move (callers holding slot numbers must re-probe). */
  gen = 0;

  constructor(cap = 1024) {
    this.keys = new Uint32Array(cap);
    this.accts = new Int32Array(cap);
    this.mins = new Int32Array(cap);
  }

  /** Slot holding key hash `k`, or -1. */
  find(k: number): number {
    const mask = this.keys.length - 1;
    let i = (k >>> 1) & mask;
    for (;;) {
      const x = this.keys[i] as number;
      if (x === k) return i;
      if (x === EMPTY) return -1;
      i = (i + 1) & mask;
    }
  }

  /** Inserts `k` (not present) with account `acct` (-1 = none yet) at `minute`; returns its slot. */
  insert(k: number, acct: number, minute: number): number {
    if ((this.used + 1) * 2 > this.keys.length) this.rebuild(-1, this.size * 4 > this.keys.length ? this.keys.length * 2 : this.keys.length);
    const mask = this.keys.length - 1;
    let i = (k >>> 1) & mask;
    while ((this.keys[i] as number) > TOMB) i = (i + 1) & mask;
    if (this.keys[i] === EMPTY) this.used++;
    this.keys[i] = k;
    this.accts[i] = acct;
    this.mins[i] = minute;
    this.size++;
    return i;
  }

  /** Tombstones slot `i` (its source was promoted). */
  remove(i: number): void {
    this.keys[i] = TOMB;
    this.size--;
  }

  /** True when slot `i` still holds key `k`. */
  holds(i: number, k: number): boolean {
    return this.keys[i] === k;
  }

  /**
   * Drops entries last seen before `cutoff` minutes and clears tombstones; returns how many
   * dropped. Rebuilds only when at least 1/8 of the slots would be freed.
   */
  sweep(cutoff: number): number {
    const keys = this.keys;
    const mins = this.mins;
    let stale = 0;
    for (let j = 0; j < keys.length; j++) {
      const k = keys[j] as number;
      if (k === TOMB || (k > TOMB && (mins[j] as number) < cutoff)) stale++;
    }
    if (stale * 8 < keys.length) return 0;
    return this.rebuild(cutoff, keys.length);
  }

  bytes(): number {
    return this.keys.length * 12;
  }

  snapshot(): SingleAccountTableState {
    const b64 = (a: Uint32Array | Int32Array): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
    return { k: b64(this.keys), a: b64(this.accts), m: b64(this.mins), size: this.size };
  }

  /** Rebuilds from {@link SingleAccountTable.snapshot} output. */
  static restore(s: SingleAccountTableState): SingleAccountTable {
    const buf = (x: string): ArrayBuffer => {
      const b = Buffer.from(x, 'base64');
      return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
    };
    const t = new SingleAccountTable(1);
    t.keys = new Uint32Array(buf(s.k));
    t.accts = new Int32Array(buf(s.a));
    t.mins = new Int32Array(buf(s.m));
    t.size = s.size;
    let used = 0;
    for (const k of t.keys) if (k !== EMPTY) used++;
    t.used = used;
    return t;
  }

  private rebuild(cutoff: number, cap: number): number {
    const { keys, accts, mins } = this;
    this.keys = new Uint32Array(cap);
    this.accts = new Int32Array(cap);
    this.mins = new Int32Array(cap);
    this.size = 0;
    this.used = 0;
    this.gen++;
    let dropped = 0;
    const mask = cap - 1;
    for (let j = 0; j < keys.length; j++) {
      const k = keys[j] as number;
      if (k <= TOMB) continue;
      if ((mins[j] as number) < cutoff) {
        dropped++;
        continue;
      }
      let i = (k >>> 1) & mask;
      while (this.keys[i] !== EMPTY) i = (i + 1) & mask;
      this.keys[i] = k;
      this.accts[i] = accts[j] as number;
      this.mins[i] = mins[j] as number;
      this.size++;
      this.used++;
    }
    return dropped;
  }
}
