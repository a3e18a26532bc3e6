/**
 * Tells a harvester from a benign crowd (carrier NAT, office proxy) behind one source.
 * Customers browse, fill carts and check out; a harvester reads personal routes and little
 * else, with tokens that were not issued to that source. Also keeps, per source type, a
 * log2 histogram of distinct accounts per source to give the type's 99th percentile.
 */
import type { Src } from './source-state.js';

/** Harvest-score thresholds. */
export interface HarvestOptions {
  /** Minimum share of personal-route requests (default 0.8). */
  readonly minPersonalShare: number;
  /** Requests needed before the route mix means anything (default 10). */
  readonly minRequests: number;
  /** Token requests checked against the ledger before provenance counts (default 4). */
  readonly minProvenanceSamples: number;
  /** At or above this share of tokens issued to this source, it is a crowd (default 0.5). */
  readonly crowdProvenanceShare: number;
}

export const DEFAULT_HARVEST: HarvestOptions = {
  minPersonalShare: 0.8, minRequests: 10, minProvenanceSamples: 4, crowdProvenanceShare: 0.5,
};

/** Personal share of the source's requests (0 when none). */
export function personalShare(s: Src): number {
  return s.req === 0 ? 0 : s.pers / s.req;
}

/** Share of sampled tokens issued to this source's address or device; null if too few samples. */
export function provenanceShare(s: Src, o: HarvestOptions): number | null {
  return s.provN < o.minProvenanceSamples ? null : s.provM / s.provN;
}

/** True when the source's behaviour looks like harvesting rather than a crowd of customers. */
export function looksLikeHarvest(s: Src, o: HarvestOptions): boolean {
  if (s.req < o.minRequests || personalShare(s) < o.minPersonalShare) return false;
  const p = provenanceShare(s, o);
  return p === null || p < o.crowdProvenanceShare;
}

/** Per-type histogram of sources by floor(log2(distinct accounts)). */
export class Baseline {
  readonly hist: number[][];

  constructor(types: number, hist?: number[][]) {
    this.hist = hist ?? Array.from({ length: types }, () => new Array<number>(32).fill(0));
  }

  /** Moves a source of `type` from bucket `from` to the bucket of `count`; returns the new bucket. */
  move(type: number, from: number, count: number): number {
    const to = count <= 1 ? 0 : Math.min(31, Math.floor(Math.log2(count)));
    if (to !== from) {
      const h = this.hist[type] as number[];
      h[from] = Math.max(0, (h[from] as number) - 1);
      h[to] = (h[to] as number) + 1;
    }
    return to;
  }

  add(type: number): void {
    const h = this.hist[type] as number[];
    h[0] = (h[0] as number) + 1;
  }

  remove(type: number, bucket: number): void {
    const h = this.hist[type] as number[];
    h[bucket] = Math.max(0, (h[bucket] as number) - 1);
  }

  /**
   * Upper bound of the bucket holding the 99th percentile of distinct accounts per source of
   * `type`, leaving out one source in bucket `self`; 0 (no gate) with fewer than `minSources`.
   */
  p99(type: number, self = -1, minSources = 200): number {
    const h = this.hist[type] as number[];
    let total = 0;
    for (const n of h) total += n;
    if (self >= 0) total--;
    if (total < minSources) return 0;
    let cum = 0;
    for (let b = 0; b < h.length; b++) {
      cum += (h[b] as number) - (b === self ? 1 : 0);
      if (cum >= 0.99 * total) return 2 ** (b + 1) - 1;
    }
    return 2 ** 32;
  }
}
