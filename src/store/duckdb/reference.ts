/**
 * Reference data in DuckDB: the key registry (replaced by `kid`) and the API catalog
 * (replaced by method and route). Both are small; the catalog drives scope queries.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { CatalogRoute, KeyRecord } from '../../model/index.js';
import { withJsonRows } from './json-stage.js';

const KEY_COLUMNS = `{kid: 'VARCHAR', alg: 'VARCHAR', created: 'BIGINT', activated: 'BIGINT',
  retired: 'BIGINT', revoked: 'BIGINT', storage: 'VARCHAR', max_token_ttl_s: 'BIGINT',
  custodians: 'VARCHAR[]', jwk: 'VARCHAR'}`;

const ms = (col: string): string => `make_timestamp(${col} * 1000)`;

/** Inserts or replaces keys by `kid`. */
export async function putKeys(conn: DuckDBConnection, dir: string, keys: readonly KeyRecord[]): Promise<void> {
  const byKid = new Map<string, KeyRecord>();
  for (const k of keys) byKid.set(k.kid, k);
  if (byKid.size === 0) return;
  const rows = [...byKid.values()].map((k) => ({
    kid: k.kid, alg: k.alg, created: k.created, activated: k.activated, retired: k.retired, revoked: k.revoked,
    storage: k.storage, max_token_ttl_s: k.max_token_ttl_s, custodians: k.custodians,
    jwk: k.jwk === undefined ? null : JSON.stringify(k.jwk),
  }));
  await withJsonRows(dir, rows, KEY_COLUMNS, (src) =>
    conn.run(`INSERT OR REPLACE INTO keys SELECT kid, alg, ${ms('created')}, ${ms('activated')},
      ${ms('retired')}, ${ms('revoked')}, storage, max_token_ttl_s, custodians, jwk::JSON FROM ${src}`));
}

/** Inserts or replaces catalog routes by (method, route). */
export async function putCatalog(conn: DuckDBConnection, dir: string, routes: readonly CatalogRoute[]): Promise<void> {
  const byRoute = new Map<string, CatalogRoute>();
  for (const r of routes) byRoute.set(`${r.method} ${r.route}`, r);
  if (byRoute.size === 0) return;
  const rows = [...byRoute.values()].map((r) => ({ method: r.method, route: r.route, fields: r.fields, kind: r.kind }));
  await withJsonRows(dir, rows, `{method: 'VARCHAR', route: 'VARCHAR', fields: 'VARCHAR[]', kind: 'VARCHAR'}`, (src) =>
    conn.run(`INSERT OR REPLACE INTO catalog SELECT method, route, coalesce(fields, []), kind FROM ${src}`));
}

/** Personal-data routes, in a stable order (the scope queries index fields by position). */
export async function personalRoutes(conn: DuckDBConnection): Promise<CatalogRoute[]> {
  const reader = await conn.runAndReadAll(`SELECT method, route, array_to_string(fields, chr(31)) FROM catalog
    WHERE kind = 'personal' ORDER BY method, route`);
  return reader.getRows().map((r) => ({
    method: String(r[0]), route: String(r[1]),
    fields: String(r[2]) === '' ? [] : String(r[2]).split('\u001f'), kind: 'personal' as const,
  }));
}
