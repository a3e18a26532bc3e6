/**
 * One alert: what, when, the attack's timeline (requests and distinct accounts per hour),
 * top sources with country and ASN grouped by their /24 (an attacker rarely stays on one
 * address), the tokens and keys involved, evidence request ids that open the stored request,
 * and "Scope this alert", which starts a scope job for this alert alone.
 */
import { getAlert, startScope } from '../api.js';
import type { AlertDetail, Source } from '../api-types.js';
import { timelineChart } from '../chart.js';
import { h, replace, type Child } from '../dom.js';
import { fmtAsn, fmtDuration, fmtNum, fmtTime, toMs } from '../format.js';
import { hrefOf } from '../router.js';
import { chip } from '../severity.js';
import { errorBox, type View } from './view.js';

function facts(rows: [string, Child | Child[]][]): HTMLElement {
  return h('dl', { class: 'facts' }, rows.map(([k, v]) => h('div', {}, h('dt', {}, k), h('dd', {}, v))));
}

/** The /24 of an IPv4 address (`203.0.113.0/24`), the /48 of an IPv6 one; else the address. */
export function networkOf(ip: string): string {
  const v4 = /^(\d+\.\d+\.\d+)\.\d+$/.exec(ip);
  if (v4 !== null) return `${v4[1] ?? ''}.0/24`;
  if (ip.includes(':')) return `${ip.split(':').slice(0, 3).join(':')}::/48`;
  return ip;
}

/** Sources grouped by network, the busiest network first; each group's rows keep their order. */
function byNetwork(sources: readonly Source[]): { net: string; rows: Source[]; requests: number }[] {
  const groups = new Map<string, { net: string; rows: Source[]; requests: number }>();
  for (const s of sources) {
    const net = networkOf(s.ip);
    const g = groups.get(net) ?? { net, rows: [], requests: 0 };
    g.rows.push(s);
    g.requests += s.requests;
    groups.set(net, g);
  }
  return [...groups.values()].sort((a, b) => b.requests - a.requests);
}

function sourcesTable(sources: readonly Source[]): HTMLElement {
  if (sources.length === 0) return h('p', { class: 'muted' }, 'No source addresses recorded.');
  const col = (label: string, cls?: string): HTMLElement => h('th', { scope: 'col', class: cls }, label);
  const groups = byNetwork(sources);
  return h('table', { class: 'sources' },
    h('thead', {}, h('tr', {}, col('Source IP'), col('Country'), col('ASN'), col('Requests', 'num'), col('Accounts', 'num'))),
    groups.map((g) => h('tbody', { 'data-network': g.net },
      h('tr', { class: 'group' }, h('th', { scope: 'rowgroup', colspan: 3 }, h('code', {}, g.net),
        h('span', { class: 'muted' }, ` · ${fmtNum(g.rows.length)} ${g.rows.length === 1 ? 'address' : 'addresses'}`)),
      h('td', { class: 'num' }, fmtNum(g.requests)), h('td', {})),
      g.rows.map((s) => h('tr', {},
        h('th', { scope: 'row', class: 'wrap' }, h('code', {}, s.ip)),
        h('td', {}, s.country ?? '—'),
        h('td', { class: 'wrap' }, fmtAsn(s.asn)),
        h('td', { class: 'num' }, fmtNum(s.requests)),
        h('td', { class: 'num' }, fmtNum(s.accounts)))))));
}

/** Evidence request ids, each a link to the stored request. */
function evidenceList(ids: readonly string[]): HTMLElement {
  if (ids.length === 0) return h('p', { class: 'muted' }, 'No evidence recorded.');
  return h('ol', { class: 'codes' }, ids.map((id) => h('li', {},
    h('a', { href: hrefOf(`/requests/${encodeURIComponent(id)}`), 'data-request-id': id }, h('code', {}, id)))));
}

/** "Scope this alert": starts a scope job for this alert alone and opens it. */
function scopeButton(alertId: string, errors: HTMLElement): HTMLElement {
  const button = h('button', { type: 'button', class: 'primary', id: 'scope-alert' }, 'Scope this alert');
  button.addEventListener('click', () => {
    button.disabled = true;
    startScope({ alert_ids: [alertId] }).then(
      (r) => { location.hash = hrefOf(`/scope/${encodeURIComponent(r.job_id)}`); },
      (err: unknown) => { button.disabled = false; replace(errors, errorBox(err)); });
  });
  return button;
}

function codeList(items: readonly string[], empty: string, ordered = false): HTMLElement {
  if (items.length === 0) return h('p', { class: 'muted' }, empty);
  const lis = items.map((x) => h('li', {}, h('code', {}, x)));
  return ordered ? h('ol', { class: 'codes' }, lis) : h('ul', { class: 'codes' }, lis);
}

function render(d: AlertDetail): HTMLElement[] {
  const a = d.alert;
  const ttd = toMs(a.detected_at) - toMs(a.first_seen);
  const errors = h('div');
  return [
    h('p', { class: 'crumb' }, h('a', { href: '#/alerts' }, '← All alerts')),
    h('div', { class: 'page-head' }, h('h1', { class: 'wrap' }, a.title), chip(a.severity), scopeButton(a.alert_id, errors)),
    errors,
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
      h('p', { class: 'muted' }, 'A sample of the request ids behind this alert; each opens the stored request.'),
      evidenceList(a.evidence)),
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
