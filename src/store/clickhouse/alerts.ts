/**
 * Alerts and indicators in ClickHouse. An alert is stored whole as its JSON document next to
 * the columns it is filtered and sorted by; an upsert is a new row with a higher version, and
 * reads take each id's latest row (`argMax(…, ver)`), never `FINAL` with a filter, which can
 * keep an old version that matched the filter. Indicators are only ever added: reads fold
 * every row of an (alert, type, value) into its widest window, and the newest row (highest
 * `ver`) decides whether it is retracted.
 */
import { SEVERITIES } from '../../model/index.js';
import type { Alert, Indicator } from '../../model/index.js';
import type { AlertFilter, StoredIndicator } from '../store.js';
import { mergeIndicatorBatch } from '../indicator-batch.js';
import { sqlInt, sqlString, sqlStringList } from './escape.js';
import type { TableNames } from './schema.js';
import type { ClickHouseSql, Row } from './sql.js';
import { nextVersion } from './version.js';

/** Writes newline-terminated rows in one insert. */
export async function insertRows(sql: ClickHouseSql, table: string, rows: readonly string[]): Promise<void> {
  if (rows.length === 0) return;
  const body = sql.insert(table);
  await body.write(rows.join(''));
  await body.end();
}

/** Inserts or replaces alerts (the last of duplicate ids in one batch wins). */
export async function upsertAlerts(sql: ClickHouseSql, t: TableNames, alerts: readonly Alert[]): Promise<void> {
  const byId = new Map<string, Alert>();
  for (const a of alerts) byId.set(a.alert_id, a);
  const ver = nextVersion();
  await insertRows(sql, t.alerts, [...byId.values()].map((a) => `${JSON.stringify({
    alert_id: a.alert_id, detector: a.detector, severity_rank: SEVERITIES.indexOf(a.severity), status: a.status,
    doc: JSON.stringify(a), ver,
  })}\n`));
}

/** Alerts matching `filter`, most severe first, then by id. */
export async function listAlerts(sql: ClickHouseSql, t: TableNames, filter: AlertFilter = {}): Promise<Alert[]> {
  if (filter.alertIds !== undefined && filter.alertIds.length === 0) return [];
  const ids = filter.alertIds === undefined ? '' : `WHERE alert_id IN ${sqlStringList(filter.alertIds)}`;
  const where: string[] = [];
  if (filter.minSeverity !== undefined) where.push(`r <= ${SEVERITIES.indexOf(filter.minSeverity)}`);
  if (filter.detector !== undefined) where.push(`det = ${sqlString(filter.detector)}`);
  if (filter.status !== undefined) where.push(`st = ${sqlString(filter.status)}`);
  const limit = filter.limit !== undefined ? ` LIMIT ${sqlInt(Math.max(0, Math.floor(filter.limit)))}` : '';
  const offset = filter.offset !== undefined ? `${limit === '' ? ' LIMIT 18446744073709551615' : ''} OFFSET ${sqlInt(Math.max(0, Math.floor(filter.offset)))}` : '';
  const rows = await sql.rows(`SELECT alert_id AS id, d FROM (
      SELECT alert_id, argMax(doc, ver) AS d, argMax(severity_rank, ver) AS r, argMax(detector, ver) AS det,
        argMax(status, ver) AS st
      FROM ${t.alerts} ${ids} GROUP BY alert_id) AS latest
    ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY r, id${limit}${offset}`);
  return rows.map((r) => JSON.parse(String(r.d)) as Alert);
}

/**
 * Adds indicators (merged within the batch first, the last row deciding `retracted`; reads
 * merge with stored rows, the newest batch deciding).
 */
export async function addIndicators(sql: ClickHouseSql, t: TableNames, rows: readonly StoredIndicator[]): Promise<void> {
  const merged = mergeIndicatorBatch(rows);
  const ver = nextVersion();
  await insertRows(sql, t.indicators, merged.map((i) => `${JSON.stringify({
    alert_id: i.alert_id, type: i.type, value: i.value, first_seen: Math.trunc(i.first_seen), last_seen: Math.trunc(i.last_seen),
    retracted: i.retracted ? 1 : 0, ver,
  })}\n`));
}

/** Indicators of the given alerts, ordered by alert, type, value; retracted ones only when asked. */
export async function listIndicators(
  sql: ClickHouseSql, t: TableNames, alertIds: readonly string[], includeRetracted = false,
): Promise<StoredIndicator[]> {
  if (alertIds.length === 0) return [];
  const rows = await sql.rows(`SELECT a, ty, v, f, l, x FROM (
      SELECT alert_id AS a, type AS ty, value AS v, min(first_seen) AS f, max(last_seen) AS l, argMax(retracted, ver) AS x
      FROM ${t.indicators} WHERE alert_id IN ${sqlStringList(alertIds)}
      GROUP BY alert_id, type, value) AS folded
    ${includeRetracted ? '' : 'WHERE x = 0'} ORDER BY a, ty, v`);
  return rows.map((r: Row) => {
    const row: StoredIndicator = {
      alert_id: String(r.a), type: String(r.ty) as Indicator['type'], value: String(r.v), first_seen: Number(r.f), last_seen: Number(r.l),
    };
    return Number(r.x) === 1 ? { ...row, retracted: true } : row;
  });
}
