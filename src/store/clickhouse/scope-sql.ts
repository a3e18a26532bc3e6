/**
 * Scope in ClickHouse SQL, in the subset 18.16 and current releases share: no CTEs, no
 * window functions, equality joins only (a window bound is a WHERE after the join), every
 * join side a subquery with an alias, and no alias that shadows a column.
 *
 * A query's indicators are staged into a scratch table. For each indicator type, shards keep
 * only rows whose key is among the indicators (`GLOBAL IN`: the initiator sends the set to
 * every shard), that are 2xx personal-data reads (`indexOf` in the catalog's personal routes)
 * and visible (`seq ≤ held`); the join then checks each indicator's window. The matches of all
 * types are grouped by event identity `(t, dedup_key)`: one row per request, however many
 * indicators it matched and however many copies of it a retried delivery left before a merge.
 * The result is materialized once (`hits`) for the accounts stream and the aggregates.
 */
import { randomBytes } from 'node:crypto';
import type { CatalogRoute, Indicator } from '../../model/index.js';
import { subnetKeys } from '../cidr.js';
import { mergeWindows } from '../scope-windows.js';
import type { ScopeAggregates } from '../store.js';
import { insertRows } from './alerts.js';
import { sqlInt, sqlString } from './escape.js';
import type { TableNames } from './schema.js';
import type { ClickHouseSql } from './sql.js';

/** A materialized scope: its hits table and the personal routes' fields by `ridx - 1`. */
export interface ScopeHits {
  readonly table: string;
  readonly fields: readonly (readonly string[])[];
  readonly empty: boolean;
}

/**
 * Per indicator type: the access column (or expression) matched, what else must hold of the
 * row itself (`where`), and what must hold against the indicator after the join (`also`).
 */
export const MATCH: Record<Indicator['type'], { readonly key: string; readonly where?: string; readonly also?: string }> = {
  token: { key: 'jti' },
  ip: { key: 'src_ip' },
  subnet: { key: 'subnet', also: "(i_lo = '' OR (host >= i_lo AND host <= i_hi))" },
  device: { key: 'device_id' },
  user_agent: { key: 'user_agent' },
  actor: { key: 'sub', also: 'acc != sub' },
  // a request without a token to the route the indicator names (`METHOD route`), 204s aside
  anonymous: { key: "concat(method, ' ', route)", where: 'isNull(jti) AND status != 204' },
};

/** Indicator rows as staged: subnets expanded to keys (`lo`/`hi` empty when the whole key matches). */
export function indicatorRows(indicators: readonly Indicator[]): string[] {
  const rows: string[] = [];
  const row = (i: Indicator, key: string, lo: string | null, hi: string | null): string =>
    `${JSON.stringify({ type: i.type, key, lo: lo ?? '', hi: hi ?? '', first_seen: Math.trunc(i.first_seen), last_seen: Math.trunc(i.last_seen) })}\n`;
  for (const i of indicators) {
    if (i.type !== 'subnet') rows.push(row(i, i.value, null, null));
    else for (const k of subnetKeys(i.value) ?? []) rows.push(row(i, k.key, k.lo, k.hi));
  }
  return rows;
}

/** The personal routes as an `Array(Tuple(String, String))` literal. */
export function routesLiteral(routes: readonly CatalogRoute[]): string {
  return `[${routes.map((r) => `tuple(${sqlString(r.method)}, ${sqlString(r.route)})`).join(', ')}]`;
}

/** What {@link buildHits} needs. */
export interface HitsInput {
  readonly sql: ClickHouseSql;
  readonly tables: TableNames;
  /** `GLOBAL` on a cluster (the indicator set lives on the initiator), else empty. */
  readonly global: boolean;
  /** Rows with a larger seq are not visible yet. */
  readonly held: number;
  readonly routes: readonly CatalogRoute[];
  readonly indicators: readonly Indicator[];
}

/** Stages the indicators and builds the hits table (see file header). */
export async function buildHits(h: HitsInput): Promise<ScopeHits> {
  const name = randomBytes(6).toString('hex');
  const table = h.tables.scratch(`hits_${name}`);
  const fields = h.routes.map((r) => r.fields);
  const merged = mergeWindows(h.indicators.filter((i) => i.type in MATCH));
  const rows = indicatorRows(merged);
  if (h.routes.length === 0 || rows.length === 0) return { table, fields, empty: true };
  const ind = h.tables.scratch(`ind_${name}`);
  await h.sql.command(`CREATE TABLE ${ind} (type String, key String, lo String, hi String, first_seen Int64, last_seen Int64) ENGINE = Memory`);
  try {
    await insertRows(h.sql, ind, rows);
    const types = [...new Set(merged.map((i) => i.type))];
    const g = h.global ? 'GLOBAL ' : '';
    const routes = routesLiteral(h.routes);
    const parts = types.map((type) => {
      const m = MATCH[type];
      const ty = sqlString(type);
      return `SELECT t, dedup_key, acc, src_ip, country, asn, ridx FROM (
          SELECT t, dedup_key, assumeNotNull(account_id) AS acc, src_ip, country, asn, sub, host,
            indexOf(${routes}, tuple(method, route)) AS ridx, assumeNotNull(${m.key}) AS k
          FROM ${h.tables.access}
          WHERE seq <= ${sqlInt(h.held)} AND status >= 200 AND status <= 299 AND isNotNull(account_id)
            AND ${m.key} ${g}IN (SELECT key FROM ${ind} WHERE type = ${ty})
            AND indexOf(${routes}, tuple(method, route)) > 0${m.where === undefined ? '' : ` AND ${m.where}`}) AS a
        ${g}ALL INNER JOIN (SELECT key AS k, lo AS i_lo, hi AS i_hi, first_seen AS i_from, last_seen AS i_to
          FROM ${ind} WHERE type = ${ty}) AS i USING (k)
        WHERE t >= i_from AND t <= i_to${m.also === undefined ? '' : ` AND ${m.also}`}`;
    });
    await h.sql.command(`CREATE TABLE ${table} ENGINE = MergeTree() ORDER BY account_id AS
      SELECT account_id, t, src_ip, country, asn, ridx FROM (
        SELECT t, dedup_key, any(acc) AS account_id, any(src_ip) AS src_ip, any(country) AS country, any(asn) AS asn, any(ridx) AS ridx
        FROM (${parts.join('\n UNION ALL \n')}) AS m
        GROUP BY t, dedup_key) AS d`);
  } finally {
    await h.sql.command(`DROP TABLE IF EXISTS ${ind}`);
  }
  return { table, fields, empty: false };
}

/** One row per affected account, sorted by account_id (`rs`: route numbers, `ips`: addresses). */
export function affectedSql(h: ScopeHits): string {
  return `SELECT account_id AS id, min(t) AS f, max(t) AS l, count() AS n, groupUniqArray(src_ip) AS ips,
      groupUniqArray(ridx) AS rs
    FROM ${h.table} GROUP BY account_id ORDER BY id`;
}

/** The fields of route numbers `rs` (1-based), sorted and distinct. */
export function fieldsOf(h: ScopeHits, rs: readonly unknown[]): string[] {
  const out = new Set<string>();
  for (const r of rs) for (const f of h.fields[Number(r) - 1] ?? []) out.add(f);
  return [...out].sort();
}

const DAY_MS = 86_400_000;

/** The summary aggregates over a hits table. */
export async function aggregates(sql: ClickHouseSql, h: ScopeHits): Promise<ScopeAggregates> {
  if (h.empty) return { window: null, accounts_affected: 0, by_field: {}, by_day: [], sources: [] };
  const tot = (await sql.rows(`SELECT min(t) AS f, max(t) AS l, uniqExact(account_id) AS a, count() AS n FROM ${h.table}`))[0] ?? {};
  // Accounts per combination of routes read (few), then per field in JavaScript.
  const combos = await sql.rows(`SELECT rs, count() AS n FROM (
      SELECT account_id, arraySort(groupUniqArray(ridx)) AS rs FROM ${h.table} GROUP BY account_id) AS per GROUP BY rs`);
  const byField: Record<string, number> = {};
  for (const c of combos) for (const f of fieldsOf(h, c.rs as unknown[])) byField[f] = (byField[f] ?? 0) + Number(c.n);
  const days = await sql.rows(`SELECT intDiv(t, ${DAY_MS}) AS d, count() AS n, uniqExact(account_id) AS a
    FROM ${h.table} GROUP BY d ORDER BY d`);
  const srcs = await sql.rows(`SELECT src_ip AS ip, min(country) AS c, min(asn) AS s, count() AS n, uniqExact(account_id) AS a,
      min(t) AS f, max(t) AS l FROM ${h.table} GROUP BY src_ip ORDER BY n DESC, ip`);
  const requests = Number(tot.n ?? 0);
  return {
    window: requests > 0 ? { from: Number(tot.f), to: Number(tot.l) } : null,
    accounts_affected: Number(tot.a ?? 0),
    by_field: Object.fromEntries(Object.entries(byField).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    by_day: days.map((r) => ({ day: new Date(Number(r.d) * DAY_MS).toISOString().slice(0, 10), requests: Number(r.n), accounts: Number(r.a) })),
    sources: srcs.map((r) => ({
      ip: String(r.ip),
      ...(typeof r.c === 'string' && { country: r.c }),
      ...(typeof r.s === 'string' && { asn: r.s }),
      requests: Number(r.n), accounts: Number(r.a), first: Number(r.f), last: Number(r.l),
    })),
  };
}
