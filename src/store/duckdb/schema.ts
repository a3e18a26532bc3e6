/**
 * DuckDB schema of the embedded store: one table per stored kind, plus the SQL macros that
 * derive the `subnet` key of a source address (IPv4 /24 as `a.b.c`, IPv6 /48 as 12 hex digits)
 * without the `inet` extension, which may be unavailable offline.
 */

import { COMMIT_TABLE_SQL } from './commit-loader.js';

/** Macros: `bw_ip6hex` expands an IPv6 text form to 32 hex digits; `bw_subnet` keys /24 and /48. */
export const MACROS_SQL = [
  `CREATE OR REPLACE MACRO bw_ip6groups(h, t) AS
     (CASE WHEN h = '' THEN []::VARCHAR[] ELSE string_split(h, ':') END)
     || list_transform(range(8 - (CASE WHEN h = '' THEN 0 ELSE len(string_split(h, ':')) END)
                                - (CASE WHEN t = '' THEN 0 ELSE len(string_split(t, ':')) END)), x -> '0')
     || (CASE WHEN t = '' THEN []::VARCHAR[] ELSE string_split(t, ':') END)`,
  `CREATE OR REPLACE MACRO bw_ip6hex(s) AS array_to_string(list_transform(
     CASE WHEN contains(s, '::') THEN bw_ip6groups(split_part(s, '::', 1), split_part(s, '::', 2))
          ELSE string_split(s, ':') END, g -> lpad(g, 4, '0')), '')`,
  // IPv4 (also the dotted tail of an IPv4-mapped IPv6 address): the text up to the last dot.
  `CREATE OR REPLACE MACRO bw_subnet(ip) AS CASE
     WHEN NOT contains(ip, ':') THEN left(ip, strlen(ip) - strpos(reverse(ip), '.'))
     WHEN contains(ip, '.') THEN regexp_extract(ip, '(\\d+\\.\\d+\\.\\d+)\\.\\d+$', 1)
     ELSE left(bw_ip6hex(lower(split_part(ip, '%', 1))), 12) END`,
  // Last IPv4 octet (for prefixes longer than /24) and the full IPv6 hex (longer than /48).
  `CREATE OR REPLACE MACRO bw_host(ip) AS CASE
     WHEN contains(ip, '.') THEN lpad(printf('%x', TRY_CAST(regexp_extract(ip, '\\.(\\d+)$', 1) AS INTEGER)), 2, '0')
     WHEN contains(ip, ':') THEN bw_ip6hex(lower(split_part(ip, '%', 1))) END`,
];

/** Tables (created if missing). Times are TIMESTAMP (UTC, millisecond values). */
export const TABLES_SQL = [
  COMMIT_TABLE_SQL,
  `CREATE TABLE IF NOT EXISTS access (
     t TIMESTAMP NOT NULL, src_ip VARCHAR, method VARCHAR, route VARCHAR, status INTEGER,
     jti VARCHAR, kid VARCHAR, sub VARCHAR, iat BIGINT, exp BIGINT, client_id VARCHAR,
     account_id VARCHAR, request_id VARCHAR, user_agent VARCHAR, device_id VARCHAR,
     session_id VARCHAR, bytes BIGINT, records INTEGER, country VARCHAR, asn VARCHAR,
     file VARCHAR, line BIGINT, subnet VARCHAR)`,
  `CREATE TABLE IF NOT EXISTS ledger (
     t TIMESTAMP NOT NULL, type VARCHAR NOT NULL, jti VARCHAR NOT NULL, kid VARCHAR, sub VARCHAR,
     exp BIGINT, client_id VARCHAR, "grant" VARCHAR, src_ip VARCHAR, device_id VARCHAR,
     file VARCHAR, line BIGINT)`,
  `CREATE TABLE IF NOT EXISTS keys (
     kid VARCHAR PRIMARY KEY, alg VARCHAR, created TIMESTAMP, activated TIMESTAMP,
     retired TIMESTAMP, revoked TIMESTAMP, storage VARCHAR, max_token_ttl_s BIGINT,
     custodians VARCHAR[], jwk JSON)`,
  `CREATE TABLE IF NOT EXISTS catalog (
     method VARCHAR NOT NULL, route VARCHAR NOT NULL, fields VARCHAR[] NOT NULL, kind VARCHAR NOT NULL,
     PRIMARY KEY (method, route))`,
  `CREATE TABLE IF NOT EXISTS alerts (
     alert_id VARCHAR PRIMARY KEY, detector VARCHAR NOT NULL, severity VARCHAR NOT NULL,
     severity_rank INTEGER NOT NULL, title VARCHAR, entity_type VARCHAR, entity_id VARCHAR,
     first_seen VARCHAR, last_seen VARCHAR, detected_at VARCHAR, events BIGINT, accounts BIGINT,
     evidence JSON, details JSON, status VARCHAR NOT NULL DEFAULT 'open', verdict VARCHAR)`,
  `CREATE TABLE IF NOT EXISTS indicators (
     alert_id VARCHAR NOT NULL, type VARCHAR NOT NULL, value VARCHAR NOT NULL,
     first_seen TIMESTAMP NOT NULL, last_seen TIMESTAMP NOT NULL, retracted BOOLEAN NOT NULL DEFAULT false,
     PRIMARY KEY (alert_id, type, value))`,
];
