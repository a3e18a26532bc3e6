/**
 * The key-custody audit: every signing key with its storage, age and what is wrong with it
 * (a departed custodian and no rotation since, too old, kept outside an HSM/KMS).
 */
import { keyCustody } from '../api.js';
import type { KeyVerdict } from '../api-types.js';
import { h, replace } from '../dom.js';
import { fmtTime } from '../format.js';
import { chip, SEVERITY_ORDER } from '../severity.js';
import { errorBox, type View } from './view.js';

/** Worst first; keys without findings last, then by kid. */
function rank(k: KeyVerdict): number {
  return k.severity === undefined ? SEVERITY_ORDER.length : SEVERITY_ORDER.indexOf(k.severity);
}

function table(keys: readonly KeyVerdict[]): HTMLElement {
  if (keys.length === 0) return h('p', { class: 'empty' }, 'The key registry is empty.');
  const sorted = [...keys].sort((a, b) => rank(a) - rank(b) || a.kid.localeCompare(b.kid));
  const col = (label: string): HTMLElement => h('th', { scope: 'col' }, label);
  return h('table', { class: 'custody' },
    h('caption', { class: 'sr-only' }, 'Signing keys, most urgent first'),
    h('thead', {}, h('tr', {}, col('Key (kid)'), col('Verdict'), col('Storage'), col('Created'), col('Findings'))),
    h('tbody', {}, sorted.map((k) => h('tr', {},
      h('th', { scope: 'row' }, h('code', {}, k.kid)),
      h('td', {}, chip(k.severity)),
      h('td', {}, h('span', { class: k.storage === 'hsm' || k.storage === 'kms' ? '' : 'warn' }, k.storage)),
      h('td', { class: 'nowrap' }, fmtTime(k.created)),
      h('td', {}, k.reasons.length === 0
        ? h('span', { class: 'muted' }, 'none')
        : h('ul', { class: 'reasons' }, k.reasons.map((r) => h('li', {}, r))))))));
}

/** Loads the audit once (it changes only when the registry or roster does). */
export const auditView: View = (root, ctx) => {
  document.title = 'Key custody · breachwatch';
  const body = h('div', {}, h('p', { class: 'status', role: 'status' }, 'Loading audit…'));
  replace(root,
    h('h1', {}, 'Key custody audit'),
    h('p', { class: 'lede' }, 'Signing keys whose custodian has left without a rotation since, keys older than policy, and keys stored outside an HSM or KMS. A leaked signing key lets its holder forge valid tokens.'),
    body);
  keyCustody().then(
    (r) => {
      if (ctx.signal.aborted) return;
      replace(body, r.as_of !== undefined ? h('p', { class: 'muted' }, `Judged as of ${fmtTime(r.as_of)} (event time).`) : null, table(r.keys));
    },
    (err: unknown) => { if (!ctx.signal.aborted && !ctx.unauthorized(err)) replace(body, errorBox(err)); });
};
