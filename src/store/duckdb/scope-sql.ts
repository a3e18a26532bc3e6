/**
 * Scope queries in DuckDB. A query's indicators are staged into a scratch table and joined
 * (never IN lists); the requests that reached the attacker (2xx, catalog kind `personal`,
 * matching any indicator inside its window) are materialized once into a scratch `hits`
 * table that both the affected-accounts stream and the aggregates read.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Indicator } from '../../model/index.js';
import type { ScopeAggregates } from '../store.js';
import { subnetKeys } from '../cidr.js';
import { mergeWindows } from '../scope-windows.js';
import { sqlString, withJsonRows } from './json-stage.js';
import { personalRoutes } from './reference.js';

/** A materialized scope: the hits table and the personal routes' fields by `ridx`. */
export interface ScopeHits {
  readonly table: string;
  readonly fields: readonly (readonly string[])[];
  readonly empty: boolean;
}

/** read_json columns of staged indicator rows. */
export const IND_COLUMNS = `{type: 'VARCHAR', value: 'VARCHAR', key: 'VARCHAR', lo: 'VARCHAR', hi: 'VARCHAR',
  first_seen: 'BIGINT', last_seen: 'BIGINT'}`;

/** How each indicator type matches an access row `a` against an indicator row `i`. */
export const MATCH: Record<Indicator['type'], string> = {
  token: 'i.value = a.jti',
  ip: 'i.value = a.src_ip',
  subnet: 'i.key = a.subnet AND (i.lo IS NULL OR bw_host(a.src_ip) BETWEEN i.lo AND i.hi)',
  device: 'i.value = a.device_id',
  user_agent: 'i.value = a.user_agent',
  actor: 'i.value = a.sub AND a.account_id <> a.sub',
  // 204 carries no body; HEAD is not a catalog `personal` route unless the catalog says so.
  anonymous: "a.jti IS NULL AND i.value = a.method || ' ' || a.route AND a.status <> 204",
};

/** Indicator rows as staged (subnets expanded to keys). */
export function indicatorRows(indicators: readonly Indicator[]): object[] {
  const rows: object[] = [];
  for (const ind of indicators) {
    const base = { type: ind.type, value: ind.value, first_seen: ind.first_seen, last_seen: ind.last_seen };
    if (ind.type !== 'subnet') {
      rows.push({ ...base, key: null, lo: null, hi: null });
      continue;
    }
    for (const k of subnetKeys(ind.value) ?? []) rows.push({ ...base, ...k });
  }
  return rows;
}

/** Builds the hits table `bw_scratch.<name>` for `indicators`. */
export async function buildHits(conn: DuckDBConnection, dir: string, name: string, indicators: readonly Indicator[]): Promise<ScopeHits> {
  const routes = await personalRoutes(conn);
  const fields = routes.map((r) => r.fields);
  const merged = mergeWindows(indicators);
  const rows = indicatorRows(merged);
  const types = [...new Set(rows.map((r) => (r as { type: Indicator['type'] }).type))].filter((t) => t in MATCH);
  const table = `bw_scratch.${name}`;
  if (routes.length === 0 || types.length === 0) return { table, fields, empty: true };
  const ind = `bw_scratch.${name}_ind`;
  await withJsonRows(dir, rows, IND_COLUMNS, (src) =>
    conn.run(`CREATE OR REPLACE TABLE ${ind} AS SELECT type, value, key, lo, hi,
      make_timestamp(first_seen * 1000) AS first_seen, make_timestamp(last_seen * 1000) AS last_seen FROM ${src}`));
  // One hash join per indicator type (an OR of EXISTS would plan as slow mark/delim joins).
  const parts = types.map((t) => `SELECT a.rowid AS rid, a.account_id, a.t, a.src_ip, a.country, a.asn, a.method, a.route
    FROM access a JOIN (SELECT * FROM ${ind} WHERE type = '${t}') i ON ${MATCH[t]} AND a.t BETWEEN i.first_seen AND i.last_seen
    WHERE a.status BETWEEN 200 AND 299 AND a.account_id IS NOT NULL`);
  // A request can match twice only across types, or through overlapping subnets.
  const subnets = new Set(merged.filter((i) => i.type === 'subnet').map((i) => i.value)).size;
  const matched = types.length > 1 || subnets > 1
    ? `(SELECT DISTINCT ON (rid) * FROM (${parts.join(' UNION ALL ')}))`
    : `(${parts[0] ?? ''})`;
  const personal = routes.map((r, i) => `(${sqlString(r.method)}, ${sqlString(r.route)}, ${i})`).join(', ');
  await conn.run(`CREATE OR REPLACE TABLE ${table} AS
    SELECT m.account_id, m.t, m.src_ip, m.country, m.asn, p.ridx
    FROM ${matched} m JOIN (VALUES ${personal}) p(method, route, ridx) ON m.method = p.method AND m.route = p.route`);
  await conn.run(`DROP TABLE IF EXISTS ${ind}`);
  return { table, fields, empty: false };
}

/** SQL list literal of each personal route's fields, indexed by `ridx + 1`. */
function fieldsLiteral(fields: readonly (readonly string[])[]): string {
  return `[${fields.map((f) => `[${f.map(sqlString).join(', ')}]::VARCHAR[]`).join(', ')}]`;
}

/**
 * One row per affected account, sorted by account_id: account_id, first, last (epoch ms),
 * accesses, fields and src_ips (each joined by U+001F).
 */
export function affectedSql(h: ScopeHits): string {
  return `SELECT account_id, epoch_ms(f)::DOUBLE, epoch_ms(l)::DOUBLE, n::DOUBLE,
      array_to_string(list_sort(list_distinct(flatten(list_transform(rs, r -> ${fieldsLiteral(h.fields)}[r + 1])))), chr(31)),
      array_to_string(list_sort(ips), chr(31))
    FROM (SELECT account_id, min(t) AS f, max(t) AS l, count(*) AS n, list(DISTINCT src_ip) AS ips,
      list(DISTINCT ridx) AS rs FROM ${h.table} GROUP BY account_id)
    ORDER BY account_id`;
}

/** The summary aggregates over a hits table. */
export async function aggregates(conn: DuckDBConnection, h: ScopeHits): Promise<ScopeAggregates> {
  if (h.empty) return { window: null, accounts_affected: 0, by_field: {}, by_day: [], sources: [] };
  const tot = (await conn.runAndReadAll(`SELECT epoch_ms(min(t))::DOUBLE, epoch_ms(max(t))::DOUBLE,
    count(DISTINCT account_id)::DOUBLE, count(*)::DOUBLE FROM ${h.table}`)).getRows()[0] ?? [];
  const fieldRows = h.fields.flatMap((fs, i) => fs.map((f) => `(${i}, ${sqlString(f)})`));
  const byField: Record<string, number> = {};
  if (fieldRows.length > 0) {
    const rows = (await conn.runAndReadAll(`SELECT pf.field, count(DISTINCT x.account_id)::DOUBLE
      FROM (SELECT DISTINCT account_id, ridx FROM ${h.table}) x JOIN (VALUES ${fieldRows.join(', ')}) pf(ridx, field)
      ON x.ridx = pf.ridx GROUP BY pf.field ORDER BY pf.field`)).getRows();
    for (const r of rows) byField[String(r[0])] = Number(r[1]);
  }
  const days = (await conn.runAndReadAll(`SELECT strftime(t, '%Y-%m-%d') AS d, count(*)::DOUBLE,
    count(DISTINCT account_id)::DOUBLE FROM ${h.table} GROUP BY d ORDER BY d`)).getRows();
  const srcs = (await conn.runAndReadAll(`SELECT src_ip, min(country), min(asn), count(*)::DOUBLE,
    count(DISTINCT account_id)::DOUBLE, epoch_ms(min(t))::DOUBLE, epoch_ms(max(t))::DOUBLE
    FROM ${h.table} GROUP BY src_ip ORDER BY count(*) DESC, src_ip`)).getRows();
  const hasAny = Number(tot[3] ?? 0) > 0;
  return {
    window: hasAny ? { from: Number(tot[0]), to: Number(tot[1]) } : null,
    accounts_affected: Number(tot[2] ?? 0),
    by_field: byField,
    by_day: days.map((r) => ({ day: String(r[0]), requests: Number(r[1]), accounts: Number(r[2]) })),
    sources: srcs.map((r) => ({
      ip: String(r[0]),
      ...(r[1] === null ? {} : { country: String(r[1]) }),
      ...(r[2] === null ? {} : { asn: String(r[2]) }),
      requests: Number(r[3]), accounts: Number(r[4]), first: Number(r[5]), last: Number(r[6]),
    })),
  };
}
