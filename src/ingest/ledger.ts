/**
 * Parses one issuance-ledger line (contract input 2) into a {@link LedgerEvent}. Pure and
 * synchronous; bad input is returned as issues, never thrown.
 */
import type { LedgerEvent, ParseResult, SourceRef } from '../model/index.js';
import { FieldChecker, parseObject } from './fields.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The fields of a ledger line, as JSON.parse gives them. */
interface RawLedger {
  time?: unknown; type?: unknown; jti?: unknown; kid?: unknown; sub?: unknown; exp?: unknown;
  client_id?: unknown; grant?: unknown; src_ip?: unknown; device_id?: unknown;
}

/** Reused line after line (parsing is synchronous). */
const fc = new FieldChecker();

/**
 * Parses one ledger line. `type` defaults to `issue`; `kid`, `sub` and `exp` are required for
 * `issue` and optional for `revoke`. Unknown fields are ignored.
 */
export function parseLedgerLine(text: string, ref: SourceRef): ParseResult<LedgerEvent> {
  fc.issues = undefined;
  const o = parseObject(text, fc) as RawLedger | undefined;
  if (o === undefined) return { ok: false, issues: fc.issues ?? [] };
  const t = fc.time(o.time);
  let type: 'issue' | 'revoke' = 'issue';
  if (o.type === 'revoke') type = 'revoke';
  else if (o.type !== undefined && o.type !== null && o.type !== 'issue') {
    fc.add('bad_value', 'type', 'type must be "issue" or "revoke"');
  }
  const jti = fc.reqString(o.jti, 'jti');
  const issue = type === 'issue';
  const kid = issue ? fc.reqString(o.kid, 'kid') : fc.optString(o.kid, 'kid');
  const sub = issue ? fc.reqString(o.sub, 'sub') : fc.optString(o.sub, 'sub');
  const exp = issue || (o.exp !== undefined && o.exp !== null) ? fc.reqNumber(o.exp, 'exp') : undefined;
  const client_id = fc.optString(o.client_id, 'client_id');
  const grant = fc.optString(o.grant, 'grant');
  const src_ip = fc.optString(o.src_ip, 'src_ip');
  const device_id = fc.optString(o.device_id, 'device_id');
  if (fc.issues !== undefined || t === undefined || jti === undefined) return { ok: false, issues: fc.issues ?? [] };
  const e: Mutable<LedgerEvent> = { kind: 'ledger', t, type, jti, ref };
  if (kid !== undefined) e.kid = kid;
  if (sub !== undefined) e.sub = sub;
  if (exp !== undefined) e.exp = exp;
  if (client_id !== undefined) e.client_id = client_id;
  if (grant !== undefined) e.grant = grant;
  if (src_ip !== undefined) e.src_ip = src_ip;
  if (device_id !== undefined) e.device_id = device_id;
  return { ok: true, value: e };
}
