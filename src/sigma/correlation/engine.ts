/**
 * Runs correlation rules over rule occurrences (detection matches and other correlations'
 * firings), in event time. Groups are keyed by the group-by values (aliases resolved per
 * rule); a group whose window has passed is freed, so memory follows the live groups.
 */
import type { LoadedRule } from '../load.js';
import type { CorrelationRule, CountCondition } from '../types.js';
import { add, evict, groupBytes, groupFromJson, groupToJson, newGroup, value, windowStart } from './window.js';
import type { GroupState } from './window.js';

/** One correlation firing. */
export interface CorrelationFiring {
  readonly rule: LoadedRule<CorrelationRule>;
  /** group-by field → value. */
  readonly group: Readonly<Record<string, unknown>>;
  readonly windowStart: number;
  readonly windowEnd: number;
  /** The aggregate that met the condition (count, distinct count, sum, average, percentile, rules seen). */
  readonly value: number;
}

/** Reads a field of an occurrence (through the field mapping for events). */
export type FieldReader = (name: string) => unknown;

/** True when `v` satisfies every comparison of the condition. */
export function conditionHolds(c: CountCondition, v: number): boolean {
  if (Number.isNaN(v)) return false;
  for (const { op, n } of c.ops) {
    const ok = op === 'gt' ? v > n : op === 'gte' ? v >= n : op === 'lt' ? v < n : op === 'lte' ? v <= n : op === 'eq' ? v === n : v !== n;
    if (!ok) return false;
  }
  return true;
}

const SEP = '\u001f';
const NO_VALUES: unknown[] = [];
const keyPart = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : v === undefined || v === null ? '' : JSON.stringify(v) ?? '');

/** State and evaluation of one correlation rule. */
export class CorrelationState {
  readonly groups = new Map<string, GroupState>();
  /** Newest event time seen by this correlation. */
  watermark = -Infinity;
  /** Events that arrived after their group's window had already passed them. */
  lateDropped = 0;

  constructor(readonly rule: LoadedRule<CorrelationRule>) {}

  /** Per referencing rule (by its keys array): rule positions, group-by fields and value field. */
  private readonly plans = new Map<readonly string[], { idx: number[]; group: string[]; field: string | undefined }>();

  /** The field a referenced rule contributes for `name` (an alias or a plain field). */
  private fieldFor(name: string, refKeys: readonly string[]): string {
    const alias = this.rule.aliases[name];
    if (!alias) return name;
    for (const k of refKeys) { const f = alias[k]; if (f !== undefined) return f; }
    return name;
  }

  private plan(refKeys: readonly string[]): { idx: number[]; group: string[]; field: string | undefined } {
    let p = this.plans.get(refKeys);
    if (!p) {
      const r = this.rule;
      const idx: number[] = [];
      r.rules.forEach((k, i) => { if (refKeys.includes(k)) idx.push(i); });
      const f = r.condition.field;
      p = { idx, group: r.groupBy.map((g) => this.fieldFor(g, refKeys)), field: f === undefined ? undefined : this.fieldFor(f, refKeys) };
      this.plans.set(refKeys, p);
    }
    return p;
  }

  /**
   * Feeds one occurrence of a referenced rule (`refKeys`: its id and name; pass the same array
   * each time, it keys a cache) at event time `t`. Returns a firing when the condition newly
   * holds for the group.
   */
  onOccurrence(refKeys: readonly string[], t: number, read: FieldReader): CorrelationFiring | undefined {
    const r = this.rule;
    const p = this.plan(refKeys);
    if (p.idx.length === 0) return undefined;
    const one = p.group.length === 1 ? read(p.group[0]!) : undefined;
    const vals = p.group.length === 0 ? NO_VALUES : p.group.length === 1 ? undefined : p.group.map(read);
    const key = vals === undefined ? keyPart(one) : vals.map(keyPart).join(SEP);
    let g = this.groups.get(key);
    if (!g) { g = newGroup(r.type, r.rules.length); this.groups.set(key, g); }
    if (t > this.watermark) this.watermark = t;
    if (t <= g.last - r.timespanMs) { this.lateDropped++; return undefined; }
    add(r.type, g, t, p.field === undefined ? undefined : read(p.field), p.idx, r.timespanMs);
    evict(r.type, g, r.timespanMs);
    const v = value(r.type, g, r.timespanMs, r.condition.percentile ?? 50, r.rules.length);
    const holds = conditionHolds(r.condition, v);
    let out: CorrelationFiring | undefined;
    if (holds && !g.firing) {
      const group: Record<string, unknown> = {};
      r.groupBy.forEach((f, i) => { group[f] = (vals === undefined ? one : vals[i]) ?? null; });
      out = { rule: r, group, windowStart: windowStart(r.type, g, r.timespanMs, r.rules.length), windowEnd: g.last, value: v };
      // An ordered sequence is consumed by firing; the next one starts afresh.
      if (r.type === 'temporal_ordered') g.chain.fill(null);
    }
    g.firing = r.type === 'temporal_ordered' ? false : holds;
    this.sweep();
    return out;
  }

  /** Event time of the last full sweep. */
  lastFullSweep = -Infinity;
  /** Round-robin cursor of the incremental sweep. */
  private cursor: Iterator<[string, GroupState]> | undefined;

  /**
   * Frees groups whose newest event left the window. Incremental: each call checks one
   * group round-robin (so a passed group is freed within one cycle over the live groups);
   * `force` checks them all.
   */
  sweep(force = false): void {
    const horizon = this.watermark - this.rule.timespanMs;
    if (force) {
      for (const [k, g] of this.groups) if (g.last <= horizon) this.groups.delete(k);
      this.cursor = undefined;
      this.lastFullSweep = this.watermark;
      return;
    }
    this.cursor ??= this.groups.entries();
    const n = this.cursor.next();
    if (n.done === true) { this.cursor = undefined; return; }
    if (n.value[1].last <= horizon) this.groups.delete(n.value[0]);
  }

  /** Approximate bytes of state. */
  bytes(): number {
    let n = 0;
    for (const [k, g] of this.groups) n += k.length * 2 + groupBytes(g);
    return n;
  }

  /** JSON-serializable state. */
  snapshot(): unknown {
    return { w: this.watermark, d: this.lateDropped, g: [...this.groups].map(([k, g]) => [k, groupToJson(g)]) };
  }

  /** Restores {@link snapshot} output. */
  restore(s: unknown): void {
    const o = s as { w: number | null; d: number; g: [string, unknown][] };
    this.watermark = o.w ?? -Infinity;
    this.cursor = undefined;
    this.lateDropped = o.d;
    this.groups.clear();
    for (const [k, g] of o.g) this.groups.set(k, groupFromJson(this.rule.type, this.rule.rules.length, g));
  }
}
