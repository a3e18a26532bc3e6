/**
 * How a legal clock reads: its label, its deadline, and time left or how long overdue
 * (judged by the server when the page was loaded).
 */
import type { IncidentClock } from '../api-types.js';
import { h } from '../dom.js';
import { fmtDuration, fmtTime } from '../format.js';

/** The clock's English label (Korean when that is all there is). */
export function clockLabel(c: IncidentClock): string {
  return typeof c.label === 'string' ? c.label : c.label.en ?? c.label.ko ?? c.id;
}

/** The running or overdue clock due first, else the first with a deadline. */
export function mostUrgent(clocks: readonly IncidentClock[]): IncidentClock | undefined {
  const live = clocks.filter((c) => c.state === 'overdue' || c.state === 'running');
  const by = (a: IncidentClock, b: IncidentClock): number => (a.due_at ?? '').localeCompare(b.due_at ?? '');
  return [...live].sort(by)[0] ?? clocks.find((c) => c.due_at !== null);
}

/** `OVERDUE by 8 h 0 min` / `41 h 12 min left` / `met` … as an element with the state's class. */
export function clockText(c: IncidentClock): HTMLElement {
  const ms = c.remaining_ms;
  const text = c.state === 'overdue' && ms !== undefined ? `OVERDUE by ${fmtDuration(-ms)}`
    : c.state === 'running' && ms !== undefined ? `${fmtDuration(ms)} left`
    : c.state === 'met' || c.state === 'late' ? `${c.state}${c.done_at !== undefined ? ` (done ${fmtTime(c.done_at)})` : ''}`
    : c.state.replace('_', ' ');
  return h('span', { class: `clock clock-${c.state}`, 'data-clock-state': c.state }, text);
}
