/**
 * Incidents, legal holds, evidence marks and reports in ClickHouse. Each write is one insert
 * with a new version; reads take each id's latest row as one tuple (`argMax(tuple(…), ver)`:
 * `argMax` over a Nullable column alone would skip a newer NULL, so a reopened incident would
 * keep its old `closed_at`). A replacing write's version is above every stored one of its id
 * (read first), so it wins even over a row another machine wrote with its clock ahead (a
 * lifted hold stays lifted). An evidence mark keeps its first row, as `markEvidence` promises.
 */
import type { EvidenceMark, IncidentRow, LegalHold, ReportRow } from '../respond-store.js';
import { insertRows } from './alerts.js';
import { sqlString } from './escape.js';
import type { RespondTables } from './respond-schema.js';
import type { ClickHouseSql, Row } from './sql.js';
import { nextVersion } from './version.js';

const line = (o: object): string => `${JSON.stringify(o)}\n`;
const opt = (v: unknown): number | undefined => (v === null || v === undefined ? undefined : Number(v));
const tuple = (r: Row): unknown[] => r.r as unknown[];

/** A version above every stored one of the row `key = id` in `table`, and this process's clock. */
async function versionAfter(sql: ClickHouseSql, table: string, key: string, id: string): Promise<number> {
  const r = await sql.rows(`SELECT max(ver) AS v FROM ${table} WHERE ${key} = ${sqlString(id)}`);
  const ver = nextVersion();
  return Math.max(ver, Number(r[0]?.v ?? 0) + 1);
}

/** Inserts or replaces an incident. */
export async function putIncident(sql: ClickHouseSql, t: RespondTables, r: IncidentRow): Promise<void> {
  await insertRows(sql, t.incidents, [line({
    incident_id: r.incident_id, name: r.name, status: r.status, aware_at: r.aware_at, opened_at: r.opened_at,
    updated_at: r.updated_at, closed_at: r.closed_at ?? null, alert_ids: r.alert_ids, details: JSON.stringify(r.details),
    ver: await versionAfter(sql, t.incidents, 'incident_id', r.incident_id),
  })]);
}

function incidentOf(row: Row): IncidentRow {
  const r = tuple(row);
  const closed = opt(r[5]);
  return {
    incident_id: String(row.id), name: String(r[0]), status: String(r[1]) as IncidentRow['status'],
    aware_at: Number(r[2]), opened_at: Number(r[3]), updated_at: Number(r[4]), ...(closed !== undefined && { closed_at: closed }),
    alert_ids: (r[6] as unknown[]).map(String), details: JSON.parse(String(r[7])) as Record<string, unknown>,
  };
}

const incidentsSql = (t: RespondTables, where: string): string => `SELECT id, r FROM (
    SELECT incident_id AS id, argMax(tuple(name, status, aware_at, opened_at, updated_at, closed_at, alert_ids, details), ver) AS r,
      argMax(opened_at, ver) AS o
    FROM ${t.incidents} ${where} GROUP BY incident_id) AS latest ORDER BY o DESC, id`;

/** One incident, or undefined. */
export async function getIncident(sql: ClickHouseSql, t: RespondTables, id: string): Promise<IncidentRow | undefined> {
  const rows = await sql.rows(incidentsSql(t, `WHERE incident_id = ${sqlString(id)}`));
  return rows[0] === undefined ? undefined : incidentOf(rows[0]);
}

/** Every incident, newest first. */
export async function listIncidents(sql: ClickHouseSql, t: RespondTables): Promise<IncidentRow[]> {
  return (await sql.rows(incidentsSql(t, ''))).map(incidentOf);
}

/** Inserts or replaces a hold. */
export async function putHold(sql: ClickHouseSql, t: RespondTables, h: LegalHold): Promise<void> {
  await insertRows(sql, t.holds, [line({
    hold_id: h.hold_id, incident_id: h.incident_id, placed_at: h.placed_at, reason: h.reason,
    lifted_at: h.lifted_at ?? null, lift_reason: h.lift_reason ?? null, ver: await versionAfter(sql, t.holds, 'hold_id', h.hold_id),
  })]);
}

/** Holds, filtered; oldest first. */
export async function listHolds(sql: ClickHouseSql, t: RespondTables, opts: { incidentId?: string; active?: boolean } = {}): Promise<LegalHold[]> {
  const where = [
    ...(opts.incidentId !== undefined ? [`inc = ${sqlString(opts.incidentId)}`] : []),
    ...(opts.active === true ? ['isNull(tupleElement(r, 4))'] : []),
  ];
  const rows = await sql.rows(`SELECT id, r FROM (
      SELECT hold_id AS id, argMax(tuple(incident_id, placed_at, reason, lifted_at, lift_reason), ver) AS r,
        argMax(incident_id, ver) AS inc, argMax(placed_at, ver) AS p
      FROM ${t.holds} GROUP BY hold_id) AS latest
    ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY p, id`);
  return rows.map((row) => {
    const r = tuple(row);
    const lifted = opt(r[3]);
    return {
      hold_id: String(row.id), incident_id: String(r[0]), placed_at: Number(r[1]), reason: String(r[2]),
      ...(lifted !== undefined && { lifted_at: lifted }), ...(typeof r[4] === 'string' && { lift_reason: r[4] }),
    };
  });
}

/** Records evidence marks; reads keep each mark's first row (the earliest version, the first of a batch). */
export async function markEvidence(sql: ClickHouseSql, t: RespondTables, rows: readonly EvidenceMark[]): Promise<void> {
  if (rows.length === 0) return;
  await insertRows(sql, t.marks, rows.map((m) => line({
    incident_id: m.incident_id, kind: m.kind, key: m.key, sha256: m.sha256, entry: m.entry, ver: nextVersion(),
  })));
}

/** An incident's marks of one kind, by entry. */
export async function evidenceMarks(sql: ClickHouseSql, t: RespondTables, incidentId: string, kind: string): Promise<EvidenceMark[]> {
  const rows = await sql.rows(`SELECT k, h, e FROM (
      SELECT key AS k, sha256 AS h, argMin(entry, ver) AS e FROM ${t.marks}
      WHERE incident_id = ${sqlString(incidentId)} AND kind = ${sqlString(kind)} GROUP BY key, sha256) AS first
    ORDER BY e, k`);
  return rows.map((r) => ({ incident_id: incidentId, kind, key: String(r.k), sha256: String(r.h), entry: Number(r.e) }));
}

/** Inserts or replaces a report row. */
export async function putReport(sql: ClickHouseSql, t: RespondTables, r: ReportRow): Promise<void> {
  await insertRows(sql, t.reports, [line({
    report_id: r.report_id, incident_id: r.incident_id, n: r.n, audience: r.audience, run_id: r.run_id,
    created_at: r.created_at, entry: r.entry, files: JSON.stringify(r.files), ver: await versionAfter(sql, t.reports, 'report_id', r.report_id),
  })]);
}

/** An incident's reports, oldest first. */
export async function listReports(sql: ClickHouseSql, t: RespondTables, incidentId: string): Promise<ReportRow[]> {
  const rows = await sql.rows(`SELECT id, r FROM (
      SELECT report_id AS id, argMax(tuple(incident_id, n, audience, run_id, created_at, entry, files), ver) AS r,
        argMax(incident_id, ver) AS inc, argMax(created_at, ver) AS c, argMax(n, ver) AS k
      FROM ${t.reports} GROUP BY report_id) AS latest
    WHERE inc = ${sqlString(incidentId)} ORDER BY c, k, id`);
  return rows.map((row) => {
    const r = tuple(row);
    return {
      report_id: String(row.id), incident_id: String(r[0]), n: Number(r[1]), audience: String(r[2]) as ReportRow['audience'],
      run_id: String(r[3]), created_at: Number(r[4]), entry: Number(r[5]), files: JSON.parse(String(r[6])) as ReportRow['files'],
    };
  });
}
