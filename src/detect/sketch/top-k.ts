/**
 * Bounded heavy-hitter counter (Space-Saving): at most `cap` keys; a new key replaces the
 * smallest and inherits its count + 1. Used for "top source IPs" in alert details.
 */

/** Approximate top-k counter over strings. */
export class TopK {
  private readonly counts = new Map<string, number>();

  constructor(private readonly cap = 32) {}

  /** Counts one occurrence of `key`. */
  add(key: string, n = 1): void {
    const c = this.counts.get(key);
    if (c !== undefined) {
      this.counts.set(key, c + n);
      return;
    }
    if (this.counts.size < this.cap) {
      this.counts.set(key, n);
      return;
    }
    let minKey = '';
    let min = Infinity;
    for (const [k, v] of this.counts) {
      if (v < min) {
        min = v;
        minKey = k;
      }
    }
    this.counts.delete(minKey);
    this.counts.set(key, min + n);
  }

  /** Takes back `n` occurrences of `key` (a withdrawn finding); unknown keys are ignored. */
  remove(key: string, n: number): void {
    const c = this.counts.get(key);
    if (c === undefined) return;
    if (c <= n) this.counts.delete(key);
    else this.counts.set(key, c - n);
  }

  /** The `n` largest, count descending then key ascending. */
  top(n: number): { key: string; count: number }[] {
    return [...this.counts]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .slice(0, n)
      .map(([key, count]) => ({ key, count }));
  }

  bytes(): number {
    let b = 64;
    for (const k of this.counts.keys()) b += 40 + k.length;
    return b;
  }

  snapshot(): [string, number][] {
    return [...this.counts];
  }

  /** Rebuilds from {@link TopK.snapshot} output. */
  static restore(s: readonly [string, number][], cap = 32): TopK {
    const t = new TopK(cap);
    for (const [k, v] of s) t.counts.set(k, v);
    return t;
  }
}
