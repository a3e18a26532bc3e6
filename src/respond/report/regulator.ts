/**
 * The regulator report (PIPC/KISA, PIPA Art. 34(3)) as data: the Art. 34 items with counts by
 * field and by day, the timeline (first malicious event, detection, awareness, containment),
 * sources, measures, contact, the 72-hour deadlines and whether each was met, and — for a
 * follow-up — what changed since the previous report. Built from a saved scope run, so the
 * numbers are those notices and the portal read.
 */
import { toRfc3339 } from '../../model/index.js';
import type { ReportRow, RunDiff, ScopeRunRow } from '../../store/index.js';
import { nowMs, type RespondContext } from '../context.js';
import { requireIncident } from '../incident/lookup.js';
import { incidentView, type ClockView } from '../incident/view.js';
import type { IncidentDetails } from '../incident/details.js';
import { requireRun } from '../run/exposure.js';

/** The report as `report.json` holds it. */
export interface RegulatorReport {
  readonly v: 1;
  readonly audience: 'regulator';
  readonly incident_id: string;
  readonly name: string;
  /** 1 = initial; 2… = follow-up. */
  readonly n: number;
  readonly kind: 'initial' | 'follow_up';
  readonly created_at: string;
  readonly run: { run_id: string; n: number; created_at: string };
  readonly controller: IncidentDetails['controller'] | null;
  readonly contact: IncidentDetails['contact'] | null;
  /** Art. 34 item 1: the items leaked, with how many persons each. */
  readonly items_leaked: Readonly<Record<string, number>>;
  readonly persons_affected: number;
  readonly requests: number;
  readonly by_day: readonly { day: string; requests: number; accounts: number }[];
  /** Art. 34 item 2: when and how. */
  readonly when: { from: string | null; to: string | null };
  readonly how: { description: IncidentDetails['description'] | null; detectors: readonly string[]; unlawful_access: boolean };
  readonly timeline: { first_malicious_event: string | null; detected: string | null; aware: string; contained: string | null; notified: string | null };
  readonly sources: readonly { ip: string; country?: string; asn?: string; requests: number; accounts: number; first: string; last: string }[];
  /** Art. 34 items 3 and 4. */
  readonly person_actions: IncidentDetails['person_actions'];
  readonly measures: IncidentDetails['measures'];
  readonly remedy: IncidentDetails['remedy'] | null;
  /** The deadlines as judged when the report was made (`met`, `late`, `running`, `overdue`, `not_required`). */
  readonly clocks: readonly ClockView[];
  readonly clock_rules: { id: string; as_of: string; effective: string };
  /** Follow-ups only: against the previous report's run. */
  readonly changes: (RunDiff & { since_report: string; since_run: string; persons_before: number }) | null;
}

/** Builds the regulator report of `incidentId` from run `runId` (default: the latest), numbered after `previous`. */
export async function buildRegulatorReport(ctx: RespondContext, incidentId: string, run: ScopeRunRow, previous?: ReportRow): Promise<RegulatorReport> {
  const inc = await requireIncident(ctx, incidentId);
  const view = await incidentView(ctx, incidentId);
  const details = inc.details as IncidentDetails;
  const [agg, alerts] = await Promise.all([ctx.store.runAggregates(run.run_id), ctx.store.listAlerts({ alertIds: inc.alert_ids })]);
  const detected = alerts.length === 0 ? null : Math.min(...alerts.map((a) => Date.parse(a.detected_at)));
  const firstEvent = details.milestones.first_malicious_at ?? (agg.window === null ? null : toRfc3339(agg.window.from));
  let changes: RegulatorReport['changes'] = null;
  if (previous !== undefined) {
    const before = await requireRun(ctx, previous.run_id);
    changes = { since_report: previous.report_id, since_run: before.run_id, persons_before: before.accounts, ...(await ctx.store.runDiff(run.run_id, before.run_id)) };
  }
  return {
    v: 1, audience: 'regulator', incident_id: incidentId, name: inc.name, n: (previous?.n ?? 0) + 1,
    kind: previous === undefined ? 'initial' : 'follow_up', created_at: toRfc3339(nowMs(ctx)),
    run: { run_id: run.run_id, n: run.n, created_at: toRfc3339(run.created_at) },
    controller: details.controller ?? null, contact: details.contact ?? null,
    items_leaked: agg.by_field, persons_affected: agg.accounts_affected, requests: run.requests, by_day: agg.by_day,
    when: agg.window === null ? { from: null, to: null } : { from: toRfc3339(agg.window.from), to: toRfc3339(agg.window.to) },
    how: { description: details.description ?? null, detectors: [...new Set(alerts.map((a) => a.detector))].sort(), unlawful_access: view.unlawful_access.value },
    timeline: {
      first_malicious_event: firstEvent, detected: detected === null || Number.isNaN(detected) ? null : toRfc3339(detected), aware: view.aware_at,
      contained: details.milestones.contained_at ?? null, notified: details.milestones.notified_at ?? null,
    },
    sources: agg.sources.map((s) => ({ ...s, first: toRfc3339(s.first), last: toRfc3339(s.last) })),
    person_actions: details.person_actions, measures: details.measures, remedy: details.remedy ?? null,
    clocks: view.clocks, clock_rules: view.clock_rules, changes,
  };
}
