/**
 * Opening a ClickHouse store over any {@link ClickHouseSql} (HTTP in the product, embedded
 * chDB in tests): `mustExist` refuses a database without the store's tables, `fresh` drops
 * them, the response's too, first (one server only: a cluster's shards are cleared by their
 * owner), and every failure becomes a BreachwatchError that names the store without its password.
 */
import { BreachwatchError } from '../../model/index.js';
import type { Store } from '../store.js';
import { ClickHouseStore, type ClickHouseStoreOptions } from './clickhouse-store.js';
import { storeError } from './errors.js';
import { sqlIdent, sqlString } from './escape.js';
import { RESPOND_TABLES } from './respond-schema.js';
import { PLAIN_TABLES } from './schema.js';
import type { ClickHouseSql } from './sql.js';

/** What opening may do besides connecting. */
export interface ClickHouseOpenOptions {
  /** Drop the store's tables first (hunt without `--append`). */
  readonly fresh?: boolean;
  /** Refuse a database that has no store yet (ERR_INPUT_UNREADABLE). */
  readonly mustExist?: boolean;
}

/** Opens and initializes a store over `sql`; on failure `sql` is closed. */
export async function openClickHouseStore(sql: ClickHouseSql, opts: ClickHouseStoreOptions, open: ClickHouseOpenOptions = {}): Promise<Store> {
  try {
    if (open.mustExist === true) await requireStore(sql, opts);
    if (open.fresh === true) await dropTables(sql, opts);
    const store = new ClickHouseStore(sql, opts);
    await store.init();
    return store;
  } catch (e) {
    await sql.close().catch(() => undefined);
    if (e instanceof BreachwatchError) throw e;
    throw storeError(e, 'opening the store', opts.where);
  }
}

async function requireStore(sql: ClickHouseSql, opts: ClickHouseStoreOptions): Promise<void> {
  const r = await sql.rows(`SELECT count() AS n FROM system.tables
    WHERE database = ${sqlString(opts.database)} AND name IN ('access', 'bw_commit')`);
  if (Number(r[0]?.n ?? 0) < 2) throw new BreachwatchError('ERR_INPUT_UNREADABLE', `${opts.where}: no such store (run hunt first)`);
}

async function dropTables(sql: ClickHouseSql, opts: ClickHouseStoreOptions): Promise<void> {
  if (opts.cluster !== undefined) {
    throw new BreachwatchError('ERR_CONFIG', `${opts.where}: a cluster store is not replaced (its shards hold the rows); `
      + 'add to it (hunt --append), or empty each shard\'s tables first');
  }
  for (const t of [...PLAIN_TABLES, ...RESPOND_TABLES]) await sql.command(`DROP TABLE IF EXISTS ${sqlIdent(opts.database)}.${sqlIdent(t)}`);
}
