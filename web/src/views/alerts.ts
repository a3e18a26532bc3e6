/**
 * The live alert list: polls `GET /api/v1/alerts` every 2 s, most severe first (critical
 * above high; newest first within a severity) or newest first, filtered by minimum severity
 * (both kept in the URL: `#/alerts?severity=high&sort=newest`). A row opens the alert.
 */
import { ApiError, listAlerts } from '../api.js';
import type { Alert, AlertList } from '../api-types.js';
import { h, replace } from '../dom.js';
import { fmtNum, fmtTime } from '../format.js';
import { hrefOf } from '../router.js';
import { chip, isSeverity, severityOptions } from '../severity.js';
import { poll } from './poll.js';
import { errorBox, type View } from './view.js';

const POLL_MS = 2_000;
type Sort = 'severity' | 'newest';
const LIMIT = 100;

function row(a: Alert): HTMLTableRowElement {
  const href = hrefOf(`/alerts/${encodeURIComponent(a.alert_id)}`);
  const tr = h('tr', {
    class: 'clickable', 'data-alert-id': a.alert_id, 'data-detector': a.detector, 'data-entity': `${a.entity.type}:${a.entity.id}`,
  },
    h('td', {}, chip(a.severity)),
    h('td', { class: 'wrap' }, h('a', { href }, a.title)),
    h('td', { class: 'wrap' }, h('span', { class: 'muted' }, `${a.entity.type} `), h('code', {}, a.entity.id)),
    h('td', { class: 'nowrap' }, a.detector),
    h('td', { class: 'num' }, fmtNum(a.events)),
    h('td', { class: 'num' }, fmtNum(a.accounts)),
    h('td', { class: 'nowrap' }, h('time', { datetime: a.detected_at }, fmtTime(a.detected_at))));
  // The link is the keyboard path; a click anywhere else on the row does the same.
  tr.addEventListener('click', (ev) => {
    if (!(ev.target instanceof HTMLAnchorElement)) location.hash = href;
  });
  return tr;
}

function table(list: AlertList, sort: Sort): HTMLElement {
  if (list.items.length === 0) return h('p', { class: 'empty' }, 'No alerts at this severity. The list refreshes on its own.');
  const col = (label: string, cls?: string): HTMLElement => h('th', { scope: 'col', class: cls }, label);
  return h('table', { class: 'alerts' },
    h('caption', { class: 'sr-only' }, sort === 'newest' ? 'Alerts, newest detection first' : 'Alerts, most severe first'),
    h('thead', {}, h('tr', {}, col('Severity'), col('Alert'), col('Entity'), col('Detector'),
      col('Events', 'num'), col('Accounts', 'num'), col('Detected (event time)'))),
    h('tbody', {}, list.items.map(row)));
}

/** Renders the list and keeps it live until the view is left. */
export const alertsView: View = (root, ctx) => {
  const sevParam = ctx.route.query.get('severity');
  const severity = isSeverity(sevParam) ? sevParam : undefined;
  const sort: Sort = ctx.route.query.get('sort') === 'newest' ? 'newest' : 'severity';
  document.title = 'Alerts · breachwatch';

  const select = h('select', { id: 'severity' }, severityOptions(severity, 'all severities'));
  const order = h('select', { id: 'sort' },
    h('option', { value: 'severity', selected: sort === 'severity' }, 'most severe first'),
    h('option', { value: 'newest', selected: sort === 'newest' }, 'newest first'));
  const go = (): void => {
    location.hash = hrefOf('/alerts', { severity: select.value, sort: order.value === 'newest' ? 'newest' : undefined });
  };
  select.addEventListener('change', go);
  order.addEventListener('change', go);
  const count = h('p', { class: 'status', 'aria-live': 'polite' }, 'Loading…');
  const updated = h('p', { class: 'status muted' });
  const errors = h('div');
  const body = h('div');
  replace(root,
    h('div', { class: 'page-head' }, h('h1', {}, 'Alerts'),
      h('form', { class: 'filters', role: 'search' }, h('label', { for: 'severity' }, 'Minimum severity'), select,
        h('label', { for: 'sort' }, 'Order'), order)),
    h('div', { class: 'statusbar' }, count, updated), errors, body);

  let last = '';
  poll(async () => {
    try {
      const list = await listAlerts({ severity, sort, limit: LIMIT });
      if (ctx.signal.aborted) return false;
      replace(errors);
      const sig = JSON.stringify(list);
      // Re-render only on change so focus and scroll stay put between polls.
      if (sig !== last) {
        last = sig;
        replace(body, table(list, sort));
        count.textContent = list.total > list.items.length
          ? `${fmtNum(list.total)} alerts (first ${fmtNum(list.items.length)} shown)`
          : `${fmtNum(list.total)} ${list.total === 1 ? 'alert' : 'alerts'}`;
      }
      updated.textContent = `Live · updated ${new Date().toLocaleTimeString()}`;
      return true;
    } catch (err) {
      if (ctx.signal.aborted || ctx.unauthorized(err)) return false;
      replace(errors, errorBox(err));
      updated.textContent = 'Not updating';
      // A refused request will not succeed by asking again; an outage may pass.
      return !(err instanceof ApiError && err.status >= 400 && err.status < 500 && err.status !== 429);
    }
  }, POLL_MS, ctx.signal);
};
