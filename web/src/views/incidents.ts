/**
 * The incident list: each incident with its most urgent legal clock (time left or overdue),
 * the persons its latest run found and its status; a row opens the incident page.
 */
import { listIncidents } from '../api.js';
import type { Incident } from '../api-types.js';
import { h, replace } from '../dom.js';
import { fmtNum, fmtTime } from '../format.js';
import { hrefOf } from '../router.js';
import { clockText, mostUrgent } from './incident-clocks.js';
import { errorBox, type View } from './view.js';

function row(i: Incident): HTMLElement {
  const c = mostUrgent(i.clocks);
  const latest = i.runs.at(-1);
  return h('tr', { 'data-incident': i.incident_id },
    h('th', { scope: 'row', class: 'wrap' }, h('a', { href: hrefOf(`/incidents/${encodeURIComponent(i.incident_id)}`) }, i.name), h('br'), h('code', {}, i.incident_id)),
    h('td', {}, i.status),
    h('td', { class: 'nowrap' }, fmtTime(i.aware_at)),
    h('td', {}, c === undefined ? h('span', { class: 'muted' }, 'none') : clockText(c)),
    h('td', { class: 'num' }, latest === undefined ? '—' : fmtNum(latest.accounts)));
}

/** Loads the list once. */
export const incidentsView: View = (root, ctx) => {
  document.title = 'Incidents · breachwatch';
  const body = h('div', {}, h('p', { class: 'status', role: 'status' }, 'Loading incidents…'));
  replace(root, h('h1', {}, 'Incidents'),
    h('p', { class: 'lede' }, 'Each incident starts its legal clocks when the company became aware: notices to every affected person and the regulator report are due within 72 hours.'),
    body);
  listIncidents().then(
    (r) => {
      if (ctx.signal.aborted) return;
      if (r.items.length === 0) { replace(body, h('p', { class: 'empty' }, 'No incidents yet (breachwatch incident open starts one).')); return; }
      const col = (label: string): HTMLElement => h('th', { scope: 'col' }, label);
      replace(body, h('table', { class: 'incidents' },
        h('caption', { class: 'sr-only' }, 'Incidents'),
        h('thead', {}, h('tr', {}, col('Incident'), col('Status'), col('Aware at'), col('Most urgent clock'), col('Persons'))),
        h('tbody', {}, r.items.map(row))));
    },
    (err: unknown) => { if (!ctx.signal.aborted && !ctx.unauthorized(err)) replace(body, errorBox(err)); });
};
