/**
 * The crowd an actor (a principal acting on other accounts: a console user, a batch client) is
 * compared with in many-accounts-per-source: the other actors of the same client_id. Their
 * distinct-account counts per window are computed at most once every `refreshMinutes` of event
 * time per client and kept sorted, so judging one actor against its peers is a binary search,
 * not a pass over every peer's sketch on every new account.
 */
import type { Src } from './source-state.js';

interface Crowd {
  at: number;
  /** Per window: every actor's count, ascending. */
  sorted: number[][];
  /** Per actor key: its count per window when the crowd was computed. */
  own: Map<string, number[]>;
}

/** Cached per-client, per-window peer counts. */
export class PeerMedians {
  private readonly crowds = new Map<string, Crowd>();

  constructor(private readonly windows: readonly number[], private readonly minPeers = 2, private readonly refreshMinutes = 10) {}

  /**
   * Median distinct-account count in window `w` of the actors sharing `self.client`, leaving
   * `key` itself out; undefined with fewer than `minPeers` peers (no crowd to compare with: a
   * lone batch client reading millions of accounts by design is not judged here).
   */
  median(actors: ReadonlyMap<string, Src>, key: string, self: Src, minute: number, w: number): number | undefined {
    const client = self.client ?? '';
    let c = this.crowds.get(client);
    if (c === undefined || minute - c.at >= this.refreshMinutes) {
      c = this.compute(actors, client, minute);
      this.crowds.set(client, c);
    }
    const list = c.sorted[w] ?? [];
    const mine = c.own.get(key)?.[w];
    const n = mine === undefined ? list.length : list.length - 1;
    if (n < this.minPeers || n <= 0) return undefined;
    const k = n >> 1;
    if (mine === undefined) return list[k];
    // the k-th of the list with one copy of `mine` taken out
    const at = lowerBound(list, mine);
    return (k < at ? list[k] : list[k + 1]);
  }

  /** Forgets every cached crowd (after state was restored or actors were dropped). */
  clear(): void {
    this.crowds.clear();
  }

  private compute(actors: ReadonlyMap<string, Src>, client: string, minute: number): Crowd {
    const sorted: number[][] = this.windows.map(() => []);
    const own = new Map<string, number[]>();
    const counts: number[] = [];
    for (const [k, s] of actors) {
      if ((s.client ?? '') !== client) continue;
      s.countMany(minute, this.windows, counts);
      own.set(k, counts.slice(0, this.windows.length));
      for (let w = 0; w < this.windows.length; w++) (sorted[w] as number[]).push(counts[w] as number);
    }
    for (const l of sorted) l.sort((a, b) => a - b);
    return { at: minute, sorted, own };
  }
}

function lowerBound(xs: readonly number[], v: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((xs[mid] as number) < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
