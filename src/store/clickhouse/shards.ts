/**
 * A cluster store's check of its shards. Creating tables on every shard would need
 * distributed DDL (`ON CLUSTER`, which needs ZooKeeper or Keeper), so each shard's tables are
 * made by opening it once as a single-server store (`clickhouse://shard:8123/db`); the
 * cluster store then counts, through the `cluster()` table function over every shard's
 * `system.tables`, that each shard has `access` and `ledger`, and says what to do when not.
 */
import { BreachwatchError } from '../../model/index.js';
import { sqlIdent, sqlString } from './escape.js';
import type { ClickHouseSql } from './sql.js';

const EVENT_TABLES = ['access', 'ledger'] as const;

/** Fails with ERR_CONFIG unless every shard of `cluster` has this database's event tables. */
export async function verifyShards(sql: ClickHouseSql, database: string, cluster: string): Promise<void> {
  const shards = Number((await sql.rows(`SELECT uniqExact(shard_num) AS n FROM system.clusters WHERE cluster = ${sqlString(cluster)}`))[0]?.n ?? 0);
  if (shards === 0) throw new BreachwatchError('ERR_CONFIG', `cluster '${cluster}' is not in the server's remote_servers configuration`);
  const found = Number((await sql.rows(`SELECT count() AS n FROM cluster(${sqlIdent(cluster)}, system, tables)
    WHERE database = ${sqlString(database)} AND name IN (${EVENT_TABLES.map(sqlString).join(', ')})`))[0]?.n ?? 0);
  if (found < shards * EVENT_TABLES.length) {
    throw new BreachwatchError('ERR_CONFIG', `the ${shards} shards of cluster '${cluster}' lack ${shards * EVENT_TABLES.length - found} `
      + `of their event tables (${EVENT_TABLES.map((t) => `${database}.${t}`).join(', ')} on each); `
      + `open each shard once as clickhouse://SHARD:PORT/${database} to create its tables`);
  }
}
