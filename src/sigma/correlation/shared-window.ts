/**
 * The sliding windows of one or more correlation rules that aggregate the same thing: same
 * type, referenced rules, group-by, aliases, field and timespan (they may differ in condition,
 * level, title…). Each occurrence updates the window once; each sharer then checks its own
 * condition, with its own edge-triggered firing bit per group. Groups are keyed by slots of a
 * {@link GroupIndex} (shared by correlations grouping by the same fields).
 */
import type { CorrelationRule } from '../types.js';
import type { GroupIndex } from './group-index.js';
import { GroupTable } from './groups.js';
import { add, evict, value, windowStart } from './window.js';

/** Reads a field of an occurrence (through the field mapping for events). */
export type FieldReader = (name: string) => unknown;

/** How occurrences of one referenced rule feed a correlation. */
export interface FeedPlan {
  /** Positions of the referenced rule in the correlation's `rules`. */
  readonly idx: readonly number[];
  /** Fields (aliases resolved) whose values form the group key, in group-by order. */
  readonly group: readonly string[];
  /** The aggregated field (aliases resolved), if the type has one. */
  readonly field: string | undefined;
}

/** What sharers must have in common (temporal_ordered consumes its state on firing: never shared). */
export function windowSignature(r: CorrelationRule, uniq: number): string {
  if (r.type === 'temporal_ordered') return `#${uniq}`;
  return JSON.stringify([r.type, r.rules, r.groupBy, r.aliases, r.condition.field ?? null, r.timespanMs, r.condition.percentile ?? null]);
}

/** Most sharers of one window (one firing bit each). */
export const MAX_SHARERS = 31;

/** A sharer's view: called when its condition newly holds for a group. */
export type OnHold = (sharer: number, group: readonly string[], read: FieldReader, windowStart: number, windowEnd: number, value: number) => void;

/** Window state shared by correlations that aggregate the same thing. */
export class SharedWindow {
  readonly groups: GroupTable;
  /** Newest event time seen. */
  watermark = -Infinity;
  /** Occurrences that arrived after their group's window had already passed them. */
  lateDropped = 0;
  /** Condition of each sharer (index = firing bit). */
  readonly conditions: CorrelationRule['condition'][] = [];
  private readonly plans = new Map<readonly string[], FeedPlan>();

  constructor(readonly rule: CorrelationRule, index: GroupIndex) {
    index.share(rule.timespanMs);
    this.groups = new GroupTable(index, rule.type, rule.rules.length, rule.timespanMs);
  }

  /** The field a referenced rule contributes for `name` (an alias or a plain field). */
  private fieldFor(name: string, refKeys: readonly string[]): string {
    const alias = this.rule.aliases[name];
    if (!alias) return name;
    for (const k of refKeys) { const f = alias[k]; if (f !== undefined) return f; }
    return name;
  }

  /** How occurrences of the rule known by `refKeys` (its id and name) feed this window (cached per array). */
  plan(refKeys: readonly string[]): FeedPlan {
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
   * Feeds one occurrence at event time `t`: `slot` is the index slot of the group key of
   * `p.group` (taken at `t`), `v` the value of `p.field`. Calls `onHold` for each sharer whose
   * condition newly holds (`read` is only used there, to report the group).
   */
  occur(p: FeedPlan, t: number, slot: number, v: unknown, read: FieldReader, onHold: OnHold): void {
    if (Number.isNaN(t)) return; // no event time: nothing a window can place
    const r = this.rule;
    const span = r.timespanMs;
    const tab = this.groups;
    if (t > this.watermark) { this.watermark = t; tab.expire(t); }
    const g = tab.get(slot);
    if (t <= g.last - span) { this.lateDropped++; return; }
    // A group whose whole window has passed starts afresh, whether or not it was freed yet.
    if (t - span >= g.last && g.last !== -Infinity) tab.renew(g);
    add(r.type, g, t, v, p.idx, span);
    tab.touch(g);
    evict(r.type, g, span);
    const val = value(r.type, g, span, r.condition.percentile ?? 50, r.rules.length);
    const cs = this.conditions;
    for (let i = 0; i < cs.length; i++) {
      const bit = 1 << i;
      const holds = conditionHolds(cs[i]!, val);
      if (holds && (g.firing & bit) === 0) {
        onHold(i, p.group, read, windowStart(r.type, g, span, r.rules.length), g.last, val);
        // An ordered sequence is consumed by firing; the next one starts afresh.
        if (r.type === 'temporal_ordered') { g.chain.fill(null); continue; }
      }
      g.firing = holds ? g.firing | bit : g.firing & ~bit;
    }
  }

  /** Event time has reached `t`: frees the groups whose window passed. */
  advance(t: number): void {
    if (t > this.watermark) this.watermark = t;
    this.groups.expire(this.watermark);
    this.groups.index.expire(this.watermark);
  }
}

/** True when `v` satisfies every comparison of the condition. */
export function conditionHolds(c: CorrelationRule['condition'], v: number): boolean {
  if (Number.isNaN(v)) return false;
  for (const { op, n } of c.ops) {
    const ok = op === 'gt' ? v > n : op === 'gte' ? v >= n : op === 'lt' ? v < n : op === 'lte' ? v <= n : op === 'eq' ? v === n : v !== n;
    if (!ok) return false;
  }
  return true;
}
