/**
 * A binary min-heap of items by their `due` time (epoch ms), for timers that do not arrive in
 * deadline order (tokens waiting longer for a source whose clock runs behind, or for the
 * ledger to show life after their claimed issuance). O(log n) per push and pop, no allocation
 * beyond the backing array.
 */

/** Anything with a deadline. */
export interface Due {
  due: number;
}

/** Min-heap by `due`. */
export class DeadlineHeap<T extends Due> {
  private readonly a: T[] = [];

  get size(): number {
    return this.a.length;
  }

  /** Earliest deadline, or Infinity when empty. */
  peekDue(): number {
    return this.a.length === 0 ? Infinity : (this.a[0] as T).due;
  }

  push(x: T): void {
    const a = this.a;
    a.push(x);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if ((a[p] as T).due <= x.due) break;
      a[i] = a[p] as T;
      i = p;
    }
    a[i] = x;
  }

  /** Removes and returns the earliest item. */
  pop(): T | undefined {
    const a = this.a;
    const top = a[0];
    const last = a.pop();
    if (top === undefined || last === undefined || a.length === 0) return top;
    let i = 0;
    const n = a.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && (a[r] as T).due < (a[l] as T).due ? r : l;
      if ((a[c] as T).due >= last.due) break;
      a[i] = a[c] as T;
      i = c;
    }
    a[i] = last;
    return top;
  }

  /** Every item, in no particular order (snapshots). */
  items(): readonly T[] {
    return this.a;
  }

  clear(): void {
    this.a.length = 0;
  }
}
