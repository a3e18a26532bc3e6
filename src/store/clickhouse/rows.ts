/**
 * Events as `JSONEachRow` lines of the ClickHouse `access` and `ledger` tables. 18.16's JSON
 * reader takes flat objects only, so each event is written out flat here (every string
 * through `JSON.stringify`, which escapes it completely), with what the store derives:
 * the address keys scope matches subnets by, the commit `seq`, and the event's identity
 * `dedup_key` that a retried delivery shares with the first:
 *
 *   `r` + request_id           when the event has one (a gateway's id for the request), else
 *   `l` + file + `\n` + line   the source line it was read from (a file's line, a NATS
 *                              message's stream sequence, an HTTP delivery's random id).
 *
 * Together with the event time (the sort key is `(t, dedup_key)`) that is what makes two
 * rows one event.
 */
import type { AccessEvent, LedgerEvent } from '../../model/index.js';
import { addressKey } from '../cidr.js';

const str = (s: string | undefined): string => (s === undefined ? 'null' : JSON.stringify(s));
const num = (n: number | undefined): string => (n === undefined || !Number.isFinite(n) ? 'null' : String(Math.trunc(n)));

/** The identity of an access event (see file header). */
export function dedupKey(ev: AccessEvent): string {
  return ev.request_id !== undefined && ev.request_id !== '' ? `r${ev.request_id}` : `l${ev.ref.file}\n${ev.ref.line}`;
}

/** One `access` row, newline-terminated. */
export function accessRow(ev: AccessEvent, seq: number): string {
  const tok = ev.token;
  const k = addressKey(ev.src_ip);
  const account = ev.account_id ?? tok?.sub;
  return '{"t":' + num(ev.t) + ',"src_ip":' + str(ev.src_ip) + ',"method":' + str(ev.method)
    + ',"route":' + str(ev.route) + ',"status":' + num(ev.status)
    + ',"jti":' + str(tok?.jti) + ',"kid":' + str(tok?.kid) + ',"sub":' + str(tok?.sub)
    + ',"iat":' + num(tok?.iat) + ',"exp":' + num(tok?.exp) + ',"client_id":' + str(tok?.client_id)
    + ',"account_id":' + str(account) + ',"request_id":' + str(ev.request_id)
    + ',"user_agent":' + str(ev.user_agent) + ',"device_id":' + str(ev.device_id) + ',"session_id":' + str(ev.session_id)
    + ',"bytes":' + num(ev.bytes) + ',"records":' + num(ev.records) + ',"country":' + str(ev.country) + ',"asn":' + str(ev.asn)
    + ',"file":' + str(ev.ref.file) + ',"line":' + num(ev.ref.line)
    + ',"subnet":' + (k.subnet === null ? 'null' : JSON.stringify(k.subnet)) + ',"host":' + (k.host === null ? 'null' : JSON.stringify(k.host))
    + ',"dedup_key":' + JSON.stringify(dedupKey(ev)) + ',"seq":' + String(seq) + '}\n';
}

/** One `ledger` row, newline-terminated. */
export function ledgerRow(ev: LedgerEvent, seq: number): string {
  return '{"t":' + num(ev.t) + ',"type":' + str(ev.type) + ',"jti":' + str(ev.jti) + ',"kid":' + str(ev.kid)
    + ',"sub":' + str(ev.sub) + ',"exp":' + num(ev.exp) + ',"client_id":' + str(ev.client_id) + ',"grant":' + str(ev.grant)
    + ',"src_ip":' + str(ev.src_ip) + ',"device_id":' + str(ev.device_id)
    + ',"file":' + str(ev.ref.file) + ',"line":' + num(ev.ref.line) + ',"seq":' + String(seq) + '}\n';
}
