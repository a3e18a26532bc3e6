/**
 * The ClickHouse tables of the response: incidents, legal holds, evidence marks, reports,
 * saved scope runs and the delivery ledger. They live on the node the store URL names (on a
 * cluster too: they are small, or, for a run's requests, written once and read by run).
 *
 * Without transactions every write is an insert:
 * - incidents, holds and reports are ReplacingMergeTrees by id with a version; reads take
 *   each id's latest row (`argMax(…, ver)`);
 * - evidence marks keep the first row of a mark (`argMin(entry, ver)`);
 * - a scope run's rows carry the run id and a random `save` id of the attempt that wrote
 *   them, and a `scope_runs` row (the marker) is written last, naming that attempt: readers
 *   look the attempt up in the marker first and read only its rows, so a run killed halfway
 *   is absent, and a retry of it is not mixed with the rows the killed one left;
 * - the delivery ledger appends one row per state change (see `deliveries.ts`).
 */
import { sqlIdent } from './escape.js';

/** The response's tables of one store, fully qualified. */
export interface RespondTables {
  readonly incidents: string;
  readonly holds: string;
  readonly marks: string;
  readonly reports: string;
  readonly runs: string;
  readonly runIndicators: string;
  readonly runRoutes: string;
  readonly runRequests: string;
  readonly runAccounts: string;
  readonly runLines: string;
  readonly runEvidence: string;
  readonly deliveries: string;
}

const NAMES: Readonly<Record<keyof RespondTables, string>> = {
  incidents: 'incidents', holds: 'legal_holds', marks: 'evidence_marks', reports: 'incident_reports', runs: 'scope_runs',
  runIndicators: 'scope_run_indicators', runRoutes: 'scope_run_routes', runRequests: 'scope_run_requests',
  runAccounts: 'scope_run_accounts', runLines: 'scope_run_lines', runEvidence: 'scope_run_evidence', deliveries: 'deliveries',
};

/** The plain names of the response's tables (for `fresh`: dropped with the others). */
export const RESPOND_TABLES = Object.values(NAMES);

/** The response's tables in `database`. */
export function respondTables(database: string): RespondTables {
  const q = (t: string): string => `${sqlIdent(database)}.${sqlIdent(t)}`;
  return Object.fromEntries(Object.entries(NAMES).map(([k, v]) => [k, q(v)])) as unknown as RespondTables;
}

/** DDL of the response's tables (created if missing). Times are Int64 epoch ms. */
export function respondTablesSql(database: string): string[] {
  const t = respondTables(database);
  const run = 'run_id String, save String';
  return [
    `CREATE TABLE IF NOT EXISTS ${t.incidents} (
       incident_id String, name String, status String, aware_at Int64, opened_at Int64, updated_at Int64,
       closed_at Nullable(Int64), alert_ids Array(String), details String, ver UInt64)
     ENGINE = ReplacingMergeTree(ver) ORDER BY incident_id`,
    `CREATE TABLE IF NOT EXISTS ${t.holds} (
       hold_id String, incident_id String, placed_at Int64, reason String, lifted_at Nullable(Int64),
       lift_reason Nullable(String), ver UInt64)
     ENGINE = ReplacingMergeTree(ver) ORDER BY hold_id`,
    `CREATE TABLE IF NOT EXISTS ${t.marks} (
       incident_id String, kind String, key String, sha256 String, entry Int64, ver UInt64)
     ENGINE = MergeTree() ORDER BY (incident_id, kind, key, sha256)`,
    `CREATE TABLE IF NOT EXISTS ${t.reports} (
       report_id String, incident_id String, n Int32, audience String, run_id String, created_at Int64,
       entry Int64, files String, ver UInt64)
     ENGINE = ReplacingMergeTree(ver) ORDER BY report_id`,
    `CREATE TABLE IF NOT EXISTS ${t.runs} (
       ${run}, incident_id String, created_at Int64, inputs String, indicators UInt64, accounts UInt64,
       requests UInt64, matched UInt64, window_from Nullable(Int64), window_to Nullable(Int64), ver UInt64)
     ENGINE = MergeTree() ORDER BY (incident_id, run_id)`,
    `CREATE TABLE IF NOT EXISTS ${t.runIndicators} (
       ${run}, type String, value String, first_seen Int64, last_seen Int64)
     ENGINE = MergeTree() ORDER BY (run_id, save)`,
    `CREATE TABLE IF NOT EXISTS ${t.runRoutes} (
       ${run}, ridx UInt32, method String, route String, fields Array(String))
     ENGINE = MergeTree() ORDER BY (run_id, save, ridx)`,
    // ridx > 0 exactly when the request carried personal data to the attacker (1-based route).
    `CREATE TABLE IF NOT EXISTS ${t.runRequests} (
       ${run}, account_id Nullable(String), t Int64, src_ip String, method String, route String, status Int32,
       file String, line Int64, request_id Nullable(String), jti Nullable(String), kid Nullable(String),
       client_id Nullable(String), user_agent Nullable(String), country Nullable(String), asn Nullable(String), ridx UInt32)
     ENGINE = MergeTree() ORDER BY (run_id, save, ifNull(account_id, ''), t)`,
    `CREATE TABLE IF NOT EXISTS ${t.runAccounts} (
       ${run}, account_id String, fields Array(String), first_access Int64, last_access Int64, accesses UInt64,
       src_ips Array(String))
     ENGINE = MergeTree() ORDER BY (run_id, save, account_id)`,
    `CREATE TABLE IF NOT EXISTS ${t.runLines} (
       run_id String, file String, line Int64, sha256 Nullable(String), problem Nullable(String))
     ENGINE = MergeTree() ORDER BY (run_id, file, line)`,
    `CREATE TABLE IF NOT EXISTS ${t.runEvidence} (
       run_id String, account_id String, first_entry Int64, entries Int32)
     ENGINE = MergeTree() ORDER BY (run_id, account_id)`,
    `CREATE TABLE IF NOT EXISTS ${t.deliveries} (
       notice_id String, ver UInt32, rank UInt8, token String, message_id String, incident_id String, account_id String,
       channel String, kind String, content_sha256 String, state String, attempts UInt32, created_at Int64,
       last_attempt_at Nullable(Int64), next_attempt_at Nullable(Int64), accepted_at Nullable(Int64),
       response Nullable(String), evidence_index Nullable(Int64))
     ENGINE = MergeTree() ORDER BY (notice_id, ver)`,
  ];
}
