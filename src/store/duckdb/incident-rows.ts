/**
 * Incidents, legal holds, evidence marks and reports in DuckDB: small tables, written through
 * staged JSON rows (no values spliced into SQL) and read with bound parameters.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { EvidenceMark, IncidentRow, LegalHold, ReportRow } from '../respond-store.js';
import { withJsonRows } from './json-stage.js';

const ts = (col: string): string => `make_timestamp(${col} * 1000)`;
const ms = (col: string): string => `epoch_ms(${col})::DOUBLE`;
const opt = (v: unknown): number | undefined => (v === null || v === undefined ? undefined : Number(v));

/** Inserts or replaces an incident. */
export async function putIncident(conn: DuckDBConnection, dir: string, r: IncidentRow): Promise<void> {
  const row = { ...r, closed_at: r.closed_at ?? null, details: JSON.stringify(r.details) };
  await withJsonRows(dir, [row], `{incident_id: 'VARCHAR', name: 'VARCHAR', status: 'VARCHAR', aware_at: 'BIGINT',
    opened_at: 'BIGINT', updated_at: 'BIGINT', closed_at: 'BIGINT', alert_ids: 'VARCHAR[]', details: 'VARCHAR'}`, (src) =>
    conn.run(`INSERT OR REPLACE INTO incidents SELECT incident_id, name, status, ${ts('aware_at')}, ${ts('opened_at')},
      ${ts('updated_at')}, ${ts('closed_at')}, coalesce(alert_ids, []), details::JSON FROM ${src}`));
}

const INCIDENT_COLUMNS = `incident_id, name, status, ${ms('aware_at')}, ${ms('opened_at')}, ${ms('updated_at')},
  ${ms('closed_at')}, to_json(alert_ids)::VARCHAR, details::VARCHAR`;

function incidentOf(r: unknown[]): IncidentRow {
  const closed = opt(r[6]);
  return {
    incident_id: String(r[0]), name: String(r[1]), status: String(r[2]) as IncidentRow['status'],
    aware_at: Number(r[3]), opened_at: Number(r[4]), updated_at: Number(r[5]),
    ...(closed !== undefined && { closed_at: closed }),
    alert_ids: JSON.parse(String(r[7])) as string[], details: JSON.parse(String(r[8])) as Record<string, unknown>,
  };
}

/** One incident, or undefined. */
export async function getIncident(conn: DuckDBConnection, id: string): Promise<IncidentRow | undefined> {
  const rows = (await conn.runAndReadAll(`SELECT ${INCIDENT_COLUMNS} FROM incidents WHERE incident_id = $1`, [id])).getRows();
  return rows[0] === undefined ? undefined : incidentOf(rows[0]);
}

/** Every incident, newest first. */
export async function listIncidents(conn: DuckDBConnection): Promise<IncidentRow[]> {
  const rows = (await conn.runAndReadAll(`SELECT ${INCIDENT_COLUMNS} FROM incidents ORDER BY opened_at DESC, incident_id`)).getRows();
  return rows.map(incidentOf);
}

/** Inserts or replaces a hold. */
export async function putHold(conn: DuckDBConnection, dir: string, h: LegalHold): Promise<void> {
  const row = { ...h, lifted_at: h.lifted_at ?? null, lift_reason: h.lift_reason ?? null };
  await withJsonRows(dir, [row], `{hold_id: 'VARCHAR', incident_id: 'VARCHAR', placed_at: 'BIGINT', reason: 'VARCHAR',
    lifted_at: 'BIGINT', lift_reason: 'VARCHAR'}`, (src) =>
    conn.run(`INSERT OR REPLACE INTO legal_holds SELECT hold_id, incident_id, ${ts('placed_at')}, reason,
      ${ts('lifted_at')}, lift_reason FROM ${src}`));
}

/** Holds, filtered; oldest first. */
export async function listHolds(conn: DuckDBConnection, opts: { incidentId?: string; active?: boolean } = {}): Promise<LegalHold[]> {
  const where = [opts.incidentId !== undefined ? 'incident_id = $1' : 'true', opts.active === true ? 'lifted_at IS NULL' : 'true'];
  const rows = (await conn.runAndReadAll(`SELECT hold_id, incident_id, ${ms('placed_at')}, reason, ${ms('lifted_at')}, lift_reason
    FROM legal_holds WHERE ${where.join(' AND ')} ORDER BY placed_at, hold_id`, opts.incidentId !== undefined ? [opts.incidentId] : [])).getRows();
  return rows.map((r) => {
    const lifted = opt(r[4]);
    return {
      hold_id: String(r[0]), incident_id: String(r[1]), placed_at: Number(r[2]), reason: String(r[3]),
      ...(lifted !== undefined && { lifted_at: lifted }), ...(r[5] !== null && { lift_reason: String(r[5]) }),
    };
  });
}

/** Records evidence marks (an identical mark is kept once, with its first entry). */
export async function markEvidence(conn: DuckDBConnection, dir: string, rows: readonly EvidenceMark[]): Promise<void> {
  if (rows.length === 0) return;
  await withJsonRows(dir, rows, `{incident_id: 'VARCHAR', kind: 'VARCHAR', key: 'VARCHAR', sha256: 'VARCHAR', entry: 'BIGINT'}`, (src) =>
    conn.run(`INSERT INTO evidence_marks SELECT DISTINCT ON (incident_id, kind, key, sha256) * FROM ${src}
      ON CONFLICT DO NOTHING`));
}

/** An incident's marks of one kind, by entry. */
export async function evidenceMarks(conn: DuckDBConnection, incidentId: string, kind: string): Promise<EvidenceMark[]> {
  const rows = (await conn.runAndReadAll(`SELECT incident_id, kind, key, sha256, entry::DOUBLE FROM evidence_marks
    WHERE incident_id = $1 AND kind = $2 ORDER BY entry, key`, [incidentId, kind])).getRows();
  return rows.map((r) => ({ incident_id: String(r[0]), kind: String(r[1]), key: String(r[2]), sha256: String(r[3]), entry: Number(r[4]) }));
}

/** Inserts or replaces a report row. */
export async function putReport(conn: DuckDBConnection, dir: string, r: ReportRow): Promise<void> {
  await withJsonRows(dir, [{ ...r, files: JSON.stringify(r.files) }], `{report_id: 'VARCHAR', incident_id: 'VARCHAR', n: 'INTEGER',
    audience: 'VARCHAR', run_id: 'VARCHAR', created_at: 'BIGINT', entry: 'BIGINT', files: 'VARCHAR'}`, (src) =>
    conn.run(`INSERT OR REPLACE INTO incident_reports SELECT report_id, incident_id, n, audience, run_id,
      ${ts('created_at')}, entry, files::JSON FROM ${src}`));
}

/** An incident's reports, oldest first. */
export async function listReports(conn: DuckDBConnection, incidentId: string): Promise<ReportRow[]> {
  const rows = (await conn.runAndReadAll(`SELECT report_id, incident_id, n, audience, run_id, ${ms('created_at')}, entry::DOUBLE,
    files::VARCHAR FROM incident_reports WHERE incident_id = $1 ORDER BY created_at, n, report_id`, [incidentId])).getRows();
  return rows.map((r) => ({
    report_id: String(r[0]), incident_id: String(r[1]), n: Number(r[2]), audience: String(r[3]) as ReportRow['audience'],
    run_id: String(r[4]), created_at: Number(r[5]), entry: Number(r[6]), files: JSON.parse(String(r[7])) as ReportRow['files'],
  }));
}
