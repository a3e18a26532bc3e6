/**
 * DuckDB queries behind scope's pivots (see `src/scope/pivot.ts`): which sources some tokens
 * were used from, which sources used a key's never-issued tokens, what the tokens seen at a
 * source look like, and which tokens a set of sources used (each over its whole history).
 * Lists are staged as scratch tables (never IN lists); personal routes come from the catalog.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Indicator } from '../../model/index.js';
import type { SourceProfile, SourceUse, TokenUse } from '../store.js';
import { mergeWindows } from '../scope-windows.js';
import { sqlString, withJsonRows } from './json-stage.js';

const PERSONAL = `(SELECT DISTINCT method, route FROM catalog WHERE kind = 'personal')`;
/** A request of a token acting on another account (`account_id` is stored as given, else the sub). */
const FOR_OTHERS = `a.account_id IS NOT NULL AND a.sub IS NOT NULL AND a.account_id <> a.sub`;

/** Stages `values` as `bw_scratch.<name>(v)`, runs `use`, drops it. */
async function withList<T>(conn: DuckDBConnection, dir: string, name: string, values: readonly string[], use: (table: string) => Promise<T>): Promise<T> {
  const table = `bw_scratch.${name}`;
  await withJsonRows(dir, values.map((v) => ({ v })), `{v: 'VARCHAR'}`, (src) =>
    conn.run(`CREATE OR REPLACE TABLE ${table} AS SELECT DISTINCT v FROM ${src}`));
  try {
    return await use(table);
  } finally {
    await conn.run(`DROP TABLE IF EXISTS ${table}`);
  }
}

const toUses = (rows: unknown[][]): SourceUse[] =>
  rows.map((r) => ({ ip: String(r[0]), requests: Number(r[1]), first: Number(r[2]), last: Number(r[3]) }));

/**
 * Sources of the given token indicators' requests, each token within its window; a request
 * inside two overlapping windows of one token is counted once (the windows are merged first).
 */
export async function tokenSources(conn: DuckDBConnection, dir: string, tokens: readonly Indicator[]): Promise<SourceUse[]> {
  if (tokens.length === 0) return [];
  const rows = mergeWindows(tokens).map((t) => ({ v: t.value, f: t.first_seen, l: t.last_seen }));
  return withJsonRows(dir, rows, `{v: 'VARCHAR', f: 'BIGINT', l: 'BIGINT'}`, async (src) => {
    const r = await conn.runAndReadAll(`WITH k AS (SELECT v, make_timestamp(f * 1000) AS f, make_timestamp(l * 1000) AS l FROM ${src})
      SELECT a.src_ip, count(*)::DOUBLE, epoch_ms(min(a.t))::DOUBLE, epoch_ms(max(a.t))::DOUBLE
      FROM access a JOIN k ON a.jti = k.v AND a.t BETWEEN k.f AND k.l GROUP BY a.src_ip ORDER BY a.src_ip`);
    return toUses(r.getRows());
  });
}

/**
 * Sources that used tokens of `kid` within [from, to] that have no issue record in the ledger.
 * Nothing when the ledger recorded no issue of that key in the window: with no ledger to
 * compare against, every token would look never-issued.
 */
export async function keySources(conn: DuckDBConnection, kid: string, from: number, to: number): Promise<SourceUse[]> {
  const window = `make_timestamp(${Math.trunc(from)} * 1000) AND make_timestamp(${Math.trunc(to)} * 1000)`;
  const issued = (await conn.runAndReadAll(`SELECT count(*)::DOUBLE FROM ledger
    WHERE type = 'issue' AND kid = ${sqlString(kid)} AND t BETWEEN ${window}`)).getRows()[0]?.[0];
  if (Number(issued ?? 0) === 0) return [];
  const r = await conn.runAndReadAll(`SELECT a.src_ip, count(*)::DOUBLE, epoch_ms(min(a.t))::DOUBLE, epoch_ms(max(a.t))::DOUBLE
    FROM access a ANTI JOIN (SELECT DISTINCT jti FROM ledger WHERE type = 'issue') l ON a.jti = l.jti
    WHERE a.kid = ${sqlString(kid)} AND a.jti IS NOT NULL
      AND a.t BETWEEN ${window}
    GROUP BY a.src_ip ORDER BY a.src_ip`);
  return toUses(r.getRows());
}

/**
 * Per source: tokens it served, how many of them had under `share` personal-route requests,
 * and how many read accounts other than their own `sub`.
 */
export async function sourceProfiles(conn: DuckDBConnection, dir: string, ips: readonly string[], share: number): Promise<SourceProfile[]> {
  if (ips.length === 0) return [];
  return withList(conn, dir, 'pv_profile_ips', ips, async (p) => {
    const r = await conn.runAndReadAll(`WITH t AS (SELECT DISTINCT a.src_ip AS ip, a.jti FROM access a JOIN ${p} p ON a.src_ip = p.v WHERE a.jti IS NOT NULL),
      s AS (SELECT a.jti, count(*) AS n, count(c.route) AS pers, count(*) FILTER (WHERE ${FOR_OTHERS}) AS others
        FROM access a JOIN (SELECT DISTINCT jti FROM t) j ON a.jti = j.jti
        LEFT JOIN ${PERSONAL} c ON a.method = c.method AND a.route = c.route GROUP BY a.jti)
      SELECT t.ip, count(*)::DOUBLE, count(*) FILTER (WHERE s.pers < ${Number(share)} * s.n)::DOUBLE,
        count(*) FILTER (WHERE s.others > 0)::DOUBLE
      FROM t JOIN s ON t.jti = s.jti GROUP BY t.ip ORDER BY t.ip`);
    return r.getRows().map((x) => ({ ip: String(x[0]), tokens: Number(x[1]), customerLike: Number(x[2]), actingForOthers: Number(x[3]) }));
  });
}

/** Tokens used at any of `ips` (except `known`), each counted over its whole history. */
export async function sourceTokens(conn: DuckDBConnection, dir: string, ips: readonly string[], known: readonly string[]): Promise<TokenUse[]> {
  if (ips.length === 0) return [];
  return withList(conn, dir, 'pv_ips', ips, (p) => withList(conn, dir, 'pv_known', known, async (k) => {
    const r = await conn.runAndReadAll(`WITH c AS (SELECT DISTINCT a.jti FROM access a JOIN ${p} p ON a.src_ip = p.v
        WHERE a.jti IS NOT NULL AND a.jti NOT IN (SELECT v FROM ${k}))
      SELECT a.jti, count(*)::DOUBLE, count(c2.route)::DOUBLE, count(*) FILTER (WHERE ${FOR_OTHERS})::DOUBLE,
        count(*) FILTER (WHERE p2.v IS NULL)::DOUBLE, epoch_ms(min(a.t))::DOUBLE, epoch_ms(max(a.t))::DOUBLE
      FROM access a JOIN c ON a.jti = c.jti
        LEFT JOIN ${PERSONAL} c2 ON a.method = c2.method AND a.route = c2.route
        LEFT JOIN ${p} p2 ON a.src_ip = p2.v
      GROUP BY a.jti ORDER BY a.jti`);
    return r.getRows().map((x) => ({
      jti: String(x[0]), requests: Number(x[1]), personal: Number(x[2]), forOthers: Number(x[3]), elsewhere: Number(x[4]),
      first: Number(x[5]), last: Number(x[6]),
    }));
  }));
}
