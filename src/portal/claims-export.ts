/**
 * `claim export`: the enrolled claimants of a portal's state folder (consent given and not
 * withdrawn), with their certificate ids and the consent version each agreed to, as CSV and
 * JSON a claimants' representative can file, and the count against the legal minimum.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { readClaims } from './state.js';
import type { Consent } from './texts.js';

/** The CSV's columns. */
export const CLAIM_COLUMNS = ['claim_id', 'account_id', 'name', 'contact_channel', 'contact', 'certificate_id', 'consent_version', 'joined_at'] as const;

/** What an export wrote. */
export interface ClaimExport {
  readonly claimants: number;
  readonly withdrawn: number;
  readonly legal_minimum: number;
  readonly meets_minimum: boolean;
  readonly short_by: number;
  readonly files: { readonly csv: string; readonly json: string };
}

/** Writes `claimants.csv` and `claimants.json` (0600) into `out` (0700). */
export function exportClaims(stateDir: string, out: string, consent: Consent, incidentId: string, now: Date): ClaimExport {
  const { claims } = readClaims(stateDir);
  const live = claims.filter((c) => c.withdrawn_at === undefined).sort((a, b) => a.joined_at.localeCompare(b.joined_at));
  const rows = live.map((c) => ({
    claim_id: c.claim_id, account_id: c.account_id, name: c.name, contact_channel: c.channel, contact: c.contact,
    certificate_id: c.certificate_id, consent_version: c.consent_version, joined_at: c.joined_at,
  }));
  mkdirSync(out, { recursive: true, mode: 0o700 });
  const csv = join(out, 'claimants.csv');
  const json = join(out, 'claimants.json');
  const min = consent.legal_minimum;
  const summary = { claimants: live.length, withdrawn: claims.length - live.length, legal_minimum: min, meets_minimum: live.length >= min, short_by: Math.max(0, min - live.length) };
  // A cell starting with = + - @ would run as a formula in a spreadsheet: such cells get a leading '.
  const safe = rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, /^[=+\-@\t\r]/.test(v) ? `'${v}` : v])));
  writeFileSync(csv, stringify(safe, { header: true, columns: [...CLAIM_COLUMNS] }), { mode: 0o600 });
  writeFileSync(json, `${JSON.stringify({ v: 1, incident_id: incidentId, exported_at: now.toISOString(), consent_version_current: consent.version, ...summary, claimants: rows }, null, 2)}\n`, { mode: 0o600 });
  return { ...summary, files: { csv, json } };
}
