/**
 * One alert: what, when, the attack's timeline (requests and distinct accounts per hour),
 * top sources with country and ASN, the tokens and keys involved, evidence and details.
 */
import { getAlert } from '../api.js';
import type { AlertDetail, Source } from '../api-types.js';
import { timelineChart } from '../chart.js';
import { h, replace, type Child } from '../dom.js';
import { fmtAsn, fmtDuration, fmtNum, fmtTime, toMs } from '../format.js';
import { chip } from '../severity.js';
import { errorBox, type View } from './view.js';

function facts(rows: [string, Child | Child[]][]): HTMLElement {
  return h('dl', { class: 'facts' }, rows.map(([k, v]) => h('div', {}, h('dt', {}, k), h('dd', {}, v))));
}

function sourcesTable(sources: readonly Source[]): HTMLElement {
  if (sources.length === 0) return h('p', { class: 'muted' }, 'No source addresses recorded.');
  const col = (label: string, cls?: string): HTMLElement => h('th', { scope: 'col', class: cls }, label);
  return h('table', { class: 'sources' },
    h('thead', {}, h('tr', {}, col('Source IP'), col('Country'), col('ASN'), col('Requests', 'num'), col('Accounts', 'num'))),
    h('tbody', {}, sources.map((s) => h('tr', {},
      h('th', { scope: 'row' }, h('code', {}, s.ip)),
      h('td', {}, s.country ?? '—'),
      h('td', {}, fmtAsn(s.asn)),
      h('td', { class: 'num' }, fmtNum(s.requests)),
      h('td', { class: 'num' }, fmtNum(s.accounts))))));
}

function codeList(items: readonly string[], empty: string, ordered = false): HTMLElement {
  if (items.length === 0) return h('p', { class: 'muted' }, empty);
  const lis = items.map((x) => h('li', {}, h('code', {}, x)));
  return ordered ? h('ol', { class: 'codes' }, lis) : h('ul', { class: 'codes' }, lis);
}

function render(d: AlertDetail): HTMLElement[] {
  const a = d.alert;
  const ttd = toMs(a.detected_at) - toMs(a.first_seen);
  return [
    h('p', { class: 'crumb' }, h('a', { href: '#/alerts' }, '← All alerts')),
    h('div', { class: 'page-head' }, h('h1', {}, a.title), chip(a.severity)),
    facts([
      ['Entity', [h('span', { class: 'muted' }, `${a.entity.type} `), h('code', {}, a.entity.id)]],
      ['Detector', a.detector],
      ['First seen', fmtTime(a.first_seen)],
      ['Last seen', fmtTime(a.last_seen)],
      ['Detected at', [fmtTime(a.detected_at), h('span', { class: 'muted' }, ` (${fmtDuration(ttd)} after first event)`)]],
      ['Events', fmtNum(a.events)],
      ['Accounts', fmtNum(a.accounts)],
      ['Alert id', h('code', {}, a.alert_id)],
    ]),
    h('section', { 'aria-labelledby': 'h-timeline', class: 'card' },
      h('h2', { id: 'h-timeline' }, 'Timeline'),
      timelineChart(d.timeline, d.bucket ?? 'hour')),
    h('div', { class: 'columns' },
      h('section', { 'aria-labelledby': 'h-sources', class: 'card' },
        h('h2', { id: 'h-sources' }, 'Top sources'), sourcesTable(d.sources)),
      h('section', { 'aria-labelledby': 'h-tokens', class: 'card' },
        h('h2', { id: 'h-tokens' }, 'Tokens and keys'),
        h('p', { class: 'big' }, h('strong', {}, fmtNum(d.tokens.count)), ` ${d.tokens.count === 1 ? 'token' : 'tokens'} involved`),
        h('h3', {}, 'Sample of token ids (jti)'),
        codeList(d.tokens.sample, 'None.'),
        h('h3', {}, 'Signing keys (kid)'),
        codeList(d.keys, 'None.'))),
    h('section', { 'aria-labelledby': 'h-evidence', class: 'card' },
      h('h2', { id: 'h-evidence' }, 'Evidence'),
      h('p', { class: 'muted' }, 'A sample of the request ids behind this alert.'),
      codeList(a.evidence, 'No evidence recorded.', true)),
    h('section', { 'aria-labelledby': 'h-details', class: 'card' },
      h('h2', { id: 'h-details' }, 'Details'),
      h('pre', { class: 'json', tabindex: 0 }, JSON.stringify(a.details, null, 2))),
  ];
}

/** Loads and shows the alert named in the route (`#/alerts/<id>`). */
export const alertView: View = (root, ctx) => {
  const id = ctx.route.params[0] ?? '';
  document.title = 'Alert · breachwatch';
  replace(root, h('p', { class: 'status', role: 'status' }, 'Loading alert…'));
  getAlert(id).then(
    (d) => {
      if (ctx.signal.aborted) return;
      document.title = `${d.alert.title} · breachwatch`;
      replace(root, render(d));
    },
    (err: unknown) => {
      if (ctx.signal.aborted || ctx.unauthorized(err)) return;
      replace(root, h('p', { class: 'crumb' }, h('a', { href: '#/alerts' }, '← All alerts')), h('h1', {}, 'Alert'), errorBox(err));
    });
};
