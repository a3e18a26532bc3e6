/**
 * Alerts and their indicators in DuckDB: upsert by `alert_id`, filtered listing with paging,
 * and indicator merging (an identical alert_id/type/value keeps the widest window; the latest
 * write decides whether it is retracted).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { SEVERITIES } from '../../model/index.js';
import type { Alert, AlertStatus, Indicator, Severity, Verdict } from '../../model/index.js';
import type { AlertFilter, StoredIndicator } from '../store.js';
import { mergeIndicatorBatch } from '../indicator-batch.js';
import { sqlString, withJsonRows } from './json-stage.js';

const ALERT_COLUMNS = `{alert_id: 'VARCHAR', detector: 'VARCHAR', severity: 'VARCHAR',
  severity_rank: 'INTEGER', title: 'VARCHAR', entity_type: 'VARCHAR', entity_id: 'VARCHAR',
  first_seen: 'VARCHAR', last_seen: 'VARCHAR', detected_at: 'VARCHAR', events: 'BIGINT',
  accounts: 'BIGINT', evidence: 'VARCHAR', details: 'VARCHAR', status: 'VARCHAR', verdict: 'VARCHAR'}`;

const INDICATOR_COLUMNS = `{alert_id: 'VARCHAR', type: 'VARCHAR', value: 'VARCHAR',
  first_seen: 'BIGINT', last_seen: 'BIGINT', retracted: 'BOOLEAN'}`;

/** Rank of a severity: 0 = critical … 3 = low. */
export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/** Inserts or replaces alerts (the last of duplicate ids in one batch wins). */
export async function upsertAlerts(conn: DuckDBConnection, dir: string, alerts: readonly Alert[]): Promise<void> {
  const byId = new Map<string, Alert>();
  for (const a of alerts) byId.set(a.alert_id, a);
  if (byId.size === 0) return;
  const rows = [...byId.values()].map((a) => ({
    alert_id: a.alert_id, detector: a.detector, severity: a.severity, severity_rank: severityRank(a.severity),
    title: a.title, entity_type: a.entity.type, entity_id: a.entity.id, first_seen: a.first_seen,
    last_seen: a.last_seen, detected_at: a.detected_at, events: a.events, accounts: a.accounts,
    evidence: JSON.stringify(a.evidence), details: JSON.stringify(a.details), status: a.status ?? 'open',
    verdict: a.verdict ?? null,
  }));
  await withJsonRows(dir, rows, ALERT_COLUMNS, (src) =>
    conn.run(`INSERT OR REPLACE INTO alerts SELECT alert_id, detector, severity, severity_rank, title,
      entity_type, entity_id, first_seen, last_seen, detected_at, events, accounts, evidence::JSON,
      details::JSON, status, verdict FROM ${src}`));
}

/** Alerts matching `filter`, most severe first, then by `alert_id`. */
export async function listAlerts(conn: DuckDBConnection, filter: AlertFilter = {}): Promise<Alert[]> {
  const where: string[] = [];
  if (filter.minSeverity !== undefined) where.push(`severity_rank <= ${severityRank(filter.minSeverity)}`);
  if (filter.detector !== undefined) where.push(`detector = ${sqlString(filter.detector)}`);
  if (filter.status !== undefined) where.push(`status = ${sqlString(filter.status)}`);
  if (filter.alertIds !== undefined) {
    if (filter.alertIds.length === 0) return [];
    where.push(`alert_id IN (SELECT unnest(${sqlList(filter.alertIds)}))`);
  }
  const limit = filter.limit !== undefined ? ` LIMIT ${Math.max(0, Math.floor(filter.limit))}` : '';
  const offset = filter.offset !== undefined ? ` OFFSET ${Math.max(0, Math.floor(filter.offset))}` : '';
  const reader = await conn.runAndReadAll(`SELECT alert_id, detector, severity, title, entity_type,
      entity_id, first_seen, last_seen, detected_at, events::DOUBLE, accounts::DOUBLE,
      evidence::VARCHAR, details::VARCHAR, status, verdict
    FROM alerts ${where.length > 0 ? 'WHERE ' + where.join(' AND ') : ''}
    ORDER BY severity_rank, alert_id${limit}${offset}`);
  return reader.getRows().map((r) => ({
    alert_id: String(r[0]), detector: String(r[1]), severity: String(r[2]) as Severity, title: String(r[3]),
    entity: { type: String(r[4]), id: String(r[5]) } as Alert['entity'],
    first_seen: String(r[6]), last_seen: String(r[7]), detected_at: String(r[8]),
    events: Number(r[9]), accounts: Number(r[10]),
    evidence: JSON.parse(String(r[11])) as string[], details: JSON.parse(String(r[12])) as Record<string, unknown>,
    status: String(r[13]) as AlertStatus,
    ...(r[14] !== null && { verdict: String(r[14]) as Verdict }),
  }));
}

/**
 * Adds indicators, merging duplicates (in the batch and with stored rows) to the widest window;
 * the last row of a batch, and a batch over what is stored, decides `retracted`.
 */
export async function addIndicators(conn: DuckDBConnection, dir: string, rows: readonly StoredIndicator[]): Promise<void> {
  const merged = mergeIndicatorBatch(rows);
  if (merged.length === 0) return;
  await withJsonRows(dir, merged, INDICATOR_COLUMNS, (src) =>
    conn.run(`INSERT INTO indicators SELECT alert_id, type, value, make_timestamp(first_seen * 1000),
        make_timestamp(last_seen * 1000), retracted FROM ${src}
      ON CONFLICT (alert_id, type, value) DO UPDATE SET
        first_seen = least(indicators.first_seen, excluded.first_seen),
        last_seen = greatest(indicators.last_seen, excluded.last_seen),
        retracted = excluded.retracted`));
}

/** Indicators of the given alerts, ordered by alert, type, value; retracted ones only when asked. */
export async function listIndicators(
  conn: DuckDBConnection, dir: string, alertIds: readonly string[], includeRetracted = false,
): Promise<StoredIndicator[]> {
  if (alertIds.length === 0) return [];
  return withJsonRows(dir, alertIds.map((id) => ({ id })), `{id: 'VARCHAR'}`, async (src) => {
    const reader = await conn.runAndReadAll(`SELECT alert_id, type, value, epoch_ms(first_seen)::DOUBLE,
        epoch_ms(last_seen)::DOUBLE, retracted FROM indicators WHERE alert_id IN (SELECT id FROM ${src})
        ${includeRetracted ? '' : 'AND NOT retracted'}
      ORDER BY alert_id, type, value`);
    const [ids, types, values, firsts, lasts, retracted] = reader.getColumns();
    const out: StoredIndicator[] = new Array<StoredIndicator>(reader.currentRowCount);
    for (let i = 0; i < out.length; i++) {
      const row: StoredIndicator = {
        alert_id: String(ids?.[i]), type: String(types?.[i]) as Indicator['type'], value: String(values?.[i]),
        first_seen: Number(firsts?.[i]), last_seen: Number(lasts?.[i]),
      };
      out[i] = retracted?.[i] === true ? { ...row, retracted: true } : row;
    }
    return out;
  });
}

/** A small VARCHAR list literal (for short id lists only). */
function sqlList(items: readonly string[]): string {
  return `[${items.map(sqlString).join(', ')}]::VARCHAR[]`;
}
