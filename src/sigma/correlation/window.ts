/**
 * Per-group sliding-window state of one correlation rule, in event time. The window of a group
 * is (T − timespan, T], T being the newest event time seen for the group: it slides with every
 * event (no fixed buckets). An event older than T − timespan when it arrives cannot join any
 * open window and is dropped (counted); an out-of-order event inside the window is inserted at
 * its place. Groups are recycled (see {@link resetGroup}) and a value_count/temporal group holds
 * its first value inline, allocating a map only for a second one: most groups stay small.
 */
import type { CorrelationType } from '../types.js';

/** The state of one group. */
export interface GroupState {
  /** Slot of the group key in the shared group index. */
  slot: number;
  /** Generation of the slot the state belongs to (see group-index.ts). */
  gen: number;
  /** Newest event time of the group (the window end). */
  last: number;
  /** Bit i: the condition of the window's sharer i held at the last evaluation (firing is edge-triggered). */
  firing: number;
  /** Event times, ascending (event_count, value_sum/avg/percentile). */
  times: number[];
  /** Values parallel to `times` (value_sum/avg/percentile). */
  vals: number[];
  /** Index of the first live entry in `times`/`vals`. */
  head: number;
  /** value_count: value → newest time it was seen, oldest first; temporal: rule index → newest time. Used once a group holds two entries. */
  seen: Map<string, number>;
  /**
   * value_count/temporal, once `seen` is used: (value, time) in arrival order from `qh` on — the
   * expiry queue (a value seen again is queued again; its older entry is then stale). Expiry pops
   * from the front instead of iterating the map, whose deleted entries would be walked again.
   */
  qk: string[];
  qt: number[];
  qh: number;
  /** value_count/temporal: the only entry while `seen` is empty (undefined: none). */
  k1: string | undefined;
  /** Time of `k1`. */
  t1: number;
  /** temporal_ordered: for each position, the start time of the latest chain that reached it. */
  chain: (number | null)[];
  /** value_sum running sum. */
  sum: number;
  /** value_count/temporal: an out-of-order insert happened, so counting must check times. */
  ooo: boolean;
  /** value_count/temporal: a lower bound of the times held (skips needless eviction scans). */
  oldest: number;
}

const NONE: never[] = [];
const NO_MAP = new Map<string, number>();
const usesSeen = (type: CorrelationType): boolean => type === 'value_count' || type === 'temporal';

/** A fresh group (only the parts its correlation type uses are allocated). */
export function newGroup(type: CorrelationType, nRules: number, slot = -1, gen = 0): GroupState {
  const series = type === 'event_count' || type.startsWith('value_') && type !== 'value_count';
  return {
    slot, gen, last: -Infinity, firing: 0, head: 0, sum: 0, ooo: false, oldest: -Infinity, k1: undefined, t1: -Infinity,
    times: series ? [] : NONE, vals: series && type !== 'event_count' ? [] : NONE,
    seen: NO_MAP, qk: NONE, qt: NONE, qh: 0,
    chain: type === 'temporal_ordered' ? Array<number | null>(nRules).fill(null) : NONE,
  };
}

/** Empties a group for re-use in `slot` (keeps its allocated arrays and map). */
export function resetGroup(g: GroupState, slot: number, gen: number): void {
  g.slot = slot; g.gen = gen; g.last = -Infinity; g.firing = 0; g.head = 0; g.sum = 0; g.ooo = false; g.oldest = -Infinity;
  g.k1 = undefined; g.t1 = -Infinity;
  if (g.times.length > 0) g.times.length = 0;
  if (g.vals.length > 0) g.vals.length = 0;
  if (g.seen.size > 0) g.seen.clear();
  if (g.qk.length > 0) { g.qk.length = 0; g.qt.length = 0; }
  g.qh = 0;
  if (g.chain.length > 0) g.chain.fill(null);
}

/** The entries of a value_count/temporal group (value → newest time), oldest first. */
export function seenEntries(g: GroupState): [string, number][] {
  return g.k1 !== undefined ? [[g.k1, g.t1]] : [...g.seen];
}

/** A group as JSON-serializable data. */
export function groupToJson(g: GroupState): unknown {
  return { last: g.last, firing: g.firing, times: g.times.slice(g.head), vals: g.vals.slice(g.head), sum: g.sum, ooo: g.ooo, chain: g.chain, seen: seenEntries(g) };
}

/** Inverse of {@link groupToJson}. */
export function groupFromJson(type: CorrelationType, nRules: number, x: unknown): GroupState {
  const o = x as { last: number | null; firing: number | boolean; times: number[]; vals: number[]; head?: number; sum: number; ooo: boolean; chain: (number | null)[]; seen: [string, number][] };
  const g = newGroup(type, nRules);
  g.last = o.last ?? -Infinity; g.firing = Number(o.firing); g.sum = o.sum; g.ooo = o.ooo;
  const head = o.head ?? 0; // snapshots of earlier versions kept evicted entries before `head`
  if (g.times !== NONE) g.times = o.times.slice(head);
  if (g.vals !== NONE) g.vals = o.vals.slice(head);
  if (g.chain !== NONE) g.chain = o.chain.map((c) => c ?? null);
  if (usesSeen(type) && o.seen.length > 0) {
    g.seen = new Map(o.seen);
    requeue(g);
  }
  return g;
}

function insertAt(a: number[], from: number, t: number): number {
  let lo = from, hi = a.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (a[mid]! <= t) lo = mid + 1; else hi = mid; }
  return lo;
}

/** Rebuilds the expiry queue from `seen` (time order), dropping stale entries. */
function requeue(g: GroupState): void {
  const e = [...g.seen].sort((a, b) => a[1] - b[1]);
  if (g.qk === NONE) { g.qk = []; g.qt = []; }
  g.qk.length = 0; g.qt.length = 0; g.qh = 0;
  for (const [k, t] of e) { g.qk.push(k); g.qt.push(t); }
}

/** Sets `key`'s time to `t` when newer. */
function see(g: GroupState, key: string, t: number): void {
  if (g.seen.size === 0) {
    if (g.k1 === undefined) { g.k1 = key; g.t1 = t; return; }
    if (g.k1 === key) { if (t > g.t1) g.t1 = t; return; }
    if (g.seen === NO_MAP) { g.seen = new Map<string, number>(); g.qk = []; g.qt = []; }
    g.seen.set(g.k1, g.t1);
    g.qk.push(g.k1); g.qt.push(g.t1);
    g.k1 = undefined;
  }
  const m = g.seen;
  const prev = m.get(key);
  if (prev !== undefined && t <= prev) return;
  m.set(key, t);
  g.qk.push(key); g.qt.push(t);
  // Stale entries (values seen again) are bounded: rebuild when they outnumber live ones 4:1.
  if (g.qk.length - g.qh > 4 * m.size + 64) requeue(g);
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
      if (i === g.times.length) g.times.push(t); else g.times.splice(i, 0, t);
      if (type !== 'event_count') { if (i === g.vals.length) g.vals.push(n); else g.vals.splice(i, 0, n); g.sum += n; }
      return;
    }
    case 'value_count': case 'temporal': {
      const key = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : value === undefined || value === null ? undefined : JSON.stringify(value);
      if ((g.k1 === undefined && g.seen.size === 0) || t < g.oldest) g.oldest = t;
      if (type === 'temporal') for (const r of ruleIdx) see(g, String(r), t);
      else if (key !== undefined) see(g, key, t);
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
  if (usesSeen(type)) {
    if (g.oldest > horizon) return;
    // Entries are in newest-time order for in-order input; a late value may sit behind a
    // newer one, so expired entries further in are also checked when counting (see value()).
    g.oldest = Infinity;
    if (g.k1 !== undefined) {
      if (g.t1 > horizon) g.oldest = g.t1; else g.k1 = undefined;
      return;
    }
    const m = g.seen, qk = g.qk, qt = g.qt;
    let h = g.qh;
    while (h < qt.length && qt[h]! <= horizon) {
      const k = qk[h]!;
      if (m.get(k) === qt[h]) m.delete(k);
      h++;
    }
    if (h < qt.length) g.oldest = qt[h]!;
    if (h > 64 && h * 2 > qt.length) { qk.splice(0, h); qt.splice(0, h); h = 0; }
    g.qh = h;
    return;
  }
  if (type === 'temporal_ordered') {
    for (let i = 0; i < g.chain.length; i++) { const s = g.chain[i]; if (s !== null && s !== undefined && s <= horizon) g.chain[i] = null; }
    return;
  }
  while (g.head < g.times.length && g.times[g.head]! <= horizon) {
    if (type !== 'event_count') g.sum -= g.vals[g.head]!;
    g.head++;
  }
  if (g.head > 64 && g.head * 2 > g.times.length) {
    g.times.splice(0, g.head);
    if (type !== 'event_count') g.vals.splice(0, g.head);
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
      if (g.k1 !== undefined) return g.t1 > horizon ? 1 : 0;
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
      for (const [, t] of seenEntries(g)) if (t > horizon && t < start) start = t;
      return start;
    }
    case 'temporal_ordered': return g.chain[nRules - 1] ?? g.last;
  }
}

/** Approximate bytes held by a group. */
export function groupBytes(g: GroupState): number {
  return 112 + (g.times.length - g.head) * 16 + (g.qt.length - g.qh) * 16 + (g.k1 !== undefined ? 16 + g.k1.length * 2 : 0) + g.seen.size * 64 + g.chain.length * 8;
}
