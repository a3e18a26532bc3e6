/**
 * DuckDB tables of the response: incidents, legal holds, what each incident's evidence log
 * holds, reports, and saved scope runs. A saved run keeps its own rows (every request its
 * indicators matched, its routes' fields as the catalog said then, its accounts), so later
 * appends or catalog changes never move its numbers. Rows of one run are inserted sorted by
 * account, which lets DuckDB's zone maps find one account's rows without scanning the rest.
 */

/** Tables (created if missing). Incident times are wall clock, request times event time. */
export const RESPOND_TABLES_SQL = [
  `CREATE TABLE IF NOT EXISTS incidents (
     incident_id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, status VARCHAR NOT NULL,
     aware_at TIMESTAMP NOT NULL, opened_at TIMESTAMP NOT NULL, updated_at TIMESTAMP NOT NULL,
     closed_at TIMESTAMP, alert_ids VARCHAR[] NOT NULL, details JSON NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS legal_holds (
     hold_id VARCHAR PRIMARY KEY, incident_id VARCHAR NOT NULL, placed_at TIMESTAMP NOT NULL,
     reason VARCHAR NOT NULL, lifted_at TIMESTAMP, lift_reason VARCHAR)`,
  `CREATE TABLE IF NOT EXISTS evidence_marks (
     incident_id VARCHAR NOT NULL, kind VARCHAR NOT NULL, key VARCHAR NOT NULL, sha256 VARCHAR NOT NULL,
     entry BIGINT NOT NULL, PRIMARY KEY (incident_id, kind, key, sha256))`,
  `CREATE TABLE IF NOT EXISTS incident_reports (
     report_id VARCHAR PRIMARY KEY, incident_id VARCHAR NOT NULL, n INTEGER NOT NULL, audience VARCHAR NOT NULL,
     run_id VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL, entry BIGINT NOT NULL, files JSON NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS scope_runs (
     run_id VARCHAR PRIMARY KEY, incident_id VARCHAR NOT NULL, n INTEGER NOT NULL, created_at TIMESTAMP NOT NULL,
     inputs JSON NOT NULL, indicators BIGINT NOT NULL, accounts BIGINT NOT NULL, requests BIGINT NOT NULL,
     matched BIGINT NOT NULL, window_from TIMESTAMP, window_to TIMESTAMP)`,
  `CREATE TABLE IF NOT EXISTS scope_run_indicators (
     run_id VARCHAR NOT NULL, type VARCHAR NOT NULL, value VARCHAR NOT NULL,
     first_seen TIMESTAMP NOT NULL, last_seen TIMESTAMP NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS scope_run_routes (
     run_id VARCHAR NOT NULL, ridx INTEGER NOT NULL, method VARCHAR NOT NULL, route VARCHAR NOT NULL,
     fields VARCHAR[] NOT NULL)`,
  // ridx is set exactly when the request carried personal data to the attacker.
  `CREATE TABLE IF NOT EXISTS scope_run_requests (
     run_id VARCHAR NOT NULL, account_id VARCHAR, t TIMESTAMP NOT NULL, src_ip VARCHAR, method VARCHAR,
     route VARCHAR, status INTEGER, file VARCHAR, line BIGINT, request_id VARCHAR, jti VARCHAR, kid VARCHAR,
     client_id VARCHAR, user_agent VARCHAR, country VARCHAR, asn VARCHAR, ridx INTEGER)`,
  `CREATE TABLE IF NOT EXISTS scope_run_accounts (
     run_id VARCHAR NOT NULL, account_id VARCHAR NOT NULL, fields VARCHAR[] NOT NULL,
     first_access TIMESTAMP NOT NULL, last_access TIMESTAMP NOT NULL, accesses BIGINT NOT NULL,
     src_ips VARCHAR[] NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS scope_run_lines (
     run_id VARCHAR NOT NULL, file VARCHAR NOT NULL, line BIGINT NOT NULL, sha256 VARCHAR, problem VARCHAR)`,
  `CREATE TABLE IF NOT EXISTS scope_run_evidence (
     run_id VARCHAR NOT NULL, account_id VARCHAR NOT NULL, first_entry BIGINT NOT NULL, entries INTEGER NOT NULL)`,
];
