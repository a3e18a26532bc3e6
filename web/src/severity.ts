/**
 * Severity chips and the severity filter's choices. Colour is never the only signal: the
 * chip always carries the word.
 */
import { SEVERITIES } from '../../src/model/alert.js';
import type { Severity } from './api-types.js';
import { h } from './dom.js';

/** Most severe first (the shared model's order). */
export const SEVERITY_ORDER: readonly Severity[] = SEVERITIES;

/** Narrows a string (from a URL or a form) to a severity. */
export function isSeverity(x: string | null | undefined): x is Severity {
  return (SEVERITY_ORDER as readonly (string | null | undefined)[]).includes(x);
}

/** A coloured chip with the severity's name. */
export function chip(sev: Severity | undefined): HTMLElement {
  return sev === undefined
    ? h('span', { class: 'chip chip-ok' }, 'ok')
    : h('span', { class: `chip chip-${sev}` }, sev);
}

/** `<option>`s for a minimum-severity `<select>`, with an "any" choice when `any` is given. */
export function severityOptions(selected: Severity | undefined, any?: string): HTMLOptionElement[] {
  const opts = SEVERITY_ORDER.map((s) =>
    h('option', { value: s, selected: s === selected }, s === 'low' ? 'low and above' : s === 'critical' ? 'critical only' : `${s} and above`));
  return any === undefined ? opts : [h('option', { value: '', selected: selected === undefined }, any), ...opts];
}
