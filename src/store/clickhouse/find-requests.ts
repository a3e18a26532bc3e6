/**
 * Reads stored requests back by `request_id` (the analyst opens an alert's evidence): only
 * rows of held commits, each event once (`FINAL` merges the copies retries left), the id
 * escaped as a string literal.
 */
import type { StoredRequest } from '../store.js';
import { sqlInt, sqlString } from './escape.js';
import type { ClickHouseSql } from './sql.js';

/** Rows returned at most: one id is one request, retries and replays aside. */
const MAX_ROWS = 100;

const COLUMNS = ['src_ip', 'method', 'route', 'status', 'request_id', 'account_id', 'jti', 'kid', 'sub', 'iat', 'exp',
  'client_id', 'user_agent', 'device_id', 'session_id', 'bytes', 'records', 'country', 'asn', 'file', 'line'] as const;
const NUMERIC = new Set<string>(['status', 'iat', 'exp', 'bytes', 'records', 'line']);

/** Every stored request in `table` with `requestId` up to commit `held`, oldest first. */
export async function findRequests(sql: ClickHouseSql, table: string, held: number, requestId: string): Promise<StoredRequest[]> {
  const rows = await sql.rows(
    `SELECT t, ${COLUMNS.join(', ')} FROM ${table} FINAL
     WHERE request_id = ${sqlString(requestId)} AND seq <= ${sqlInt(held)} ORDER BY t, file, line LIMIT ${MAX_ROWS}`);
  return rows.map((row) => {
    const out: Record<string, string | number> = { time: Number(row.t) };
    for (const c of COLUMNS) {
      const v = row[c];
      if (v === null || v === undefined) continue;
      out[c] = NUMERIC.has(c) ? Number(v) : (typeof v === 'string' ? v : JSON.stringify(v));
    }
    return out as unknown as StoredRequest;
  });
}
