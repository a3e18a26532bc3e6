/**
 * One incident (`#/incidents/<id>`): its legal clocks (deadline, time left or overdue), the
 * latest saved run's counts (persons, fields), notice delivery progress from the delivery
 * ledger, report downloads, and the evidence bundle export. The page is a list of sections
 * ({@link INCIDENT_SECTIONS}); another feature adds its own by adding an entry there.
 * Refreshed every few seconds while open.
 */
import { exportEvidence, getIncident, incidentReports, reportFile } from '../api.js';
import type { IncidentDetail, IncidentReport } from '../api-types.js';
import { h, replace } from '../dom.js';
import { saveBlob } from '../download.js';
import { fmtNum, fmtTime } from '../format.js';
import { clockLabel, clockText } from './incident-clocks.js';
import { containmentSection } from './incident-contain.js';
import { poll } from './poll.js';
import { errorBox, type View, type ViewContext } from './view.js';

const POLL_MS = 5_000;

/** What a section is given: the incident's detail, its reports, the view's context. */
export interface SectionInput {
  readonly id: string;
  readonly detail: IncidentDetail;
  readonly reports: readonly IncidentReport[];
  readonly ctx: ViewContext;
}

/** A section of the incident page: its DOM id and how it renders. */
export interface IncidentSection {
  readonly id: string;
  readonly render: (s: SectionInput) => HTMLElement;
}

function card(id: string, title: string, ...body: (Node | string | null)[]): HTMLElement {
  return h('section', { class: 'card', id, 'aria-labelledby': `h-${id}` }, h('h2', { id: `h-${id}` }, title), ...body);
}

function clocksSection({ detail }: SectionInput): HTMLElement {
  const clocks = detail.incident.clocks;
  const col = (label: string): HTMLElement => h('th', { scope: 'col' }, label);
  return card('clocks', 'Legal clocks',
    h('p', { class: 'muted' }, `Started when the company became aware: ${fmtTime(detail.incident.aware_at)}.`),
    h('table', {},
      h('thead', {}, h('tr', {}, col('Obligation'), col('Deadline'), col('State'), col('Why'))),
      h('tbody', {}, clocks.map((c) => h('tr', { 'data-clock': c.id },
        h('th', { scope: 'row' }, clockLabel(c)),
        h('td', { class: 'nowrap' }, c.due_at === null ? 'without undue delay' : fmtTime(c.due_at)),
        h('td', {}, clockText(c)),
        h('td', { class: 'wrap' }, c.because.join(', ') || '—'))))));
}

function countsSection({ detail }: SectionInput): HTMLElement {
  const c = detail.counts;
  if (c.run_id === null) return card('counts', 'Affected persons', h('p', { class: 'empty' }, 'No scope run saved yet (breachwatch incident scope).'));
  const fields = Object.entries(c.fields).sort((a, b) => b[1] - a[1]);
  return card('counts', 'Affected persons',
    h('p', { class: 'big' }, h('strong', { id: 'persons' }, fmtNum(c.persons)), ' persons affected, ', fmtNum(c.requests), ' requests'),
    h('p', { class: 'muted' }, 'From saved scope run ', h('code', {}, c.run_id), '.'),
    h('table', { class: 'fields' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Field'), h('th', { scope: 'col' }, 'Persons'))),
      h('tbody', {}, fields.map(([f, n]) => h('tr', { 'data-field': f }, h('th', { scope: 'row' }, f), h('td', { class: 'num' }, fmtNum(n)))))));
}

function noticesSection({ detail }: SectionInput): HTMLElement {
  const n = detail.notices;
  if (n === null) return card('notices', 'Notice delivery', h('p', { class: 'empty' }, 'This store keeps no delivery ledger.'));
  if (n.total === 0) return card('notices', 'Notice delivery', h('p', { class: 'empty' }, 'No notices sent yet (breachwatch notice render, then notice send).'));
  const pct = Math.round((100 * n.sent) / n.total);
  return card('notices', 'Notice delivery',
    h('p', {}, h('strong', { id: 'notices-sent' }, fmtNum(n.sent)), ` of ${fmtNum(n.total)} notices delivered (${pct}%)`),
    h('progress', { max: n.total, value: n.sent, 'aria-label': 'notices delivered' }),
    h('ul', { class: 'legend' }, (Object.entries(n.ledger)).map(([k, v]) => h('li', { 'data-state': k }, `${k.replace('_', ' ')}: ${fmtNum(v)}`))));
}

function downloadButton(label: string, ctx: ViewContext, errors: HTMLElement, fetchBlob: () => Promise<{ blob: Blob; name: string }>): HTMLButtonElement {
  const b = h('button', { type: 'button' }, label);
  b.addEventListener('click', () => {
    b.disabled = true;
    fetchBlob().then(
      (r) => { replace(errors); saveBlob(r.blob, r.name); },
      (err: unknown) => { if (!ctx.unauthorized(err)) replace(errors, errorBox(err)); })
      .finally(() => { b.disabled = false; });
  });
  return b;
}

function reportsSection({ id, reports, ctx }: SectionInput): HTMLElement {
  const errors = h('div');
  if (reports.length === 0) return card('reports', 'Reports', h('p', { class: 'empty' }, 'No report written yet (breachwatch report, or POST …/reports as an admin).'));
  return card('reports', 'Reports',
    h('ul', { class: 'reports' }, reports.map((r) => h('li', { 'data-report': r.report_id },
      `${r.audience} #${r.n} `, h('code', {}, r.report_id), ` (${fmtTime(r.created_at)}, run `, h('code', {}, r.run_id), ') ',
      r.files.map((f) => downloadButton(`Download ${f.path.replace('report.', '').toUpperCase()}`, ctx, errors,
        async () => ({ blob: await reportFile(id, r.report_id, f.path), name: `${r.report_id}-${f.path}` })))))),
    errors);
}

function evidenceSection({ id, detail, ctx }: SectionInput): HTMLElement {
  const errors = h('div');
  const ev = detail.incident.evidence;
  return card('evidence', 'Evidence',
    h('p', {}, ev === null ? 'No evidence log yet.' : `${fmtNum(ev.size)} entries; tree root `, ev === null ? null : h('code', {}, ev.root)),
    h('p', { class: 'muted' }, 'Exporting signs a checkpoint and downloads a bundle anyone can check offline with breachwatch evidence verify (needs an admin key).'),
    downloadButton('Export evidence bundle', ctx, errors, async () => {
      const r = await exportEvidence(id);
      return { blob: r.blob, name: `${r.bundle_id}.tar` };
    }),
    errors);
}

/** The page's sections, in order. */
export const INCIDENT_SECTIONS: IncidentSection[] = [
  { id: 'clocks', render: clocksSection },
  { id: 'counts', render: countsSection },
  { id: 'notices', render: noticesSection },
  { id: 'reports', render: reportsSection },
  { id: 'evidence', render: evidenceSection },
  { id: 'containment', render: containmentSection },
];

/** Loads the incident and keeps it current; buttons keep their place across refreshes. */
export const incidentView: View = (root, ctx) => {
  const id = ctx.route.params[0] ?? '';
  document.title = `Incident ${id} · breachwatch`;
  const head = h('div', { class: 'page-head' }, h('h1', { class: 'wrap' }, 'Incident ', h('code', {}, id)));
  const body = h('div', { class: 'columns' }, h('p', { class: 'status', role: 'status' }, 'Loading incident…'));
  replace(root, head, body);
  const shown = new Map<string, HTMLElement>();
  let reportsKey = '';
  let evidenceSize = -1;
  poll(async () => {
    try {
      const [detail, reports] = await Promise.all([getIncident(id), incidentReports(id)]);
      if (ctx.signal.aborted) return false;
      replace(head, h('h1', { class: 'wrap' }, detail.incident.name, ' ', h('code', {}, id)),
        h('p', { class: 'muted' }, `${detail.incident.status}; ${detail.incident.alert_ids.length} alerts; ${detail.incident.runs.length} saved runs`));
      const key = reports.items.map((r) => r.report_id).join(',');
      const input: SectionInput = { id, detail, reports: reports.items, ctx };
      if (shown.size === 0) body.replaceChildren();
      for (const s of INCIDENT_SECTIONS) {
        // Sections with buttons are redrawn only when what they list changed (a click is not lost).
        const keep = shown.has(s.id) && ((s.id === 'evidence' && evidenceSize === (detail.incident.evidence?.size ?? -1)) || (s.id === 'reports' && key === reportsKey));
        if (keep) continue;
        const el = s.render(input);
        const old = shown.get(s.id);
        if (old === el) continue; // a section that keeps its own element (containment)
        if (old !== undefined) old.replaceWith(el); else body.append(el);
        shown.set(s.id, el);
      }
      reportsKey = key;
      evidenceSize = detail.incident.evidence?.size ?? -1;
      return true;
    } catch (err) {
      if (ctx.signal.aborted || ctx.unauthorized(err)) return false;
      replace(body, errorBox(err));
      shown.clear();
      return false;
    }
  }, POLL_MS, ctx.signal);
};
