/**
 * A batch of indicators as both backends store it: one row per (alert, type, value), its
 * window the widest of the batch's rows, its `retracted` the last row's.
 */
import type { StoredIndicator } from './store.js';

/** A stored indicator with `retracted` always present. */
export type MergedIndicator = StoredIndicator & { retracted: boolean };

/** Folds duplicates of one (alert, type, value) in `rows` into one row (see the module comment). */
export function mergeIndicatorBatch(rows: readonly StoredIndicator[]): MergedIndicator[] {
  const merged = new Map<string, MergedIndicator>();
  for (const r of rows) {
    const k = `${r.alert_id}\u0000${r.type}\u0000${r.value}`;
    const m = merged.get(k);
    const retracted = r.retracted === true;
    merged.set(k, m === undefined ? { alert_id: r.alert_id, type: r.type, value: r.value, first_seen: r.first_seen, last_seen: r.last_seen, retracted }
      : { ...m, first_seen: Math.min(m.first_seen, r.first_seen), last_seen: Math.max(m.last_seen, r.last_seen), retracted });
  }
  return [...merged.values()];
}
