/**
 * Scope's indicators as both backends match them: overlapping windows of one (type, value)
 * merged first, so that within a type a request matches at most one indicator row.
 */
import type { Indicator } from '../model/index.js';

/**
 * Merges overlapping windows of the same (type, value), so that within one type a request
 * matches at most one indicator row and the join needs no de-duplication.
 */
export function mergeWindows(indicators: readonly Indicator[]): Indicator[] {
  const sorted = [...indicators].sort((x, y) =>
    x.type < y.type ? -1 : x.type > y.type ? 1 : x.value < y.value ? -1 : x.value > y.value ? 1 : x.first_seen - y.first_seen);
  const out: Indicator[] = [];
  for (const ind of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && last.type === ind.type && last.value === ind.value && ind.first_seen <= last.last_seen) {
      out[out.length - 1] = { ...last, last_seen: Math.max(last.last_seen, ind.last_seen) };
    } else {
      out.push(ind);
    }
  }
  return out;
}
