/**
 * The pivot queries behind scope (see `src/scope/pivot.ts`) in ClickHouse SQL, the subset of
 * `scope-sql.ts`: which sources some tokens were used from, which sources used a key's
 * never-issued tokens, what the tokens seen at a source look like, and which tokens a set of
 * sources used (each over its whole history).
 *
 * Every read takes visible rows only (`seq ≤ held`) and counts a request once however many
 * copies at-least-once delivery left before a merge: rows are grouped by event identity
 * `(t, dedup_key)` first. Lists (tokens, addresses) are staged in Memory scratch tables with
 * random names, dropped when the query ends, and sent to the shards with `GLOBAL IN` on a
 * cluster, where the initiator alone holds them.
 */
import { randomBytes } from 'node:crypto';
import type { CatalogRoute, Indicator } from '../../model/index.js';
import type { SourceProfile, SourceUse, TokenUse } from '../store.js';
import { insertRows } from './alerts.js';
import { sqlInt, sqlString } from './escape.js';
import type { TableNames } from './schema.js';
import type { ClickHouseSql, Row } from './sql.js';

/** What every pivot query needs. */
export interface PivotInput {
  readonly sql: ClickHouseSql;
  readonly tables: TableNames;
  /** `GLOBAL` on a cluster, else empty. */
  readonly global: boolean;
  /** Rows with a larger seq are not visible yet. */
  readonly held: number;
}

/** A request of a token acting on another account (`account_id` is stored as given, else the sub). */
const FOR_OTHERS = 'isNotNull(account_id) AND isNotNull(sub) AND assumeNotNull(account_id) != assumeNotNull(sub)';

/** The route number of a request among the personal routes (0: not personal). */
const routeIndex = (routes: readonly CatalogRoute[]): string =>
  `indexOf([${routes.map((r) => `tuple(${sqlString(r.method)}, ${sqlString(r.route)})`).join(', ')}], tuple(method, route))`;

/** Creates a Memory table of `columns` holding `rows` (JSONEachRow lines), runs `use`, drops it. */
async function withScratch<T>(p: PivotInput, columns: string, rows: readonly string[], use: (table: string) => Promise<T>): Promise<T> {
  const table = p.tables.scratch(`pv_${randomBytes(6).toString('hex')}`);
  await p.sql.command(`CREATE TABLE ${table} (${columns}) ENGINE = Memory`);
  try {
    await insertRows(p.sql, table, rows);
    return await use(table);
  } finally {
    await p.sql.command(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
  }
}

const listRows = (values: readonly string[]): string[] => [...new Set(values)].map((v) => `${JSON.stringify({ v })}\n`);

const toUses = (rows: readonly Row[]): SourceUse[] =>
  rows.map((r) => ({ ip: String(r.ip), requests: Number(r.n), first: Number(r.f), last: Number(r.l) }));

/** Sources of the given token indicators' requests, each token within its window. */
export async function tokenSources(p: PivotInput, tokens: readonly Indicator[]): Promise<SourceUse[]> {
  if (tokens.length === 0) return [];
  const rows = tokens.map((t) => `${JSON.stringify({ v: t.value, f: Math.trunc(t.first_seen), l: Math.trunc(t.last_seen) })}\n`);
  const g = p.global ? 'GLOBAL ' : '';
  return withScratch(p, 'v String, f Int64, l Int64', rows, async (tok) => toUses(await p.sql.rows(`
    SELECT ip, count() AS n, min(t) AS f, max(t) AS l FROM (
      SELECT t, dedup_key, any(src_ip) AS ip FROM (
        SELECT t, dedup_key, src_ip, assumeNotNull(jti) AS k FROM ${p.tables.access}
        WHERE seq <= ${sqlInt(p.held)} AND isNotNull(jti) AND jti ${g}IN (SELECT v FROM ${tok})) AS a
      ${g}ALL INNER JOIN (SELECT v AS k, f AS i_from, l AS i_to FROM ${tok}) AS i USING (k)
      WHERE t >= i_from AND t <= i_to
      GROUP BY t, dedup_key) AS d
    GROUP BY ip ORDER BY ip`)));
}

/**
 * Sources that used tokens of `kid` within [from, to] that have no issue record in the ledger.
 * Nothing when the ledger recorded no issue of that key in the window: with no ledger to
 * compare against, every token would look never-issued.
 */
export async function keySources(p: PivotInput, kid: string, from: number, to: number): Promise<SourceUse[]> {
  const window = `t >= ${sqlInt(Math.trunc(from))} AND t <= ${sqlInt(Math.trunc(to))}`;
  const visible = `seq <= ${sqlInt(p.held)}`;
  const issued = await p.sql.rows(`SELECT count() AS n FROM ${p.tables.ledger}
    WHERE ${visible} AND type = 'issue' AND kid = ${sqlString(kid)} AND ${window}`);
  if (Number(issued[0]?.n ?? 0) === 0) return [];
  const g = p.global ? 'GLOBAL ' : '';
  return toUses(await p.sql.rows(`
    SELECT ip, count() AS n, min(t) AS f, max(t) AS l FROM (
      SELECT t, dedup_key, any(src_ip) AS ip FROM ${p.tables.access}
      WHERE ${visible} AND kid = ${sqlString(kid)} AND isNotNull(jti) AND ${window}
        AND assumeNotNull(jti) ${g}NOT IN (SELECT jti FROM ${p.tables.ledger} WHERE ${visible} AND type = 'issue')
      GROUP BY t, dedup_key) AS d
    GROUP BY ip ORDER BY ip`));
}

/** One row per request of the tokens used at the sources in `ips` (a staged list), over each token's whole history. */
function tokenRequests(p: PivotInput, ips: string, routes: readonly CatalogRoute[], exceptIn?: string): string {
  const g = p.global ? 'GLOBAL ' : '';
  const visible = `seq <= ${sqlInt(p.held)}`;
  return `SELECT t, dedup_key, any(assumeNotNull(jti)) AS j, any(src_ip) AS ip, any(${routeIndex(routes)}) AS ridx,
      any(${FOR_OTHERS}) AS fo
    FROM ${p.tables.access}
    WHERE ${visible} AND isNotNull(jti) AND assumeNotNull(jti) ${g}IN (
      SELECT DISTINCT assumeNotNull(jti) FROM ${p.tables.access}
      WHERE ${visible} AND isNotNull(jti) AND src_ip ${g}IN (SELECT v FROM ${ips})
        ${exceptIn === undefined ? '' : `AND assumeNotNull(jti) ${g}NOT IN (SELECT v FROM ${exceptIn})`})
    GROUP BY t, dedup_key`;
}

/**
 * Per source: tokens it served, how many of them had under `share` personal-route requests,
 * and how many read accounts other than their own `sub`.
 */
export async function sourceProfiles(p: PivotInput, routes: readonly CatalogRoute[], ips: readonly string[], share: number): Promise<SourceProfile[]> {
  if (ips.length === 0) return [];
  const g = p.global ? 'GLOBAL ' : '';
  return withScratch(p, 'v String', listRows(ips), async (list) => {
    const rows = await p.sql.rows(`
      SELECT ip, count() AS tokens, countIf(pers < ${Number(share)} * n) AS cl, countIf(others > 0) AS afo FROM (
        SELECT src_ip AS ip, assumeNotNull(jti) AS j FROM ${p.tables.access}
        WHERE seq <= ${sqlInt(p.held)} AND isNotNull(jti) AND src_ip ${g}IN (SELECT v FROM ${list}) GROUP BY ip, j) AS pairs
      ${g}ALL INNER JOIN (
        SELECT j, count() AS n, countIf(ridx > 0) AS pers, countIf(fo) AS others
        FROM (${tokenRequests(p, list, routes)}) AS e GROUP BY j) AS s USING (j)
      GROUP BY ip ORDER BY ip`);
    return rows.map((r) => ({ ip: String(r.ip), tokens: Number(r.tokens), customerLike: Number(r.cl), actingForOthers: Number(r.afo) }));
  });
}

/** Tokens used at any of `ips` (except `known`), each counted over its whole history. */
export async function sourceTokens(p: PivotInput, routes: readonly CatalogRoute[], ips: readonly string[], known: readonly string[]): Promise<TokenUse[]> {
  if (ips.length === 0) return [];
  return withScratch(p, 'v String', listRows(ips), (list) => withScratch(p, 'v String', listRows(known), async (except) => {
    const rows = await p.sql.rows(`
      SELECT j, count() AS n, countIf(ridx > 0) AS pers, countIf(fo) AS others, countIf(ip NOT IN (SELECT v FROM ${list})) AS away,
        min(t) AS f, max(t) AS l
      FROM (${tokenRequests(p, list, routes, except)}) AS e
      GROUP BY j ORDER BY j`);
    return rows.map((r) => ({
      jti: String(r.j), requests: Number(r.n), personal: Number(r.pers), forOthers: Number(r.others), elsewhere: Number(r.away),
      first: Number(r.f), last: Number(r.l),
    }));
  }));
}
