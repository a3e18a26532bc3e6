/**
 * Reference data in ClickHouse: the key registry (replaced by `kid`) and the API catalog
 * (replaced by method and route), both ReplacingMergeTrees read through each key's latest
 * version. The catalog decides which routes scope counts as personal-data reads.
 */
import type { CatalogRoute, KeyRecord } from '../../model/index.js';
import { insertRows } from './alerts.js';
import type { TableNames } from './schema.js';
import type { ClickHouseSql } from './sql.js';
import { nextVersion } from './version.js';

/** Inserts or replaces keys by `kid`. */
export async function putKeys(sql: ClickHouseSql, t: TableNames, keys: readonly KeyRecord[]): Promise<void> {
  const byKid = new Map<string, KeyRecord>();
  for (const k of keys) byKid.set(k.kid, k);
  const ver = nextVersion();
  await insertRows(sql, t.keys, [...byKid.values()].map((k) => `${JSON.stringify({
    kid: k.kid, alg: k.alg, created: k.created, activated: k.activated, retired: k.retired, revoked: k.revoked,
    storage: k.storage, max_token_ttl_s: k.max_token_ttl_s, custodians: k.custodians,
    jwk: k.jwk === undefined ? null : JSON.stringify(k.jwk), ver,
  })}\n`));
}

/** Inserts or replaces catalog routes by (method, route). */
export async function putCatalog(sql: ClickHouseSql, t: TableNames, routes: readonly CatalogRoute[]): Promise<void> {
  const byRoute = new Map<string, CatalogRoute>();
  for (const r of routes) byRoute.set(`${r.method} ${r.route}`, r);
  const ver = nextVersion();
  await insertRows(sql, t.catalog, [...byRoute.values()].map((r) => `${JSON.stringify({
    method: r.method, route: r.route, fields: r.fields, kind: r.kind, ver,
  })}\n`));
}

/** Personal-data routes in a stable order (scope numbers them by position, from 1). */
export async function personalRoutes(sql: ClickHouseSql, t: TableNames): Promise<CatalogRoute[]> {
  const rows = await sql.rows(`SELECT method AS m, route AS r, argMax(fields, ver) AS f, argMax(kind, ver) AS k
    FROM ${t.catalog} GROUP BY method, route HAVING k = 'personal' ORDER BY m, r`);
  return rows.map((r) => ({ method: String(r.m), route: String(r.r), fields: (r.f as string[]).map(String), kind: 'personal' as const }));
}
