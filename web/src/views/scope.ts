/**
 * Scope: who was affected and what of theirs. Starts a scope job (minimum severity of the
 * alerts to follow), polls it (`#/scope/<job>`), then shows accounts affected, per-field
 * counts, sources, and a download of affected_accounts.csv.
 */
import { affectedAccountsCsv, scopeJob, startScope } from '../api.js';
import type { ScopeJob, ScopeSummary } from '../api-types.js';
import { h, replace } from '../dom.js';
import { saveBlob } from '../download.js';
import { fmtAsn, fmtNum, fmtTime } from '../format.js';
import { hrefOf } from '../router.js';
import { isSeverity, severityOptions } from '../severity.js';
import { poll } from './poll.js';
import { errorBox, failureBox, type View, type ViewContext } from './view.js';

const POLL_MS = 1_000;

function startForm(ctx: ViewContext, errors: HTMLElement): HTMLElement {
  const sev = ctx.route.query.get('min_severity');
  const select = h('select', { id: 'min-severity', name: 'min_severity' }, severityOptions(isSeverity(sev) ? sev : 'high'));
  const button = h('button', { type: 'submit', class: 'primary' }, 'Start scope job');
  const form = h('form', { class: 'filters card', 'aria-labelledby': 'h-start' },
    h('h2', { id: 'h-start' }, 'Start a scope job'),
    h('label', { for: 'min-severity' }, 'Follow alerts of severity'), select, button);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    button.disabled = true;
    const min = select.value;
    startScope(isSeverity(min) ? { min_severity: min } : {}).then(
      (r) => { location.hash = hrefOf(`/scope/${encodeURIComponent(r.job_id)}`, { min_severity: min }); },
      (err: unknown) => {
        button.disabled = false;
        if (!ctx.unauthorized(err)) replace(errors, errorBox(err));
      });
  });
  return form;
}

function byField(s: ScopeSummary): HTMLElement {
  const rows = Object.entries(s.by_field).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  if (rows.length === 0) return h('p', { class: 'muted' }, 'No personal-data fields reached the attacker.');
  return h('table', { class: 'by-field' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Field'), h('th', { scope: 'col', class: 'num' }, 'Accounts'), h('th', { scope: 'col', class: 'num' }, 'Share'))),
    h('tbody', {}, rows.map(([field, n]) => h('tr', {},
      h('th', { scope: 'row' }, field),
      h('td', { class: 'num' }, fmtNum(n)),
      h('td', { class: 'num' }, s.accounts_affected > 0 ? `${Math.round((100 * n) / s.accounts_affected)}%` : '—')))));
}

function sources(s: ScopeSummary): HTMLElement {
  if (s.sources.length === 0) return h('p', { class: 'muted' }, 'No sources.');
  const col = (label: string, cls?: string): HTMLElement => h('th', { scope: 'col', class: cls }, label);
  return h('table', {},
    h('thead', {}, h('tr', {}, col('Source IP'), col('Country'), col('ASN'), col('Requests', 'num'), col('Accounts', 'num'), col('First'), col('Last'))),
    h('tbody', {}, s.sources.map((x) => h('tr', {},
      h('th', { scope: 'row' }, h('code', {}, x.ip)), h('td', {}, x.country ?? '—'), h('td', {}, fmtAsn(x.asn)),
      h('td', { class: 'num' }, fmtNum(x.requests)), h('td', { class: 'num' }, fmtNum(x.accounts)),
      h('td', { class: 'nowrap' }, fmtTime(x.first)), h('td', { class: 'nowrap' }, fmtTime(x.last))))));
}

function result(job: string, s: ScopeSummary, ctx: ViewContext): HTMLElement {
  const errors = h('div');
  const button = h('button', { type: 'button', class: 'primary', id: 'download-csv' }, 'Download affected_accounts.csv');
  button.addEventListener('click', () => {
    button.disabled = true;
    affectedAccountsCsv(job).then(
      (blob) => { replace(errors); saveBlob(blob, 'affected_accounts.csv'); },
      (err: unknown) => { if (!ctx.unauthorized(err)) replace(errors, errorBox(err)); })
      .finally(() => { button.disabled = false; });
  });
  return h('section', { 'aria-labelledby': 'h-result', class: 'card' },
    h('h2', { id: 'h-result' }, 'Result'),
    h('p', { class: 'big' }, h('strong', { id: 'accounts-affected' }, fmtNum(s.accounts_affected)), ' accounts affected'),
    h('p', { class: 'muted' }, `Window ${fmtTime(s.window.from)} – ${fmtTime(s.window.to)}. `,
      `Followed ${fmtNum(s.indicators.tokens)} token and ${fmtNum(s.indicators.ips.length)} IP indicators; keys: ${s.indicators.kids.join(', ') || 'none'}.`),
    h('p', {}, button), errors,
    h('h3', {}, 'Accounts per personal-data field'), byField(s),
    h('h3', {}, 'Sources'), sources(s));
}

/** A failed job's reason, whether the server sends a string or `{code, message}`. */
function jobFailure(j: ScopeJob): HTMLElement {
  const e = j.error;
  const code = typeof e === 'object' && e.code !== undefined ? e.code : 'ERR_SCOPE_FAILED';
  const message = typeof e === 'string' ? e : e?.message ?? 'no reason given';
  return failureBox('The scope job failed', code, message);
}

/** The scope page; with a job in the route, follows that job until it ends. */
export const scopeView: View = (root, ctx) => {
  document.title = 'Scope · breachwatch';
  const errors = h('div');
  const status = h('div', { role: 'status' });
  const body = h('div');
  replace(root, h('h1', {}, 'Scope'),
    h('p', { class: 'lede' }, 'Every personal-data response that reached the attacker, followed from the chosen alerts: which accounts, which fields, from where.'),
    startForm(ctx, errors), errors, status, body);
  const job = ctx.route.params[0];
  if (job === undefined || job === '') return;
  poll(async () => {
    try {
      const j = await scopeJob(job);
      if (ctx.signal.aborted) return false;
      replace(status, h('p', { class: 'status' }, 'Job ', h('code', {}, j.job_id), `: ${j.status}${j.status === 'running' ? '…' : ''}`));
      if (j.status === 'running') return true;
      if (j.status === 'failed') replace(body, jobFailure(j));
      else if (j.result) replace(body, result(job, j.result, ctx));
      return false;
    } catch (err) {
      if (!ctx.signal.aborted && !ctx.unauthorized(err)) replace(errors, errorBox(err));
      return false;
    }
  }, POLL_MS, ctx.signal);
};
