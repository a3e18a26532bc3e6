/**
 * Per-group sliding-window state of one correlation rule, in event time. The window of a group
 * is (T − timespan, T], T being the newest event time seen for the group: it slides with every
 * event (no fixed buckets). An event older than T − timespan when it arrives cannot join any
 * open window and is dropped (counted); an out-of-order event inside the window is inserted at
 * its place. State is plain data so it snapshots as JSON.
 */
import type { CorrelationType } from '../types.js';

/** The JSON-serializable state of one group. */
export interface GroupState {
  /** Newest event time of the group (the window end). */
  last: number;
  /** Whether the condition held at the last evaluation (firing is edge-triggered). */
  firing: boolean;
  /** Event times, ascending (event_count, value_sum/avg/percentile). */
  times: number[];
  /** Values parallel to `times` (value_sum/avg/percentile). */
  vals: number[];
  /** Index of the first live entry in `times`/`vals`. */
  head: number;
  /** value_count: value → newest time it was seen, oldest first; temporal: rule index → newest time. */
  seen: Map<string, number>;
  /** temporal_ordered: for each position, the start time of the latest chain that reached it. */
  chain: (number | null)[];
  /** value_sum running sum. */
  sum: number;
  /** value_count/temporal: an out-of-order insert happened, so counting must check times. */
  ooo: boolean;
  /** value_count/temporal: a lower bound of the times in `seen` (skips needless eviction scans). */
  oldest: number;
}

const NONE: never[] = [];
const NO_MAP = new Map<string, number>();

/** A fresh group (only the parts its correlation type uses are allocated). */
export function newGroup(type: CorrelationType, nRules: number): GroupState {
  const series = type === 'event_count' || type.startsWith('value_') && type !== 'value_count';
  return {
    last: -Infinity, firing: false, head: 0, sum: 0, ooo: false, oldest: -Infinity,
    times: series ? [] : NONE, vals: series && type !== 'event_count' ? [] : NONE,
    seen: type === 'value_count' || type === 'temporal' ? new Map<string, number>() : NO_MAP,
    chain: type === 'temporal_ordered' ? Array<number | null>(nRules).fill(null) : NONE,
  };
}

/** A group as JSON-serializable data. */
export function groupToJson(g: GroupState): unknown {
  return { ...g, seen: [...g.seen] };
}

/** Inverse of {@link groupToJson}. */
export function groupFromJson(type: CorrelationType, nRules: number, x: unknown): GroupState {
  const o = x as Omit<GroupState, 'seen' | 'last'> & { seen: [string, number][]; last: number | null };
  const g = newGroup(type, nRules);
  return { ...g, ...o, last: o.last ?? -Infinity, oldest: -Infinity, seen: g.seen === NO_MAP ? NO_MAP : new Map(o.seen), chain: o.chain.map((c) => c ?? null) };
}

function insertAt(a: number[], from: number, t: number): number {
  let lo = from, hi = a.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (a[mid]! <= t) lo = mid + 1; else hi = mid; }
  return lo;
}

/** Records one occurrence. `value` is the aggregated field's value; `ruleIdx` the positions the event's rule holds. */
export function add(type: CorrelationType, g: GroupState, t: number, value: unknown, ruleIdx: readonly number[], span: number): void {
  if (t > g.last) g.last = t;
  else if (t < g.last) g.ooo = true;
  switch (type) {
    case 'event_count': case 'value_sum': case 'value_avg': case 'value_percentile': {
      const n = type === 'event_count' ? 0 : typeof value === 'number' ? value : Number(value);
      if (type !== 'event_count' && !Number.isFinite(n)) return;
      const i = insertAt(g.times, g.head, t);
      g.times.splice(i, 0, t);
      if (type !== 'event_count') { g.vals.splice(i, 0, n); g.sum += n; }
      return;
    }
    case 'value_count': case 'temporal': {
      const key = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : value === undefined || value === null ? undefined : JSON.stringify(value);
      const m = g.seen;
      if (m.size === 0 || t < g.oldest) g.oldest = t;
      if (type === 'temporal') {
        for (const r of ruleIdx) { const k = String(r); const prev = m.get(k); if (prev === undefined || t > prev) { m.delete(k); m.set(k, t); } }
      } else if (key !== undefined) {
        const prev = m.get(key);
        if (prev === undefined || t > prev) { m.delete(key); m.set(key, t); }
      }
      return;
    }
    case 'temporal_ordered': {
      for (let k = ruleIdx.length - 1; k >= 0; k--) {
        const i = ruleIdx[k]!;
        if (i === 0) g.chain[0] = t;
        else {
          const s = g.chain[i - 1];
          if (s !== null && s !== undefined && s > t - span && s <= t) g.chain[i] = Math.max(g.chain[i] ?? -Infinity, s);
        }
      }
      return;
    }
  }
}

/** Drops entries that left the window (T − span, T]. */
export function evict(type: CorrelationType, g: GroupState, span: number): void {
  const horizon = g.last - span;
  if (type === 'value_count' || type === 'temporal') {
    if (g.oldest > horizon) return;
    const m = g.seen;
    // Insertion order is newest-time order for in-order input; a late value may sit behind a
    // newer one, so expired entries further in are also checked when counting (see value()).
    g.oldest = Infinity;
    for (const [k, t] of m) { if (t > horizon) { g.oldest = t; break; } m.delete(k); }
    return;
  }
  if (type === 'temporal_ordered') {
    g.chain = g.chain.map((s) => (s !== null && s > horizon ? s : null));
    return;
  }
  while (g.head < g.times.length && g.times[g.head]! <= horizon) {
    if (type !== 'event_count') g.sum -= g.vals[g.head]!;
    g.head++;
  }
  if (g.head > 64 && g.head * 2 > g.times.length) {
    g.times = g.times.slice(g.head);
    if (type !== 'event_count') g.vals = g.vals.slice(g.head);
    g.head = 0;
  }
}

/** The aggregate the condition is compared with. */
export function value(type: CorrelationType, g: GroupState, span: number, percentile: number, nRules: number): number {
  const horizon = g.last - span;
  switch (type) {
    case 'event_count': return g.times.length - g.head;
    case 'value_sum': return g.sum;
    case 'value_avg': { const n = g.times.length - g.head; return n === 0 ? 0 : g.sum / n; }
    case 'value_percentile': {
      const live = g.vals.slice(g.head).sort((a, b) => a - b);
      if (live.length === 0) return NaN;
      return live[Math.max(0, Math.ceil((percentile / 100) * live.length) - 1)]!; // nearest rank
    }
    case 'value_count': case 'temporal': {
      if (!g.ooo) return g.seen.size;
      let n = 0;
      for (const t of g.seen.values()) if (t > horizon) n++;
      return n;
    }
    case 'temporal_ordered': {
      const s = g.chain[nRules - 1];
      return s !== null && s !== undefined && s > horizon ? nRules : 0;
    }
  }
}

/** The window's first event time (computed only when a correlation fires). */
export function windowStart(type: CorrelationType, g: GroupState, span: number, nRules: number): number {
  const horizon = g.last - span;
  switch (type) {
    case 'event_count': case 'value_sum': case 'value_avg': case 'value_percentile': return g.times[g.head] ?? g.last;
    case 'value_count': case 'temporal': {
      let start = g.last;
      for (const t of g.seen.values()) if (t > horizon && t < start) start = t;
      return start;
    }
    case 'temporal_ordered': return g.chain[nRules - 1] ?? g.last;
  }
}

/** Approximate bytes held by a group. */
export function groupBytes(g: GroupState): number {
  return 96 + (g.times.length - g.head) * 16 + g.seen.size * 64 + g.chain.length * 8;
}
