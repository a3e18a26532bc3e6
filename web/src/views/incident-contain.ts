/**
 * The incident page's containment section: the incident's containment actions with their
 * state, proposer, approver, exact effect and warnings (a shared address shown prominently),
 * a form to propose each action kind with a "Dry run" that shows the effect without
 * proposing, and per action Approve (sends the `proposal_sha256` of the proposal shown, so the
 * approver approves what they saw) and Execute. The server enforces roles and the two-person
 * rule; its refusals are shown as they are. Buttons the signed-in key's role cannot use
 * (`GET /api/v1/whoami`) are disabled. The section's element is kept across the page's
 * refresh; only the list is redrawn, and only when it changed, so the form keeps its input.
 */
import { approveContainment, executeContainment, listContainment, proposeContainment, whoami } from '../api.js';
import type { ActionKind, ActionStatus, ProposeBody, WhoAmI } from '../api-types.js';
import { h, replace } from '../dom.js';
import { fmtTime } from '../format.js';
import { errorBox, type ViewContext } from './view.js';

const KINDS: Record<ActionKind, string> = {
  'rotate-key': 'Rotate a signing key',
  'block-sources': 'Block source addresses',
  'revoke-sessions': 'Revoke sessions',
};

/** A comma (or line) separated list field as an array of trimmed items (absent when empty). */
function list(v: string): string[] | undefined {
  const items = v.split(/[,\n]/).map((x) => x.trim()).filter((x) => x !== '');
  return items.length > 0 ? items : undefined;
}

function field(name: string, label: string, attrs: Record<string, string> = {}): { row: HTMLElement; input: HTMLInputElement } {
  const input = h('input', { id: `contain-${name}`, name, type: 'text', autocomplete: 'off', ...attrs });
  return { row: h('p', { class: 'field' }, h('label', { for: input.id }, label), ' ', input), input };
}

type Fields = Omit<ProposeBody, 'action' | 'dry_run'>;

/** The fields of one action kind and how they become a request body. */
interface KindForm {
  readonly rows: HTMLElement[];
  readonly body: () => Fields;
}

function kindForms(): Record<ActionKind, KindForm> {
  const kid = field('kid', 'Key id (kid)');
  const cust = field('custodians', 'Custodians (staff ids, comma separated)');
  const newKid = field('new_kid', 'New kid (optional)');
  const bAlerts = field('block_alerts', 'Alert ids');
  const bRun = field('block_run', 'Saved run id');
  const bSources = field('sources', 'Sources (addresses, comma separated)');
  const subnets = h('input', { id: 'contain-subnets', type: 'checkbox' });
  const expires = field('expires_hours', 'Expires after (hours)', { type: 'number', min: '1', step: '1' });
  const rRun = field('revoke_run', 'Saved run id');
  const rAlerts = field('revoke_alerts', 'Alert ids');
  const accounts = field('accounts', 'Accounts (comma separated)');
  const str = (i: HTMLInputElement): string | undefined => (i.value.trim() !== '' ? i.value.trim() : undefined);
  // Empty fields are left out of the body, never sent as empty strings.
  const drop = (o: Record<string, unknown>): Fields => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  return {
    'rotate-key': { rows: [kid.row, cust.row, newKid.row], body: () => drop({ kid: str(kid.input), custodians: list(cust.input.value), new_kid: str(newKid.input) }) },
    'block-sources': {
      rows: [bAlerts.row, bRun.row, bSources.row, h('p', { class: 'field' }, subnets, ' ', h('label', { for: subnets.id }, 'Block the whole subnets')), expires.row],
      body: () => drop({ alert_ids: list(bAlerts.input.value), run_id: str(bRun.input), sources: list(bSources.input.value),
        subnets: subnets.checked ? true : undefined, expires_hours: str(expires.input) === undefined ? undefined : Number(expires.input.value) }),
    },
    'revoke-sessions': { rows: [rRun.row, rAlerts.row, accounts.row], body: () => drop({ run_id: str(rRun.input), alert_ids: list(rAlerts.input.value), accounts: list(accounts.input.value) }) },
  };
}

/** Warnings first and prominent, then the exact effect as the server computed it. */
function effectView(p: ActionStatus['proposal']): HTMLElement {
  return h('div', { class: 'effect' },
    p.warnings.length > 0 ? h('div', { class: 'error warnings', 'data-warnings': '' }, h('p', { class: 'error-title' }, 'Warnings'), h('ul', {}, p.warnings.map((w) => h('li', {}, w)))) : null,
    h('p', { class: 'muted' }, 'Effect:'),
    h('pre', { class: 'wrap', 'data-effect': '' }, JSON.stringify(p.effect, null, 2)));
}

/** Whether a role may change containment (the server decides; this only greys out buttons). */
const canAct = (me: WhoAmI | null): boolean => me?.role === 'admin';

interface Panel { readonly el: HTMLElement; refresh(): void }

const panels = new WeakMap<AbortSignal, Panel>();

/** Makes a button that runs a call; `again`: usable again after success (form buttons), else the redrawn list decides. */
type Act = (label: string, run: () => Promise<unknown>, again?: boolean) => HTMLButtonElement;

function actionItem(a: ActionStatus, me: WhoAmI | null, act: Act): HTMLElement {
  const p = a.proposal;
  const approve = act('Approve', () => approveContainment(p.incident_id, p.action_id, a.proposal_sha256));
  const execute = act('Execute', () => executeContainment(p.incident_id, p.action_id));
  approve.disabled = !canAct(me) || a.state !== 'proposed';
  execute.disabled = !canAct(me) || (a.state !== 'approved' && a.state !== 'failed');
  if (!canAct(me)) { approve.title = execute.title = 'needs an admin key'; }
  return h('li', { 'data-action': p.action_id, 'data-state': a.state },
    h('p', {}, h('strong', {}, KINDS[p.kind]), ' ', h('code', {}, p.action_id), ' — ', h('span', { class: 'state', 'data-action-state': a.state }, a.state)),
    h('p', { class: 'muted' }, `proposed by ${p.proposed_by} (${fmtTime(p.proposed_at)})`,
      a.approval !== undefined ? `; approved by ${a.approval.approved_by} (${fmtTime(a.approval.approved_at)})` : '; not approved yet',
      a.execution !== undefined ? `; ${a.execution.state} by ${a.execution.executed_by} (${fmtTime(a.execution.executed_at)})` : ''),
    a.execution?.error !== undefined ? h('p', { class: 'error' }, a.execution.error) : null,
    effectView(p),
    h('p', { class: 'muted' }, 'Proposal SHA-256 ', h('code', { 'data-sha': '' }, a.proposal_sha256)),
    h('p', { class: 'buttons' }, approve, ' ', execute));
}

function makePanel(id: string, ctx: ViewContext): Panel {
  const errors = h('div', { id: 'containment-errors' });
  const items = h('div', {}, h('p', { class: 'status', role: 'status' }, 'Loading containment actions…'));
  const who = h('p', { class: 'muted', id: 'containment-who' });
  const preview = h('div', { id: 'containment-preview' });
  const forms = kindForms();
  const kind = h('select', { id: 'contain-kind' }, (Object.keys(KINDS) as ActionKind[]).map((k) => h('option', { value: k }, KINDS[k])));
  const fields = h('div', {});
  const showKind = (): void => { replace(fields, forms[kind.value as ActionKind].rows); };
  kind.addEventListener('change', () => { replace(preview); showKind(); });
  showKind();
  let me: WhoAmI | null = null;
  let shownKey = '';
  const fail = (err: unknown): void => { if (!ctx.unauthorized(err)) replace(errors, errorBox(err)); };
  const act: Act = (label, run, again = false) => {
    const b = h('button', { type: 'button' }, label);
    b.addEventListener('click', () => {
      b.disabled = true;
      run().then(() => { replace(errors); if (again) b.disabled = false; refresh(); }, (err: unknown) => { fail(err); b.disabled = false; });
    });
    return b;
  };
  const body = (dry: boolean): ProposeBody => ({ action: kind.value as ActionKind, ...(dry && { dry_run: true }), ...forms[kind.value as ActionKind].body() });
  const dryRun = act('Dry run', async () => {
    const r = await proposeContainment(id, body(true));
    replace(preview, h('p', {}, h('strong', {}, 'Dry run: nothing was proposed.'), ' This is what the proposal would do:'), effectView(r.proposal));
  }, true);
  const proposeBtn = act('Propose', async () => {
    const r = await proposeContainment(id, body(false));
    replace(preview, h('p', { role: 'status' }, 'Proposed ', h('code', {}, r.proposal.action_id), '; a second admin approves it below.'));
  }, true);
  const form = h('form', { class: 'contain-form', 'aria-label': 'Propose a containment action' },
    h('p', { class: 'field' }, h('label', { for: kind.id }, 'Action'), ' ', kind), fields, h('p', { class: 'buttons' }, dryRun, ' ', proposeBtn));
  form.addEventListener('submit', (e) => { e.preventDefault(); });
  const fieldset = h('fieldset', {}, h('legend', {}, 'Propose'), form, preview);

  const draw = (actions: ActionStatus[]): void => {
    const key = JSON.stringify([me?.role, actions.map((a) => [a.proposal.action_id, a.state, a.proposal_sha256])]);
    if (key === shownKey) return;
    shownKey = key;
    replace(items, actions.length === 0
      ? h('p', { class: 'empty' }, 'No containment action proposed yet.')
      : h('ol', { class: 'actions' }, actions.map((a) => actionItem(a, me, act))));
  };
  const refresh = (): void => {
    Promise.all([me === null ? whoami() : Promise.resolve(me), listContainment(id)]).then(([w, r]) => {
      if (ctx.signal.aborted) return;
      if (me === null) {
        me = w;
        replace(who, `Signed in as ${w.name} (${w.role}).`, canAct(w) ? '' : ' Proposing, approving and executing need an admin key.');
        fieldset.disabled = !canAct(w);
      }
      draw(r.actions);
    }, (err: unknown) => { if (!ctx.signal.aborted) { shownKey = ''; fail(err); replace(items); } });
  };
  fieldset.disabled = true;
  const el = h('section', { class: 'card', id: 'containment', 'aria-labelledby': 'h-containment' },
    h('h2', { id: 'h-containment' }, 'Containment'),
    h('p', { class: 'muted' }, 'Every action needs a second admin\'s approval before it runs (breachwatch contain; docs/CONTAIN.md).'),
    who, items, errors, fieldset);
  return { el, refresh };
}

/** The containment section: the same element across refreshes, its list reloaded each time. */
export function containmentSection({ id, ctx }: { readonly id: string; readonly ctx: ViewContext }): HTMLElement {
  let p = panels.get(ctx.signal);
  if (p === undefined) { p = makePanel(id, ctx); panels.set(ctx.signal, p); }
  p.refresh();
  return p.el;
}
