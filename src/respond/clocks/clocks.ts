/**
 * The legal clocks of an incident, in wall-clock terms: each rule that applies gives a
 * deadline counted from the awareness time the user gave (never from event time), and the
 * clock is met, late, still running (time left) or overdue, judged by the milestone that
 * meets it. Pure: the caller passes the facts and the time now.
 */
import { HOUR } from '../../model/index.js';
import type { Text } from '../incident/details.js';
import type { ClockRule, ClockRules, Condition } from './rules.js';

/** What the conditions of the rules are judged on. */
export interface ClockFacts {
  /** Affected persons (the latest saved scope run; 0 before any). */
  readonly affected: number;
  readonly unlawful_access: boolean;
  readonly sensitive_data: boolean;
  readonly high_risk: boolean;
  /** Milestones set so far (epoch ms). */
  readonly milestones: Readonly<Partial<Record<ClockRule['milestone'], number>>>;
}

/** Where one clock stands. */
export interface ClockStatus {
  readonly id: string;
  readonly label: Text;
  readonly basis: Text;
  readonly required: boolean;
  /** The conditions that make it required (e.g. `affected_at_least: 1000`). */
  readonly because: readonly string[];
  readonly within_hours: number | null;
  /** Deadline (epoch ms), or null when the law fixes no number of hours. */
  readonly due_at: number | null;
  /** When the milestone that meets it was reached. */
  readonly done_at?: number;
  /** `met` in time, `late` (done after the deadline), `running` (time left), `overdue`, `not_required`, `no_deadline` (not done, no fixed hours). */
  readonly state: 'met' | 'late' | 'running' | 'overdue' | 'not_required' | 'no_deadline';
  /** Running: ms left; overdue: ms past (negative). */
  readonly remaining_ms?: number;
  readonly note?: Text;
}

/** A condition in words (`affected_at_least: 1000`). */
export function describeCondition(c: Condition): string {
  const first: [string, unknown] = Object.entries(c)[0] ?? ['?', '?'];
  const [k, v] = first;
  return `${k}: ${String(v)}`;
}

function holds(c: Condition, f: ClockFacts): boolean {
  if ('affected_at_least' in c) return f.affected >= c.affected_at_least;
  if ('unlawful_access' in c) return f.unlawful_access;
  if ('sensitive_data' in c) return f.sensitive_data;
  return f.high_risk;
}

/**
 * Every clock of `rules` for an incident aware at `awareAt`, judged at `now`.
 *
 * @example
 * clocks(rules, Date.parse('2025-11-08T00:00:00Z'), facts, Date.now())
 * // [{ id: 'person_notice', due_at: …, state: 'overdue', remaining_ms: -3600000, … }, …]
 */
export function clocks(rules: ClockRules, awareAt: number, facts: ClockFacts, now: number): ClockStatus[] {
  return rules.clocks.map((r) => {
    const because = r.when.any.filter((c) => holds(c, facts)).map(describeCondition);
    const required = because.length > 0;
    const due = r.within_hours === null ? null : awareAt + r.within_hours * HOUR;
    const done = facts.milestones[r.milestone];
    const base = {
      id: r.id, label: r.label, basis: r.basis, required, because, within_hours: r.within_hours, due_at: due,
      ...(done !== undefined && { done_at: done }), ...(r.note !== undefined && { note: r.note }),
    };
    if (!required) return { ...base, state: 'not_required' as const };
    if (done !== undefined) return { ...base, state: due === null || done <= due ? 'met' as const : 'late' as const };
    if (due === null) return { ...base, state: 'no_deadline' as const };
    return { ...base, state: now <= due ? 'running' as const : 'overdue' as const, remaining_ms: due - now };
  });
}

/** `2d 3h 5m` (sign kept): how a person reads time left or past. */
export function fmtSpan(ms: number): string {
  const neg = ms < 0;
  let m = Math.floor(Math.abs(ms) / 60_000);
  const d = Math.floor(m / 1440);
  m -= d * 1440;
  const h = Math.floor(m / 60);
  m -= h * 60;
  return `${neg ? '-' : ''}${d > 0 ? `${d}d ` : ''}${d > 0 || h > 0 ? `${h}h ` : ''}${m}m`;
}
