/**
 * Helpers for arrays sorted by event time `t` (stable: equal times keep their order).
 */

/** Anything with an event time. */
export interface Timed {
  readonly t: number;
}

/** First index in `a[from..]` whose `t` is greater than `t` (binary search). */
export function upperBound(a: readonly Timed[], t: number, from: number): number {
  let lo = from;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]!.t <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** True when `a` is in non-decreasing `t` order. */
export function isSorted(a: readonly Timed[]): boolean {
  for (let i = 1; i < a.length; i++) if (a[i]!.t < a[i - 1]!.t) return false;
  return true;
}

/**
 * Appends sorted `inc` to sorted `buf[head..]`, keeping it sorted; elements already in `buf`
 * come first among equal times. Cost: `inc.length` plus the part of `buf` after `inc[0].t`.
 */
export function mergeInto<T extends Timed>(buf: T[], head: number, inc: readonly T[]): void {
  const first = inc[0];
  if (first === undefined) return;
  if (buf.length === head || buf[buf.length - 1]!.t <= first.t) {
    for (const e of inc) buf.push(e);
    return;
  }
  const tail = buf.splice(upperBound(buf, first.t, head));
  let i = 0;
  let j = 0;
  while (i < tail.length && j < inc.length) {
    buf.push(tail[i]!.t <= inc[j]!.t ? tail[i++]! : inc[j++]!);
  }
  while (i < tail.length) buf.push(tail[i++]!);
  while (j < inc.length) buf.push(inc[j++]!);
}

/**
 * Sorts `a` by `t`, stably, without a comparator callback: each element becomes one double,
 * (t − min) · n + index, sorted natively; exact while (max − min) · n < 2⁵³.
 */
export function sortByTime<T extends Timed>(a: T[]): void {
  const n = a.length;
  if (n < 2) return;
  let min = Infinity;
  let max = -Infinity;
  for (const e of a) {
    if (e.t < min) min = e.t;
    if (e.t > max) max = e.t;
  }
  if (!((max - min) * n < Number.MAX_SAFE_INTEGER) || !Number.isInteger(max - min)) {
    a.sort((x, y) => x.t - y.t);
    return;
  }
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = (a[i]!.t - min) * n + i;
  keys.sort();
  const copy = a.slice();
  for (let i = 0; i < n; i++) a[i] = copy[keys[i]! % n]!;
}
