/**
 * Reads stored requests back by `request_id` (the analyst opens an alert's evidence), with the
 * id bound as a parameter, never spliced into SQL.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { StoredRequest } from '../store.js';

/** Rows returned at most: one id is one request, retries and replays aside. */
const MAX_ROWS = 100;

const COLUMNS = ['src_ip', 'method', 'route', 'status', 'request_id', 'account_id', 'jti', 'kid', 'sub', 'iat', 'exp',
  'client_id', 'user_agent', 'device_id', 'session_id', 'bytes', 'records', 'country', 'asn', 'file', 'line'] as const;
const NUMERIC = new Set<string>(['status', 'iat', 'exp', 'bytes', 'records', 'line']);

/** Every stored request with `requestId`, oldest first. */
export async function findRequests(conn: DuckDBConnection, requestId: string): Promise<StoredRequest[]> {
  const reader = await conn.runAndReadAll(
    `SELECT epoch_ms(t)::DOUBLE AS time, ${COLUMNS.map((c) => `"${c}"`).join(', ')} FROM access
     WHERE request_id = $1 ORDER BY t, file, line LIMIT ${MAX_ROWS}`, [requestId]);
  return reader.getRowObjects().map((row) => {
    const out: Record<string, string | number> = { time: Number(row['time']) };
    for (const c of COLUMNS) {
      const v = row[c];
      if (v === null || v === undefined) continue;
      out[c] = NUMERIC.has(c) ? Number(v) : String(v);
    }
    return out as unknown as StoredRequest;
  });
}
