/**
 * Runs correlation rules over rule occurrences (detection matches and other correlations'
 * firings), in event time. Groups are keyed by the group-by values (aliases resolved per
 * rule); a group whose window has passed is freed, so memory follows the live groups.
 * Correlations that aggregate the same thing share one {@link SharedWindow}.
 */
import type { LoadedRule } from '../load.js';
import type { CorrelationRule } from '../types.js';
import { GroupIndex } from './group-index.js';
import { SharedWindow } from './shared-window.js';
import type { FieldReader, OnHold } from './shared-window.js';
import { groupBytes, groupFromJson, groupToJson } from './window.js';

export { conditionHolds } from './shared-window.js';
export type { FeedPlan, FieldReader } from './shared-window.js';

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

const SEP = '\u001f';
/** One group-by value as key text. */
export const keyPart = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : v === undefined || v === null ? '' : JSON.stringify(v) ?? '');
/** The group key of group-by values read by `read`. */
export function groupKey(fields: readonly string[], read: FieldReader): string {
  if (fields.length === 1) return keyPart(read(fields[0]!));
  let k = '';
  for (let i = 0; i < fields.length; i++) k += (i === 0 ? '' : SEP) + keyPart(read(fields[i]!));
  return k;
}

/** One correlation rule: its (possibly shared) window and its own condition. */
export class CorrelationState {
  readonly win: SharedWindow;
  /** This rule's firing bit in the window. */
  readonly bit: number;

  /** `win`: a window this rule may share (default: its own, with its own group index). */
  constructor(readonly rule: LoadedRule<CorrelationRule>, win?: SharedWindow) {
    this.win = win ?? new SharedWindow(rule, new GroupIndex());
    this.bit = this.win.conditions.length;
    this.win.conditions.push(rule.condition);
  }

  /** Live groups of the window. */
  get groups(): { readonly size: number } { return this.win.groups; }
  /** Newest event time seen. */
  get watermark(): number { return this.win.watermark; }
  /** Occurrences that arrived after their group's window had already passed them. */
  get lateDropped(): number { return this.win.lateDropped; }

  /** Builds this rule's firing from a window's {@link OnHold} report. */
  firing(...[, group, read, windowStart, windowEnd, value]: Parameters<OnHold>): CorrelationFiring {
    const g: Record<string, unknown> = {};
    this.rule.groupBy.forEach((f, i) => { g[f] = read(group[i]!) ?? null; });
    return { rule: this.rule, group: g, windowStart, windowEnd, value };
  }

  /** Approximate bytes of state (of the window, counted by its first sharer only). */
  bytes(): number {
    if (this.bit !== 0) return 0;
    let n = 0;
    for (const [, g] of this.win.groups.entries()) n += groupBytes(g);
    return n;
  }

  /** JSON-serializable state: the window's, held by its first sharer (null for the others). */
  snapshot(): unknown {
    if (this.bit !== 0) return null;
    const w = this.win;
    return { w: w.watermark, d: w.lateDropped, g: [...w.groups.entries()].map(([k, g]) => [k, groupToJson(g)]) };
  }

  /** Restores {@link snapshot} output (into the shared window; null restores nothing). */
  restore(s: unknown): void {
    if (s === null) return;
    const o = s as { w: number | null; d: number; g: [string, unknown][] };
    const w = this.win;
    w.watermark = o.w ?? -Infinity;
    w.lateDropped = o.d;
    w.groups.clear();
    for (const [k, g] of o.g) w.groups.put(k, groupFromJson(this.rule.type, this.rule.rules.length, g));
  }
}
