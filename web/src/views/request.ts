/**
 * One stored request, opened from an alert's evidence (`#/requests/<request_id>`): every
 * request the store holds with that id (a retried id can name more than one), each field as
 * stored and where it was read from.
 */
import { getRequests } from '../api.js';
import type { RequestLookup } from '../api-types.js';
import { h, replace } from '../dom.js';
import { fmtTime } from '../format.js';
import { errorBox, type View } from './view.js';

/** Fields shown first, in this order; any others follow by name. */
const FIRST = ['time', 'src_ip', 'method', 'route', 'status', 'account_id', 'user_agent', 'jti', 'kid', 'sub', 'client_id'];

function fields(r: RequestLookup['requests'][number]): HTMLElement {
  const keys = [...FIRST.filter((k) => k in r), ...Object.keys(r).filter((k) => !FIRST.includes(k)).sort()];
  return h('dl', { class: 'facts' }, keys.map((k) => {
    const v = r[k];
    const text = k === 'time' && typeof v === 'number' ? fmtTime(new Date(v).toISOString()) : String(v);
    return h('div', { 'data-field': k }, h('dt', {}, k), h('dd', {}, h('code', {}, text)));
  }));
}

/** Loads and shows the requests named in the route. */
export const requestView: View = (root, ctx) => {
  const id = ctx.route.params[0] ?? '';
  document.title = 'Request · breachwatch';
  const back = h('p', { class: 'crumb' }, h('a', { href: '#/alerts', id: 'back' }, '← Back'));
  back.querySelector('a')?.addEventListener('click', (ev) => { ev.preventDefault(); history.back(); });
  replace(root, h('p', { class: 'status', role: 'status' }, 'Loading request…'));
  getRequests(id).then(
    (d) => {
      if (ctx.signal.aborted) return;
      replace(root, back, h('h1', { class: 'wrap' }, 'Request ', h('code', {}, d.request_id)),
        d.requests.map((r) => h('section', { class: 'card' }, fields(r))));
    },
    (err: unknown) => {
      if (ctx.signal.aborted || ctx.unauthorized(err)) return;
      replace(root, back, h('h1', {}, 'Request'), errorBox(err));
    });
};
