/**
 * Opening, changing and closing an incident. Each step is a row in the store, an `incident`
 * entry in the incident's evidence log (hashes and ids, no personal data) and a fresh
 * `incident.json`. Opening also records the alerts it covers and the hashes of every input
 * file of the hunt, so the log fixes what the response started from.
 */
import { randomBytes } from 'node:crypto';
import { BreachwatchError, toRfc3339 } from '../../model/index.js';
import type { Severity } from '../../model/index.js';
import type { IncidentRow } from '../../store/index.js';
import { nowMs, openIncidentLog, type RespondContext } from '../context.js';
import { recordAlerts, recordInputFiles } from '../evidence/record.js';
import { sha256Json } from '../evidence/digest.js';
import type { Milestone } from './details.js';
import { parseDetails, requireIncident } from './lookup.js';
import { incidentPaths } from './paths.js';
import { writeIncidentSnapshot } from './snapshot.js';

/** What opening an incident takes. */
export interface OpenIncidentOptions {
  readonly name: string;
  /** When the company became aware (epoch ms; default now): starts the 72-hour clocks. */
  readonly awareAt?: number;
  /** The alerts it covers: exactly these ids, or every alert at or above `minSeverity` (default `high`). */
  readonly alertIds?: readonly string[];
  readonly minSeverity?: Severity;
  /** The user-facing details (validated against `IncidentDetailsSchema`). */
  readonly details?: unknown;
}

/** A new incident id: `inc-YYYYMMDD-xxxxxx` (date of awareness, random hex). */
export function newIncidentId(awareAt: number): string {
  return `inc-${toRfc3339(awareAt).slice(0, 10).replaceAll('-', '')}-${randomBytes(3).toString('hex')}`;
}

/** The entry payload of an incident step: ids, times and a hash of the details. */
function incidentPayload(action: string, row: IncidentRow): Record<string, string | string[]> {
  return {
    action, incident_id: row.incident_id, name: row.name, status: row.status, aware_at: toRfc3339(row.aware_at),
    alert_ids: [...row.alert_ids], details_sha256: sha256Json(row.details),
  };
}

/**
 * Opens an incident: stores it, records it with its alerts and input files in a new evidence
 * log, writes `incident.json`. Returns the stored row.
 *
 * @example
 * const inc = await openIncident(ctx, { name: 'forged tokens 2025', awareAt: Date.parse('2025-11-08T09:00:00+09:00') });
 */
export async function openIncident(ctx: RespondContext, opts: OpenIncidentOptions): Promise<IncidentRow> {
  if (opts.name.trim() === '') throw new BreachwatchError('ERR_USAGE', 'an incident needs a name');
  const details = parseDetails(opts.details);
  const now = nowMs(ctx);
  const awareAt = opts.awareAt ?? now;
  const alerts = opts.alertIds !== undefined
    ? await ctx.store.listAlerts({ alertIds: opts.alertIds })
    : await ctx.store.listAlerts({ minSeverity: opts.minSeverity ?? 'high' });
  const missing = (opts.alertIds ?? []).filter((id) => !alerts.some((a) => a.alert_id === id));
  if (missing.length > 0) throw new BreachwatchError('ERR_NOT_FOUND', `no such alerts in this store: ${missing.join(', ')}`);
  const row: IncidentRow = {
    incident_id: newIncidentId(awareAt), name: opts.name, status: 'open', aware_at: awareAt, opened_at: now,
    updated_at: now, alert_ids: alerts.map((a) => a.alert_id), details,
  };
  const paths = incidentPaths(ctx.home, row.incident_id);
  const log = await openIncidentLog(ctx, paths, row.incident_id);
  try {
    await ctx.store.putIncident(row);
    await log.append({ kind: 'incident', payload: incidentPayload('opened', row) });
    await recordAlerts(ctx, log, row.incident_id, alerts);
    await recordInputFiles(ctx, log, row.incident_id);
    await log.checkpoint();
  } finally {
    await log.close();
  }
  await writeIncidentSnapshot(ctx, row.incident_id);
  return row;
}

/** What an update may change. */
export interface IncidentChanges {
  readonly name?: string;
  readonly awareAt?: number;
  /** Alerts added to the incident. */
  readonly addAlertIds?: readonly string[];
  /** Details merged over the stored ones (top-level keys replace). */
  readonly details?: Readonly<Record<string, unknown>>;
  /** Milestones set (epoch ms). */
  readonly milestones?: Partial<Record<Milestone, number>>;
}

/** Changes an open or closed incident; records the change. */
export async function updateIncident(ctx: RespondContext, id: string, c: IncidentChanges): Promise<IncidentRow> {
  const old = await requireIncident(ctx, id);
  const alerts = c.addAlertIds === undefined ? [] : await ctx.store.listAlerts({ alertIds: c.addAlertIds });
  const missing = (c.addAlertIds ?? []).filter((a) => !alerts.some((x) => x.alert_id === a));
  if (missing.length > 0) throw new BreachwatchError('ERR_NOT_FOUND', `no such alerts in this store: ${missing.join(', ')}`);
  const milestones = { ...(old.details.milestones as Record<string, string> | undefined) };
  for (const [k, v] of Object.entries(c.milestones ?? {})) milestones[k] = toRfc3339(v);
  const details = parseDetails({ ...old.details, ...c.details, milestones });
  const row: IncidentRow = {
    ...old, name: c.name ?? old.name, aware_at: c.awareAt ?? old.aware_at, updated_at: nowMs(ctx), details,
    alert_ids: [...new Set([...old.alert_ids, ...alerts.map((a) => a.alert_id)])],
  };
  await logged(ctx, row, 'updated', async (log) => { await recordAlerts(ctx, log, id, alerts); });
  return row;
}

/** Closes an incident (its runs, reports, holds and log stay). */
export async function closeIncident(ctx: RespondContext, id: string): Promise<IncidentRow> {
  const old = await requireIncident(ctx, id);
  if (old.status === 'closed') throw new BreachwatchError('ERR_USAGE', `incident ${id} is closed already`);
  const now = nowMs(ctx);
  const row: IncidentRow = { ...old, status: 'closed', closed_at: now, updated_at: now };
  await logged(ctx, row, 'closed');
  return row;
}

/** Stores `row`, records the step (and whatever `more` adds), checkpoints, rewrites incident.json. */
async function logged(ctx: RespondContext, row: IncidentRow, action: string,
  more?: (log: Awaited<ReturnType<typeof openIncidentLog>>) => Promise<void>): Promise<void> {
  const log = await openIncidentLog(ctx, incidentPaths(ctx.home, row.incident_id), row.incident_id);
  try {
    await ctx.store.putIncident(row);
    await log.append({ kind: 'incident', payload: incidentPayload(action, row) });
    if (more !== undefined) await more(log);
    await log.checkpoint();
  } finally {
    await log.close();
  }
  await writeIncidentSnapshot(ctx, row.incident_id);
}
