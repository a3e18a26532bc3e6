/**
 * Matches account ids against the honey list (contract §8) on the per-event path.
 *
 * A salted list holds only SHA-256(salt + id) digests, so each account read has to be hashed
 * to be checked. Each account is hashed once: a negative result is remembered in a typed-array
 * table keyed by two independent 32-bit hashes of the id (no id string is kept, nothing to
 * leak and nothing that pins the event's line in memory); the table doubles as it fills, from
 * 4,096 slots up to `capacity` (2^20, 8 MiB), and past that starts over when half full. Two accounts would share an entry only if both 32-bit hashes collided (about 1 in
 * 2^64 per pair for ASCII ids). Positive results are not cached: planted accounts are read
 * only by attackers, and rarely.
 */
import { createHash } from 'node:crypto';
import type { HoneyList } from '../model/index.js';
import { hash32 } from './hash.js';

const SEED_B = 0x9e3779b9;

/** Is this account planted? Plain lists are a set lookup; salted ones hash once per account. */
export class HoneyMatcher {
  private readonly list: HoneyList | undefined;
  private keysA: Uint32Array;
  private keysB: Uint32Array;
  private used = 0;
  private cap: number;
  private readonly maxCap: number;
  /** SHA-256 computations so far (for tests and benchmarks). */
  hashes = 0;

  constructor(list: HoneyList | undefined, capacity = 1 << 20) {
    this.list = list !== undefined && list.entries.size > 0 ? list : undefined;
    this.maxCap = 1 << Math.ceil(Math.log2(Math.max(16, capacity)));
    this.cap = Math.min(this.maxCap, 4096);
    const salted = this.list?.salt != null;
    this.keysA = new Uint32Array(salted ? this.cap : 0);
    this.keysB = new Uint32Array(salted ? this.cap : 0);
  }

  /** True when there is anything to match. */
  get active(): boolean {
    return this.list !== undefined;
  }

  /** True when `account` is a planted honey account. */
  isHoney(account: string): boolean {
    const list = this.list;
    if (list === undefined) return false;
    if (list.salt === null) return list.entries.has(account);
    // 0 marks an empty slot, so keys are forced odd
    const a = (hash32(account) | 1) >>> 0;
    const b = hash32(account, SEED_B);
    const mask = this.cap - 1;
    const ka = this.keysA;
    const kb = this.keysB;
    let i = a & mask;
    for (;;) {
      const x = ka[i] as number;
      if (x === 0) break;
      if (x === a && kb[i] === b) return false;
      i = (i + 1) & mask;
    }
    this.hashes++;
    const hex = createHash('sha256').update(list.salt).update(account).digest('hex');
    if (list.entries.has(hex)) return true;
    if ((this.used + 1) * 2 > this.cap) {
      this.resize();
      return this.remember(a, b);
    }
    ka[i] = a;
    kb[i] = b;
    this.used++;
    return false;
  }

  /** Approximate bytes held. */
  bytes(): number {
    return this.keysA.byteLength + this.keysB.byteLength + (this.list?.entries.size ?? 0) * 100;
  }

  /** Doubles the table (keeping what it holds), or past the maximum starts it over. */
  private resize(): void {
    const oldA = this.keysA;
    const oldB = this.keysB;
    const grow = this.cap < this.maxCap;
    if (grow) this.cap *= 2;
    this.keysA = new Uint32Array(this.cap);
    this.keysB = new Uint32Array(this.cap);
    this.used = 0;
    if (!grow) return;
    for (let j = 0; j < oldA.length; j++) if (oldA[j] !== 0) this.remember(oldA[j] as number, oldB[j] as number);
  }

  private remember(a: number, b: number): false {
    const mask = this.cap - 1;
    let i = a & mask;
    while (this.keysA[i] !== 0) i = (i + 1) & mask;
    this.keysA[i] = a;
    this.keysB[i] = b;
    this.used++;
    return false;
  }
}

/** The digest a salted honey file lists for `account` (lower-case hex), e.g. for writing one. */
export function honeyDigest(salt: string, account: string): string {
  return createHash('sha256').update(salt).update(account).digest('hex');
}
