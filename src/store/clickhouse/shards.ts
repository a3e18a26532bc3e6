/**
 * A cluster store's check of its shards. Creating tables on every shard would need
 * distributed DDL (`ON CLUSTER`, which needs ZooKeeper or Keeper), so each shard's tables are
 * made by opening it once as a single-server store (`clickhouse://shard:8123/db`); the
 * cluster store then asks every shard, through the `cluster()` table function, whether its
 * `access` and `ledger` exist, and says which to open when one does not.
 */
import { BreachwatchError } from '../../model/index.js';
import { isFailure, readFailure } from './errors.js';
import { sqlIdent, sqlString } from './escape.js';
import type { ClickHouseSql } from './sql.js';

/** Fails with ERR_CONFIG unless every shard of `cluster` has this database's event tables. */
export async function verifyShards(sql: ClickHouseSql, database: string, cluster: string): Promise<void> {
  const shards = await sql.rows(`SELECT count() AS n FROM system.clusters WHERE cluster = ${sqlString(cluster)}`);
  if (Number(shards[0]?.n ?? 0) === 0) {
    throw new BreachwatchError('ERR_CONFIG', `cluster '${cluster}' is not in the server's remote_servers configuration`);
  }
  for (const table of ['access', 'ledger']) {
    try {
      await sql.rows(`SELECT count() AS n FROM cluster(${sqlIdent(cluster)}, ${sqlIdent(database)}, ${sqlIdent(table)}) WHERE 0`);
    } catch (e) {
      if (!isFailure(e, 'UNKNOWN_TABLE') && !isFailure(e, 'UNKNOWN_DATABASE')) throw e;
      throw new BreachwatchError('ERR_CONFIG', `a shard of cluster '${cluster}' has no table ${database}.${table} `
        + `(${readFailure(e).summary}); open each shard once as clickhouse://SHARD:PORT/${database} to create its tables`);
    }
  }
}
