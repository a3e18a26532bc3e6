/**
 * The incident as people and other stages read it (`incident status`, `incident.json`, the
 * analyst API later): its fields, its saved runs with their folders, holds, reports, the
 * legal clocks judged now, and the evidence log's head. Times are RFC 3339.
 */
import { existsSync } from 'node:fs';
import { openEvidenceLog } from '../../evidence/index.js';
import { parseRfc3339, toRfc3339, type Alert } from '../../model/index.js';
import type { IncidentRow } from '../../store/index.js';
import { clocks, type ClockFacts, type ClockStatus } from '../clocks/clocks.js';
import { loadClockRules } from '../clocks/rules.js';
import { nowMs, type RespondContext } from '../context.js';
import type { IncidentDetails } from './details.js';
import { requireIncident } from './lookup.js';
import { incidentPaths } from './paths.js';

/** Detectors whose alerts show access by someone not entitled to it (forged or invalid tokens, another's account, a planted account, one source acting as many). */
export const UNLAWFUL_ACCESS_DETECTORS: readonly string[] = [
  'unissued-token', 'key-state', 'cross-account-access', 'honey-account-read', 'many-accounts-per-source', 'unauthenticated-exposure',
];

/** Whether the leak came from unlawful access, and on what basis. */
export interface UnlawfulAccess {
  readonly value: boolean;
  /** `details`: the user said so; `alerts`: derived from the covered alerts' detectors. */
  readonly basis: 'details' | 'alerts';
  readonly alert_ids: readonly string[];
}

/** Judges unlawful access from the details or the alerts. */
export function unlawfulAccess(details: IncidentDetails, alerts: readonly Alert[]): UnlawfulAccess {
  const ids = alerts.filter((a) => UNLAWFUL_ACCESS_DETECTORS.includes(a.detector)).map((a) => a.alert_id);
  if (details.unlawful_access !== undefined) return { value: details.unlawful_access, basis: 'details', alert_ids: ids };
  return { value: ids.length > 0, basis: 'alerts', alert_ids: ids };
}

/** A clock with its times as RFC 3339. */
export type ClockView = Omit<ClockStatus, 'due_at' | 'done_at'> & { due_at: string | null; done_at?: string };

/** The incident, as `incident.json` holds it. */
export interface IncidentView {
  readonly v: 1;
  readonly incident_id: string;
  readonly name: string;
  readonly status: IncidentRow['status'];
  readonly aware_at: string;
  readonly opened_at: string;
  readonly updated_at: string;
  readonly closed_at?: string;
  readonly alert_ids: readonly string[];
  readonly details: IncidentDetails;
  readonly unlawful_access: UnlawfulAccess;
  readonly runs: readonly {
    run_id: string; n: number; created_at: string; accounts: number; requests: number; matched: number;
    window: { from: string; to: string } | null; folder: string; inputs: Readonly<Record<string, unknown>>;
  }[];
  /** The run notices and reports use unless told otherwise. */
  readonly latest_run: string | null;
  readonly holds: readonly { hold_id: string; placed_at: string; reason: string; lifted_at?: string; lift_reason?: string }[];
  readonly reports: readonly { report_id: string; n: number; audience: string; run_id: string; created_at: string; entry: number }[];
  readonly clocks: readonly ClockView[];
  readonly clock_rules: { id: string; as_of: string; effective: string };
  readonly evidence: { dir: string; size: number; root: string } | null;
  readonly paths: { dir: string; snapshot: string; evidence: string };
}

/** The milestones of `details` in epoch ms. */
export function milestonesOf(details: IncidentDetails): ClockFacts['milestones'] {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(details.milestones)) {
    const t = typeof v === 'string' ? parseRfc3339(v) : undefined;
    if (t !== undefined) out[k] = t;
  }
  return out;
}

/** A clock with RFC 3339 times. */
export function clockView(c: ClockStatus): ClockView {
  const { done_at: done, due_at: due, ...rest } = c;
  return { ...rest, due_at: due === null ? null : toRfc3339(due), ...(done !== undefined && { done_at: toRfc3339(done) }) };
}

/** Builds the view of incident `id` now. */
export async function incidentView(ctx: RespondContext, id: string): Promise<IncidentView> {
  const row = await requireIncident(ctx, id);
  const details = row.details as IncidentDetails;
  const paths = incidentPaths(ctx.home, id);
  const [alerts, runs, holds, reports, rules] = await Promise.all([
    ctx.store.listAlerts({ alertIds: row.alert_ids }), ctx.store.listScopeRuns(id),
    ctx.store.listHolds({ incidentId: id }), ctx.store.listReports(id), loadClockRules(details.jurisdiction),
  ]);
  const unlawful = unlawfulAccess(details, alerts);
  const latest = runs[runs.length - 1];
  const facts: ClockFacts = {
    affected: latest?.accounts ?? 0, unlawful_access: unlawful.value, sensitive_data: details.sensitive_data === true,
    high_risk: details.high_risk === true || unlawful.value || details.sensitive_data === true,
    milestones: milestonesOf(details),
  };
  let evidence: IncidentView['evidence'] = null;
  if (existsSync(paths.evidence)) {
    const log = await openEvidenceLog(paths.evidence, { readOnly: true });
    evidence = { dir: paths.evidence, ...log.treeHead() };
    await log.close();
  }
  return {
    v: 1, incident_id: id, name: row.name, status: row.status, aware_at: toRfc3339(row.aware_at),
    opened_at: toRfc3339(row.opened_at), updated_at: toRfc3339(row.updated_at),
    ...(row.closed_at !== undefined && { closed_at: toRfc3339(row.closed_at) }),
    alert_ids: row.alert_ids, details, unlawful_access: unlawful,
    runs: runs.map((r) => ({
      run_id: r.run_id, n: r.n, created_at: toRfc3339(r.created_at), accounts: r.accounts, requests: r.requests, matched: r.matched,
      window: r.window === null ? null : { from: toRfc3339(r.window.from), to: toRfc3339(r.window.to) },
      folder: paths.run(r.run_id), inputs: r.inputs,
    })),
    latest_run: latest?.run_id ?? null,
    holds: holds.map((h) => ({
      hold_id: h.hold_id, placed_at: toRfc3339(h.placed_at), reason: h.reason,
      ...(h.lifted_at !== undefined && { lifted_at: toRfc3339(h.lifted_at) }), ...(h.lift_reason !== undefined && { lift_reason: h.lift_reason }),
    })),
    reports: reports.map((r) => ({ report_id: r.report_id, n: r.n, audience: r.audience, run_id: r.run_id, created_at: toRfc3339(r.created_at), entry: r.entry })),
    clocks: clocks(rules, row.aware_at, facts, nowMs(ctx)).map(clockView),
    clock_rules: { id: rules.id, as_of: rules.as_of, effective: rules.effective },
    evidence, paths: { dir: paths.dir, snapshot: paths.snapshot, evidence: paths.evidence },
  };
}
