/**
 * Distinct accounts behind a campaign, with removal: exact reference counts (30-bit account
 * hash → number of tokens that reached it) up to {@link EXACT_LIMIT} accounts, then a
 * {@link DistinctCounter} (HyperLogLog) plus a count of removals. Withdrawing a token then
 * subtracts its account from the estimate, which is approximate past the limit (an account
 * another token also reached is subtracted too) and exact below it.
 */
import { DistinctCounter, type DistinctCounterState } from './distinct-counter.js';

/** Campaigns larger than this count approximately (64k accounts ≈ 3 MiB exact). */
const EXACT_LIMIT = 65_536;

/** JSON form of an {@link AccountTally}. */
export type AccountTallyState = { x: [number, number][] } | { h: DistinctCounterState; removed: number };

/** Distinct-account counter that supports withdrawing an account. */
export class AccountTally {
  private exact: Map<number, number> | null = new Map();
  private hll: DistinctCounter | null = null;
  private removed = 0;

  /** Counts one more token reaching account hash `h`. */
  add(h: number): void {
    const ex = this.exact;
    if (ex === null) {
      (this.hll as DistinctCounter).add(h);
      return;
    }
    ex.set(h, (ex.get(h) ?? 0) + 1);
    if (ex.size > EXACT_LIMIT) {
      const hll = new DistinctCounter();
      for (const k of ex.keys()) hll.add(k);
      this.hll = hll;
      this.exact = null;
    }
  }

  /** Withdraws one token's reach of account hash `h`. */
  remove(h: number): void {
    const ex = this.exact;
    if (ex === null) {
      this.removed++;
      return;
    }
    const n = ex.get(h);
    if (n === undefined) return;
    if (n <= 1) ex.delete(h);
    else ex.set(h, n - 1);
  }

  /** Distinct accounts now (estimated past the exact limit). */
  count(): number {
    if (this.exact !== null) return this.exact.size;
    return Math.max(0, (this.hll as DistinctCounter).count() - this.removed);
  }

  bytes(): number {
    return this.exact !== null ? 64 + this.exact.size * 40 : 80 + (this.hll as DistinctCounter).bytes();
  }

  snapshot(): AccountTallyState {
    if (this.exact !== null) return { x: [...this.exact] };
    return { h: (this.hll as DistinctCounter).snapshot(), removed: this.removed };
  }

  /** Rebuilds from {@link AccountTally.snapshot} output. */
  static restore(s: AccountTallyState): AccountTally {
    const t = new AccountTally();
    if ('x' in s) {
      t.exact = new Map(s.x);
    } else {
      t.exact = null;
      t.hll = DistinctCounter.restore(s.h);
      t.removed = s.removed;
    }
    return t;
  }
}
