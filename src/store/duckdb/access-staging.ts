/**
 * How access events become staging NDJSON lines and how DuckDB loads them. Each line wraps
 * the event as `{"f":file,"l":line,"t":ms,"e":event}` where `event` is the verbatim source
 * line when the event has one (no re-serialization in JavaScript), else `JSON.stringify` of
 * the event. Event time always comes from the already-parsed `t`, so DuckDB never re-parses
 * (or disagrees about) an RFC 3339 string.
 */
import type { AccessEvent, LedgerEvent } from '../../model/index.js';

const fileJson = new Map<string, string>();

/** JSON string literal of a file name, cached: a run reads few files. */
function quoteFile(file: string): string {
  let q = fileJson.get(file);
  if (q === undefined) {
    q = JSON.stringify(file);
    if (fileJson.size > 10_000) fileJson.clear();
    fileJson.set(file, q);
  }
  return q;
}

/** Hands the staging line of one access event to `push` in three pieces (no joined copy). */
export function pushAccessLine(push: (head: string, body: string, tail: string) => void, ev: AccessEvent): void {
  push('{"f":' + quoteFile(ev.ref.file) + ',"l":' + ev.ref.line + ',"t":' + ev.t + ',"e":', ev.raw ?? JSON.stringify(ev), '}');
}

/** The staging line of one ledger event. */
export function ledgerLine(ev: LedgerEvent): string {
  return JSON.stringify(ev);
}

const TOKEN = 'STRUCT(jti VARCHAR, kid VARCHAR, sub VARCHAR, iat BIGINT, "exp" BIGINT, client_id VARCHAR)';
const EVENT = `STRUCT(src_ip VARCHAR, "method" VARCHAR, route VARCHAR,
  status INTEGER, token ${TOKEN}, account_id VARCHAR, request_id VARCHAR, user_agent VARCHAR,
  device_id VARCHAR, session_id VARCHAR, bytes BIGINT, records INTEGER, country VARCHAR, asn VARCHAR)`;

/** Loads one staging file of access lines into `access`. */
export function insertAccessSql(path: string): string {
  return `INSERT INTO access
    SELECT make_timestamp(t * 1000), e.src_ip, e."method", e.route, e.status, e.token.jti, e.token.kid,
      e.token.sub, e.token.iat, e.token."exp", e.token.client_id,
      coalesce(e.account_id, e.token.sub), nullif(e.request_id, ''), e.user_agent, e.device_id,
      e.session_id, e.bytes, e.records, e.country, e.asn, f, l, bw_subnet(e.src_ip)
    FROM read_json(${path}, format = 'newline_delimited', maximum_object_size = 4194304,
      columns = {f: 'VARCHAR', l: 'BIGINT', t: 'BIGINT', e: '${EVENT.replaceAll('\n', ' ')}'})`;
}

/** Loads one staging file of ledger lines into `ledger`. */
export function insertLedgerSql(path: string): string {
  return `INSERT INTO ledger
    SELECT make_timestamp(t * 1000), "type", jti, kid, sub, "exp", client_id, "grant", src_ip,
      device_id, ref.file, ref.line
    FROM read_json(${path}, format = 'newline_delimited',
      columns = {t: 'BIGINT', "type": 'VARCHAR', jti: 'VARCHAR', kid: 'VARCHAR', sub: 'VARCHAR',
        "exp": 'BIGINT', client_id: 'VARCHAR', "grant": 'VARCHAR', src_ip: 'VARCHAR',
        device_id: 'VARCHAR', ref: 'STRUCT(file VARCHAR, line BIGINT)'})`;
}
