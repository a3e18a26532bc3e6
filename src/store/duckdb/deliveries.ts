/**
 * The delivery ledger in DuckDB: one row per notice, keyed by notice id. Each state change is
 * one auto-committed statement (DuckDB's write-ahead log makes it durable before `run`
 * resolves), and claims are conditional updates (`WHERE state IN (…) RETURNING`), so a row
 * moves only along the lifecycle and a double claim finds nothing to claim.
 */
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { BreachwatchError } from '../../model/index.js';
import {
  DELIVERY_STATES, type DeliveryFilter, type DeliveryIntent, type DeliveryOutcome, type DeliveryRecord, type DeliveryState,
} from '../delivery.js';
import { sqlString, withJsonRows } from './json-stage.js';

/** The table (created with the others). Times are epoch ms. */
export const DELIVERIES_TABLE_SQL = `CREATE TABLE IF NOT EXISTS deliveries (
  notice_id VARCHAR PRIMARY KEY, message_id VARCHAR NOT NULL, incident_id VARCHAR NOT NULL,
  account_id VARCHAR NOT NULL, channel VARCHAR NOT NULL, kind VARCHAR NOT NULL, content_sha256 VARCHAR NOT NULL,
  state VARCHAR NOT NULL, attempts INTEGER NOT NULL, created_at BIGINT NOT NULL, last_attempt_at BIGINT,
  next_attempt_at BIGINT, accepted_at BIGINT, response VARCHAR, evidence_index BIGINT)`;

const COLUMNS = `notice_id, message_id, incident_id, account_id, channel, kind, content_sha256, state, attempts,
  created_at, last_attempt_at, next_attempt_at, accepted_at, response, evidence_index`;

const INTENT_COLUMNS = `{notice_id: 'VARCHAR', message_id: 'VARCHAR', incident_id: 'VARCHAR', account_id: 'VARCHAR',
  channel: 'VARCHAR', kind: 'VARCHAR', content_sha256: 'VARCHAR'}`;

const num = (v: DuckDBValue): number | null => (v === null ? null : Number(v));
const str = (v: DuckDBValue): string | null => (v === null ? null : String(v));

function record(r: readonly DuckDBValue[]): DeliveryRecord {
  return {
    notice_id: String(r[0]), message_id: String(r[1]), incident_id: String(r[2]), account_id: String(r[3]),
    channel: String(r[4]) as DeliveryRecord['channel'], kind: String(r[5]), content_sha256: String(r[6]),
    state: String(r[7]) as DeliveryState, attempts: Number(r[8]), created_at: Number(r[9]),
    last_attempt_at: num(r[10]!), next_attempt_at: num(r[11]!), accepted_at: num(r[12]!), response: str(r[13]!),
    evidence_index: num(r[14]!),
  };
}

const stateList = (states: readonly DeliveryState[]): string => states.map(sqlString).join(', ');

/** Inserts intents as `queued`, leaving notices already in the ledger alone. */
export async function recordIntents(c: DuckDBConnection, dir: string, rows: readonly DeliveryIntent[], at: number): Promise<{ recorded: number; existing: number }> {
  if (rows.length === 0) return { recorded: 0, existing: 0 };
  const recorded = await withJsonRows(dir, rows, INTENT_COLUMNS, async (src) => {
    const r = await c.run(`INSERT OR IGNORE INTO deliveries SELECT notice_id, message_id, incident_id, account_id, channel, kind,
      content_sha256, 'queued', 0, ${Math.floor(at)}, NULL, NULL, NULL, NULL, NULL FROM ${src}`);
    return r.rowsChanged;
  });
  return { recorded, existing: rows.length - recorded };
}

/** `queued`/`retry` → `sending`, attempts + 1. */
export async function claim(c: DuckDBConnection, noticeId: string, at: number): Promise<DeliveryRecord | undefined> {
  const r = await c.runAndReadAll(`UPDATE deliveries SET state = 'sending', attempts = attempts + 1, last_attempt_at = $2
    WHERE notice_id = $1 AND state IN ('queued', 'retry') RETURNING ${COLUMNS}`, [noticeId, Math.floor(at)]);
  const row = r.getRows()[0];
  return row === undefined ? undefined : record(row);
}

/** `sending` → the outcome's state. */
export async function settle(c: DuckDBConnection, noticeId: string, o: DeliveryOutcome): Promise<void> {
  const next = o.state === 'retry' ? Math.floor(o.next_attempt_at) : null;
  const accepted = o.state === 'sent' ? Math.floor(o.at) : null;
  const r = await c.run(`UPDATE deliveries SET state = $2, response = $3, next_attempt_at = $4, accepted_at = $5
    WHERE notice_id = $1 AND state = 'sending'`, [noticeId, o.state, o.response.slice(0, 500), next, accepted]);
  if (r.rowsChanged !== 1) throw new BreachwatchError('ERR_STATE', `delivery ${noticeId} was not being sent (no claim to settle)`);
}

/** `sending` → `in_doubt`. */
export async function markInterrupted(c: DuckDBConnection, incidentId: string | undefined): Promise<number> {
  const r = await c.run(`UPDATE deliveries SET state = 'in_doubt', response = 'interrupted while sending: the server may have accepted it'
    WHERE state = 'sending'${incidentId === undefined ? '' : ' AND incident_id = $1'}`, incidentId === undefined ? [] : [incidentId]);
  return r.rowsChanged;
}

/** Rows in `from` states → `queued`. */
export async function requeue(c: DuckDBConnection, f: { incident_id?: string; from?: readonly DeliveryState[]; notice_ids?: readonly string[] }): Promise<number> {
  const from = f.from ?? ['in_doubt'];
  if (from.includes('sending') || from.includes('sent')) throw new BreachwatchError('ERR_USAGE', 'only in_doubt, failed or retry rows can be queued again');
  const where = [`state IN (${stateList(from)})`];
  if (f.incident_id !== undefined) where.push(`incident_id = ${sqlString(f.incident_id)}`);
  if (f.notice_ids !== undefined) where.push(`notice_id IN (${f.notice_ids.length === 0 ? 'NULL' : f.notice_ids.map(sqlString).join(', ')})`);
  const r = await c.run(`UPDATE deliveries SET state = 'queued', next_attempt_at = NULL WHERE ${where.join(' AND ')}`);
  return r.rowsChanged;
}

/** Rows matching `f`, in notice-id order. */
export async function list(c: DuckDBConnection, dir: string, f: DeliveryFilter = {}): Promise<DeliveryRecord[]> {
  const where: string[] = [];
  if (f.incident_id !== undefined) where.push(`incident_id = ${sqlString(f.incident_id)}`);
  if (f.states !== undefined) where.push(f.states.length === 0 ? 'false' : `state IN (${stateList(f.states)})`);
  if (f.due_at !== undefined) where.push(`(state <> 'retry' OR next_attempt_at <= ${Math.floor(f.due_at)})`);
  if (f.after !== undefined) where.push(`notice_id > ${sqlString(f.after)}`);
  const ids = f.notice_ids;
  if (ids !== undefined && ids.length === 0) return [];
  const limit = f.limit !== undefined ? ` LIMIT ${Math.max(0, Math.floor(f.limit))}` : '';
  const run = async (from: string): Promise<DeliveryRecord[]> => {
    const r = await c.runAndReadAll(`SELECT ${COLUMNS} FROM ${from}${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY notice_id${limit}`);
    return r.getRows().map(record);
  };
  if (ids === undefined) return run('deliveries');
  // A batch of ids joins a staged list (no giant IN literal).
  return withJsonRows(dir, ids.map((id) => ({ id })), `{id: 'VARCHAR'}`, (src) =>
    run(`deliveries SEMI JOIN ${src} AS wanted ON deliveries.notice_id = wanted.id`));
}

/** Rows per state. */
export async function counts(c: DuckDBConnection, incidentId: string | undefined): Promise<Record<DeliveryState, number>> {
  const r = await c.runAndReadAll(`SELECT state, count(*)::DOUBLE FROM deliveries${incidentId === undefined ? '' : ` WHERE incident_id = ${sqlString(incidentId)}`} GROUP BY state`);
  const out = Object.fromEntries(DELIVERY_STATES.map((s) => [s, 0])) as Record<DeliveryState, number>;
  for (const [s, n] of r.getRows()) out[String(s) as DeliveryState] = Number(n);
  return out;
}

/** Stores evidence indexes. */
export async function noteEvidence(c: DuckDBConnection, dir: string, rows: readonly { notice_id: string; index: number }[]): Promise<void> {
  if (rows.length === 0) return;
  await withJsonRows(dir, rows, `{notice_id: 'VARCHAR', index: 'BIGINT'}`, (src) =>
    c.run(`UPDATE deliveries SET evidence_index = s.index FROM ${src} AS s WHERE deliveries.notice_id = s.notice_id`));
}
