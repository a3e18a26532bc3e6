/**
 * Recording what the response relies on into an incident's evidence log, each thing once:
 * the store keeps an evidence mark per (kind, key, hash) with its entry index, so a second
 * run records only what is new or changed (a changed input file is recorded again, and said).
 * Payloads carry ids, counts and hashes, never personal data.
 */
import { hashFile, type EvidenceLog, type NewEntry, type JsonObject } from '../../evidence/index.js';
import type { Alert, Indicator } from '../../model/index.js';
import type { EvidenceMark } from '../../store/index.js';
import { archivePath, type RespondContext } from '../context.js';
import { sha256Json } from './digest.js';

interface Candidate { readonly key: string; readonly sha256: string; readonly entry: NewEntry }

/** Appends the candidates not yet marked, marks them; returns how many were new. */
async function recordOnce(ctx: RespondContext, log: EvidenceLog, incidentId: string, kind: string, items: readonly Candidate[]): Promise<number> {
  const known = new Set((await ctx.store.evidenceMarks(incidentId, kind)).map((m) => `${m.key}\u0000${m.sha256}`));
  const fresh = items.filter((c) => !known.has(`${c.key}\u0000${c.sha256}`));
  if (fresh.length === 0) return 0;
  const r = await log.appendMany(fresh.map((c) => c.entry));
  const marks: EvidenceMark[] = fresh.map((c, i) => ({ incident_id: incidentId, kind, key: c.key, sha256: c.sha256, entry: r.first + i }));
  await ctx.store.markEvidence(marks);
  return fresh.length;
}

/** Records alerts (ids, detector, entity, times, counts and the hash of the whole alert). */
export function recordAlerts(ctx: RespondContext, log: EvidenceLog, incidentId: string, alerts: readonly Alert[]): Promise<number> {
  return recordOnce(ctx, log, incidentId, 'alert', alerts.map((a) => {
    const sha256 = sha256Json(a);
    const payload: JsonObject = {
      incident_id: incidentId, alert_id: a.alert_id, detector: a.detector, severity: a.severity,
      entity: { type: a.entity.type, id: a.entity.id }, first_seen: a.first_seen, last_seen: a.last_seen,
      detected_at: a.detected_at, events: a.events, accounts: a.accounts, sha256,
    };
    return { key: a.alert_id, sha256, entry: { kind: 'alert', payload } };
  }));
}

/** Records the indicators a run followed. */
export function recordIndicators(ctx: RespondContext, log: EvidenceLog, incidentId: string, indicators: readonly Indicator[]): Promise<number> {
  return recordOnce(ctx, log, incidentId, 'indicator', indicators.map((i) => {
    const payload: JsonObject = { incident_id: incidentId, type: i.type, value: i.value, first_seen: i.first_seen, last_seen: i.last_seen };
    return { key: `${i.type}:${i.value}`, sha256: sha256Json(payload), entry: { kind: 'indicator', payload } };
  }));
}

/** What recording the input files found. */
export interface InputFilesRecorded {
  readonly files: number;
  /** Recorded now (new, or changed since last recorded). */
  readonly recorded: number;
  /** Files recorded before whose bytes are different now. */
  readonly changed: readonly string[];
  /** Files that could not be read (recorded as a `note`). */
  readonly unreadable: readonly string[];
}

/** Hashes every input file the store's events came from and records those not recorded as they are now. */
export async function recordInputFiles(ctx: RespondContext, log: EvidenceLog, incidentId: string): Promise<InputFilesRecorded> {
  const files = await ctx.store.inputFiles();
  const before = new Map((await ctx.store.evidenceMarks(incidentId, 'input_file')).map((m) => [m.key, m.sha256]));
  const items: Candidate[] = [];
  const unreadable: string[] = [];
  const changed: string[] = [];
  for (const file of files) {
    const where = archivePath(ctx, file);
    const h = where === undefined ? undefined : await hashFile(where).catch(() => undefined);
    if (h === undefined) {
      unreadable.push(file);
      continue;
    }
    const prev = before.get(file);
    if (prev !== undefined && prev !== h.sha256) changed.push(file);
    items.push({ key: file, sha256: h.sha256, entry: { kind: 'input_file', payload: { path: file, sha256: h.sha256, bytes: h.bytes } } });
  }
  const recorded = await recordOnce(ctx, log, incidentId, 'input_file', items);
  if (unreadable.length > 0 || changed.length > 0) {
    await log.append({ kind: 'note', payload: { incident_id: incidentId, about: 'input_files', unreadable, changed_since_recorded: changed } });
  }
  return { files: files.length, recorded, changed, unreadable };
}
