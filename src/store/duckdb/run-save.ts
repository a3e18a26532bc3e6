/**
 * Saving a scope run in DuckDB. The indicators are staged into a scratch table and matched
 * against every access row (any route, any status: investigators want the attacker's whole
 * trail); a matched row carries personal data to the attacker when it is a 2xx answer of a
 * route the catalog calls `personal` now, and then gets that route's index (`ridx`). The
 * run's rows, routes, accounts and its own row are written in one transaction, so a crash
 * leaves the run whole or absent. The scratch table lives in the in-memory database and is
 * written outside the transaction (DuckDB lets one transaction write one database).
 */
import { randomBytes } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { NewScopeRun } from '../respond-store.js';
import { sqlString, withJsonRows } from './json-stage.js';
import { personalRoutes } from './reference.js';
import { mergeWindows } from '../scope-windows.js';
import { IND_COLUMNS, MATCH, indicatorRows } from './scope-sql.js';

const COLS = 'account_id, t, src_ip, method, route, status, file, line, request_id, jti, kid, client_id, user_agent, country, asn';

/** The scratch table of `indicators` (merged windows, subnets expanded); undefined when none can match. */
async function stageIndicators(conn: DuckDBConnection, dir: string, indicators: NewScopeRun['indicators']): Promise<{ table: string; types: string[] } | undefined> {
  const rows = indicatorRows(mergeWindows(indicators));
  const types = [...new Set(rows.map((r) => (r as { type: string }).type))].filter((t) => t in MATCH);
  if (types.length === 0) return undefined;
  const table = `bw_scratch.run_ind_${randomBytes(4).toString('hex')}`;
  await withJsonRows(dir, rows, IND_COLUMNS, (src) =>
    conn.run(`CREATE OR REPLACE TABLE ${table} AS SELECT type, value, key, lo, hi,
      make_timestamp(first_seen * 1000) AS first_seen, make_timestamp(last_seen * 1000) AS last_seen FROM ${src}`));
  return { table, types };
}

/** Every access row matching the staged indicators, each once. */
function matchedSql(table: string, types: readonly string[]): string {
  const parts = types.map((t) => `SELECT a.rowid AS rid, ${COLS.split(', ').map((c) => `a.${c}`).join(', ')}
    FROM access a JOIN (SELECT * FROM ${table} WHERE type = ${sqlString(t)}) i
    ON ${MATCH[t as keyof typeof MATCH]} AND a.t BETWEEN i.first_seen AND i.last_seen`);
  // Subnet keys of one CIDR never overlap; several types or CIDRs may match one row twice.
  return `(SELECT DISTINCT ON (rid) * FROM (${parts.join(' UNION ALL ')}))`;
}

/** Saves `run` (see the file header); the caller has flushed pending loads. */
export async function saveRun(conn: DuckDBConnection, dir: string, run: NewScopeRun): Promise<void> {
  const routes = await personalRoutes(conn);
  const staged = await stageIndicators(conn, dir, run.indicators);
  const id = sqlString(run.run_id);
  const personal = routes.length === 0
    ? '(SELECT NULL::VARCHAR AS method, NULL::VARCHAR AS route, NULL::INTEGER AS ridx WHERE false)'
    : `(VALUES ${routes.map((r, i) => `(${sqlString(r.method)}, ${sqlString(r.route)}, ${i})`).join(', ')})`;
  await conn.run('BEGIN TRANSACTION');
  try {
    const n = Number((await conn.runAndReadAll('SELECT coalesce(max(n), 0) + 1 FROM scope_runs WHERE incident_id = $1', [run.incident_id])).getRows()[0]?.[0] ?? 1);
    if (run.indicators.length > 0) {
      await withJsonRows(dir, run.indicators, `{type: 'VARCHAR', value: 'VARCHAR', first_seen: 'BIGINT', last_seen: 'BIGINT'}`, (src) =>
        conn.run(`INSERT INTO scope_run_indicators SELECT ${id}, type, value, make_timestamp(first_seen * 1000),
          make_timestamp(last_seen * 1000) FROM ${src}`));
    }
    if (routes.length > 0) {
      await conn.run(`INSERT INTO scope_run_routes VALUES ${routes.map((r, i) =>
        `(${id}, ${i}, ${sqlString(r.method)}, ${sqlString(r.route)}, [${r.fields.map(sqlString).join(', ')}]::VARCHAR[])`).join(', ')}`);
    }
    if (staged !== undefined) {
      await conn.run(`INSERT INTO scope_run_requests SELECT ${id}, ${COLS.split(', ').map((c) => `m.${c}`).join(', ')}, p.ridx
        FROM ${matchedSql(staged.table, staged.types)} m
        LEFT JOIN ${personal} p(method, route, ridx) ON m.method = p.method AND m.route = p.route
          AND m.status BETWEEN 200 AND 299 AND m.account_id IS NOT NULL
        ORDER BY m.account_id NULLS LAST, m.t, m.file, m.line`);
      await conn.run(`INSERT INTO scope_run_accounts
        SELECT ${id}, x.account_id, list_sort(list_distinct(flatten(list(rt.fields)))), min(x.f), max(x.l), sum(x.n)::BIGINT,
          list_sort(list_distinct(flatten(list(x.ips))))
        FROM (SELECT account_id, ridx, min(t) AS f, max(t) AS l, count(*) AS n, list(DISTINCT src_ip) AS ips
          FROM scope_run_requests WHERE run_id = ${id} AND ridx IS NOT NULL GROUP BY account_id, ridx) x
        JOIN scope_run_routes rt ON rt.run_id = ${id} AND rt.ridx = x.ridx
        GROUP BY x.account_id ORDER BY x.account_id`);
    }
    await conn.run(`INSERT INTO scope_runs SELECT ${id}, $1, $2::INTEGER, make_timestamp(($3 * 1000)::BIGINT), $4::JSON, $5::BIGINT,
        (SELECT count(*) FROM scope_run_accounts WHERE run_id = ${id}),
        (SELECT count(*) FROM scope_run_requests WHERE run_id = ${id} AND ridx IS NOT NULL),
        (SELECT count(*) FROM scope_run_requests WHERE run_id = ${id}),
        (SELECT min(t) FROM scope_run_requests WHERE run_id = ${id} AND ridx IS NOT NULL),
        (SELECT max(t) FROM scope_run_requests WHERE run_id = ${id} AND ridx IS NOT NULL)`,
    [run.incident_id, n, run.created_at, JSON.stringify(run.inputs), run.indicators.length]);
    await conn.run('COMMIT');
  } catch (e) {
    await conn.run('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    if (staged !== undefined) await conn.run(`DROP TABLE IF EXISTS ${staged.table}`);
  }
}
