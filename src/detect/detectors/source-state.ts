/**
 * Per-source state of `many-accounts-per-source`: request and route-mix counters, issuance
 * provenance counters, and the distinct accounts seen — exact (hash, minute) pairs up to
 * {@link EXACT_MAX}, then a {@link SlidingHll} whose size does not depend on the number of
 * accounts. Times are whole minutes since EPOCH_S (small integers, no boxing).
 */
import { SlidingHll, type SlidingHllState } from '../sketch/sliding-hll.js';

/** Distinct accounts kept exactly before switching to a sliding HLL. */
export const EXACT_MAX = 32;

/** Extra state once a source has fired (precise times, evidence). */
export interface Fired {
  window: number; first: number; last: number; sent: number; accounts: number; evidence: string[];
}

/** One source (ip, subnet, device, user agent or actor). */
export class Src {
  req = 0;
  pers = 0;
  provN = 0;
  provM = 0;
  bucket = 0;
  lastEval = -1;
  /** First account's hash (exact mode; -1 none). */
  h0 = -1;
  /** Exact mode: minute the first account was last seen. Sketch mode: last baseline update. */
  m0 = 0;
  more: number[] | null = null;
  hll: SlidingHll | null = null;
  fired: Fired | null = null;
  client: string | undefined = undefined;
  /** Actors: how the token that first showed this actor was issued. */
  grant: string | undefined = undefined;

  constructor(public first: number, public last: number) {}

  /** Adds account hash `h` at `minute`; true when it was not already counted (exact mode). */
  add(h: number, minute: number): boolean {
    if (this.hll !== null) {
      this.hll.add(h, minute);
      return false;
    }
    if (this.h0 === h || this.h0 < 0) {
      const isNew = this.h0 < 0;
      this.h0 = h;
      this.m0 = minute;
      return isNew;
    }
    let more = this.more;
    if (more === null) {
      more = this.more = [];
    } else {
      for (let i = 0; i < more.length; i += 2) {
        if (more[i] === h) {
          more[i + 1] = minute;
          return false;
        }
      }
    }
    more.push(h, minute);
    if (more.length / 2 + 1 > EXACT_MAX) this.upgrade();
    return true;
  }

  /** Distinct accounts seen since minute `from` (inclusive). */
  countSince(now: number, from: number): number {
    if (this.hll !== null) return this.hll.estimate(now, now - from);
    let n = this.h0 >= 0 && this.m0 >= from ? 1 : 0;
    const more = this.more;
    if (more !== null) for (let i = 1; i < more.length; i += 2) if ((more[i] as number) >= from) n++;
    return n;
  }

  /** `out[w]` = distinct accounts in the last `windows[w]` minutes (ascending windows). */
  countMany(now: number, windows: readonly number[], out: number[]): void {
    if (this.hll !== null) {
      this.hll.estimateMany(now, windows, out);
      return;
    }
    for (let w = 0; w < windows.length; w++) out[w] = this.countSince(now, now - (windows[w] as number));
  }

  /** Distinct accounts held (exact) or estimated over everything kept (sliding). */
  size(now: number): number {
    if (this.hll !== null) return this.hll.estimate(now, 1 << 25);
    return (this.h0 >= 0 ? 1 : 0) + (this.more === null ? 0 : this.more.length / 2);
  }

  /** Forgets accounts last seen before minute `cutoff`. */
  purge(cutoff: number): void {
    if (this.hll !== null) {
      this.hll.purge(cutoff);
      return;
    }
    const more = this.more;
    if (more === null) return;
    const kept: number[] = [];
    for (let i = 0; i < more.length; i += 2) if ((more[i + 1] as number) >= cutoff) kept.push(more[i] as number, more[i + 1] as number);
    this.more = kept.length > 0 ? kept : null;
  }

  /** Approximate bytes held (object, exact pairs or sketch, fired extras). */
  bytes(): number {
    return 64 + (this.more === null ? 0 : 24 + this.more.length * 8) + (this.hll?.bytes() ?? 0) + (this.fired === null ? 0 : 200);
  }

  snapshot(): SrcState {
    return [this.first, this.last, this.req, this.pers, this.provN, this.provM, this.bucket, this.lastEval,
      this.h0, this.m0, this.more, this.hll?.snapshot() ?? null, this.fired, this.client ?? null, this.grant ?? null];
  }

  /** Rebuilds from {@link Src.snapshot} output. */
  static restore(s: SrcState): Src {
    const [first, last, req, pers, provN, provM, bucket, lastEval, h0, m0, more, hll, fired, client, grant] = s;
    const x = new Src(first, last);
    x.req = req; x.pers = pers; x.provN = provN; x.provM = provM; x.bucket = bucket; x.lastEval = lastEval;
    x.h0 = h0; x.m0 = m0; x.more = more; x.hll = hll === null ? null : SlidingHll.restore(hll);
    x.fired = fired; x.client = client ?? undefined; x.grant = grant ?? undefined;
    return x;
  }

  private upgrade(): void {
    const hll = new SlidingHll();
    const more = this.more ?? [];
    // oldest first, so the sketch keeps the newest minute per hash
    const pairs: [number, number][] = this.h0 >= 0 ? [[this.h0, this.m0]] : [];
    for (let i = 0; i < more.length; i += 2) pairs.push([more[i] as number, more[i + 1] as number]);
    pairs.sort((a, b) => a[1] - b[1]);
    for (const [h, m] of pairs) hll.add(h, m);
    this.hll = hll;
    this.more = null;
    this.h0 = -1;
  }
}

/** JSON form of a {@link Src}. */
export type SrcState = [number, number, number, number, number, number, number, number, number, number,
  number[] | null, SlidingHllState | null, Fired | null, string | null, string | null];
