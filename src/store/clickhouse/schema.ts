/**
 * The ClickHouse store's tables, in DDL that Debian's 18.16 and current releases both accept
 * (no LowCardinality, DateTime64 or IP types: times are Int64 epoch milliseconds, addresses
 * strings). `access` and `ledger` are ReplacingMergeTrees keyed by event identity, so a
 * retried event merges into one row; until a merge happens, every read groups by that key
 * (see `scope-sql.ts`, `counts.ts`). Every row carries the `seq` of the commit it came in
 * (0 for bulk appends); `bw_commit` holds the seqs whose rows are all stored.
 *
 * On a cluster (`?cluster=NAME`), `access_all` and `ledger_all` are Distributed tables over
 * each shard's `access` and `ledger`, sharded by the same identity so that a retried event
 * lands on the shard holding its first copy; the small tables stay on the node the URL names.
 */
import { sqlIdent } from './escape.js';

/** The tables one store reads and writes, fully qualified. */
export interface TableNames {
  readonly db: string;
  /** Where access rows are written and read (`access`, or `access_all` on a cluster). */
  readonly access: string;
  readonly ledger: string;
  readonly keys: string;
  readonly catalog: string;
  readonly alerts: string;
  readonly indicators: string;
  readonly commits: string;
  /** A scratch table name with this suffix (scope's materialized hits, staged indicators). */
  scratch(suffix: string): string;
}

/** Table names in `database`, over a cluster's Distributed tables when `cluster` is given. */
export function tableNames(database: string, cluster: string | undefined): TableNames {
  const q = (t: string): string => `${sqlIdent(database)}.${sqlIdent(t)}`;
  const big = cluster === undefined ? '' : '_all';
  return {
    db: sqlIdent(database),
    access: q(`access${big}`), ledger: q(`ledger${big}`), keys: q('keys'), catalog: q('catalog'),
    alerts: q('alerts'), indicators: q('indicators'), commits: q('bw_commit'),
    scratch: (suffix) => q(`bw_tmp_${suffix}`),
  };
}

/** Monthly partitions by event time (UTC whatever the server's time zone). */
const BY_MONTH = `PARTITION BY toYYYYMM(toDateTime(intDiv(t, 1000), 'UTC'))`;

/** The names of the plain tables (for `fresh`: dropped and created again). */
export const PLAIN_TABLES = ['access', 'ledger', 'keys', 'catalog', 'alerts', 'indicators', 'bw_commit'] as const;

/** DDL of one server's own tables (a single server, or one shard of a cluster). */
export function plainTablesSql(database: string): string[] {
  const q = (t: string): string => `${sqlIdent(database)}.${sqlIdent(t)}`;
  return [
    `CREATE DATABASE IF NOT EXISTS ${sqlIdent(database)}`,
    `CREATE TABLE IF NOT EXISTS ${q('access')} (
       t Int64, src_ip String, method String, route String, status Int32,
       jti Nullable(String), kid Nullable(String), sub Nullable(String), iat Nullable(Int64), exp Nullable(Int64),
       client_id Nullable(String), account_id Nullable(String), request_id Nullable(String),
       user_agent Nullable(String), device_id Nullable(String), session_id Nullable(String),
       bytes Nullable(Int64), records Nullable(Int32), country Nullable(String), asn Nullable(String),
       file String, line Int64, subnet Nullable(String), host Nullable(String), dedup_key String, seq UInt64)
     ENGINE = ReplacingMergeTree() ${BY_MONTH} ORDER BY (t, dedup_key)`,
    `CREATE TABLE IF NOT EXISTS ${q('ledger')} (
       t Int64, type String, jti String, kid Nullable(String), sub Nullable(String), exp Nullable(Int64),
       client_id Nullable(String), \`grant\` Nullable(String), src_ip Nullable(String), device_id Nullable(String),
       file String, line Int64, seq UInt64)
     ENGINE = ReplacingMergeTree() ${BY_MONTH} ORDER BY (t, jti, type)`,
    `CREATE TABLE IF NOT EXISTS ${q('keys')} (
       kid String, alg String, created Nullable(Int64), activated Nullable(Int64), retired Nullable(Int64),
       revoked Nullable(Int64), storage String, max_token_ttl_s Int64, custodians Array(String),
       jwk Nullable(String), ver UInt64)
     ENGINE = ReplacingMergeTree(ver) ORDER BY kid`,
    `CREATE TABLE IF NOT EXISTS ${q('catalog')} (
       method String, route String, fields Array(String), kind String, ver UInt64)
     ENGINE = ReplacingMergeTree(ver) ORDER BY (method, route)`,
    `CREATE TABLE IF NOT EXISTS ${q('alerts')} (
       alert_id String, detector String, severity_rank UInt8, status String, doc String, ver UInt64)
     ENGINE = ReplacingMergeTree(ver) ORDER BY alert_id`,
    `CREATE TABLE IF NOT EXISTS ${q('indicators')} (
       alert_id String, type String, value String, first_seen Int64, last_seen Int64, retracted UInt8, ver UInt64)
     ENGINE = MergeTree() ORDER BY (alert_id, type, value)`,
    `CREATE TABLE IF NOT EXISTS ${q('bw_commit')} (seq UInt64) ENGINE = MergeTree() ORDER BY seq`,
  ];
}

/** DDL of the Distributed tables over `cluster` (on the node the store URL names). */
export function distributedTablesSql(database: string, cluster: string): string[] {
  const q = (t: string): string => `${sqlIdent(database)}.${sqlIdent(t)}`;
  const over = (local: string, key: string): string =>
    `CREATE TABLE IF NOT EXISTS ${q(`${local}_all`)} AS ${q(local)}
     ENGINE = Distributed(${sqlIdent(cluster)}, ${sqlIdent(database)}, ${sqlIdent(local)}, ${key})`;
  return [over('access', 'cityHash64(dedup_key)'), over('ledger', 'cityHash64(jti)')];
}
