/**
 * The delivery ledger in ClickHouse, which has neither transactions nor conditional updates.
 * The ledger is a log: every state change of a notice is a new row with the next version of
 * that notice (`ver`), a random `token`, and the whole record as it now stands. A notice
 * stands where its latest row says: the highest `ver`; rows of one `ver` (two writers raced)
 * are ordered by `rank`, so a server's answer (`sent`, `failed`, `retry`) outranks an
 * `in_doubt` guess, and any of them outranks a claim; then by token.
 *
 * A change is written on top of the row it read, then checked:
 * - a claim (`queued`/`retry` → `sending`) stands only when its row is the only one of its
 *   `ver`. If another writer put a row of the same `ver` (a second sender claiming the same
 *   notice, or requeueing it), every claim of that `ver` is lost and nobody sends; a tie of
 *   two claims leaves the notice `sending`, and the next sender's `markInterrupted` makes it
 *   `in_doubt`. Of two claims one after the other, the later one sees the earlier (its insert
 *   was stored before the earlier one checked), so at most one sender ever sends a claim.
 * - any other change stands when its row is the notice's latest afterwards; otherwise the
 *   change is not counted (`markInterrupted`, `requeueDeliveries`) or refused with ERR_STATE
 *   (`settleDelivery`), as when the row had moved on before the write.
 * An insert has been stored when it returns, so a sender killed after a claim leaves the
 * notice `sending`, and it is never claimed again unless an operator requeues it.
 */
import { randomBytes } from 'node:crypto';
import { BreachwatchError } from '../../model/index.js';
import {
  DELIVERY_STATES, type DeliveryFilter, type DeliveryIntent, type DeliveryOutcome, type DeliveryRecord, type DeliveryState,
} from '../delivery.js';
import { insertRows } from './alerts.js';
import { sqlInt, sqlString, sqlStringList } from './escape.js';
import type { ClickHouseSql, Row } from './sql.js';

/** How rows of one `ver` are ordered (higher wins): the server's answers first, claims last. */
const RANK: Record<DeliveryState, number> = { sent: 5, failed: 4, retry: 3, in_doubt: 2, queued: 1, sending: 0 };

/** Notice ids per IN list. */
const CHUNK = 1000;

/** The record fields in tuple order (after `ver`). */
const FIELDS = ['message_id', 'incident_id', 'account_id', 'channel', 'kind', 'content_sha256', 'state', 'attempts', 'created_at',
  'last_attempt_at', 'next_attempt_at', 'accepted_at', 'response', 'evidence_index', 'token'] as const;

/** A ledger row as read: the record, its version and the token of the write that made it. */
interface Current { readonly rec: DeliveryRecord; readonly ver: number; readonly token: string }

/**
 * The claims that stood in this store, by notice, until settled: a settle writes on top of its
 * claim without reading it back (a row another writer put on top meanwhile outranks it or
 * buries it, and the check after the write says so).
 */
export type Claims = Map<string, Current>;

const LATEST = `argMax(tuple(ver, ${FIELDS.join(', ')}), tuple(ver, rank, token))`;
/** Position of a field in the {@link LATEST} tuple (1-based, for `tupleElement`). */
const at = (f: (typeof FIELDS)[number]): number => FIELDS.indexOf(f) + 2;

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function currentOf(id: unknown, r: unknown[]): Current {
  const s = (i: number): string => String(r[i]);
  const rec: DeliveryRecord = {
    notice_id: String(id), message_id: s(1), incident_id: s(2), account_id: s(3), channel: s(4) as DeliveryRecord['channel'], kind: s(5),
    content_sha256: s(6), state: s(7) as DeliveryState, attempts: Number(r[8]), created_at: Number(r[9]), last_attempt_at: num(r[10]),
    next_attempt_at: num(r[11]), accepted_at: num(r[12]), response: r[13] === null ? null : s(13), evidence_index: num(r[14]),
  };
  return { rec, ver: Number(r[0]), token: s(15) };
}

/** The latest row of each notice matching `raw` (a WHERE on stored rows) and then `latest` (on the tuple `r`). */
async function latest(sql: ClickHouseSql, table: string, raw: readonly string[], latestWhere: readonly string[] = [], tail = ''): Promise<Current[]> {
  const rows = await sql.rows(`SELECT id, r FROM (SELECT notice_id AS id, ${LATEST} AS r FROM ${table}
      ${raw.length > 0 ? `WHERE ${raw.join(' AND ')}` : ''} GROUP BY notice_id) AS cur
    ${latestWhere.length > 0 ? `WHERE ${latestWhere.join(' AND ')}` : ''} ORDER BY id${tail}`);
  return rows.map((x: Row) => currentOf(x.id, x.r as unknown[]));
}

/** Runs `f` over `ids` in IN-list chunks and concatenates what it returns. */
async function chunked<T>(ids: readonly string[], f: (inList: string) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) out.push(...await f(sqlStringList(ids.slice(i, i + CHUNK))));
  return out;
}

const stateIs = (states: readonly DeliveryState[]): string =>
  states.length === 0 ? '0' : `tupleElement(r, ${at('state')}) IN ${sqlStringList(states)}`;

function rowText(rec: DeliveryRecord, ver: number, token: string): string {
  return `${JSON.stringify({ ...rec, ver, rank: RANK[rec.state], token })}\n`;
}

const newToken = (): string => randomBytes(8).toString('hex');

/**
 * Writes `next` over each current row and returns the notices whose change stands (its row is
 * the latest afterwards).
 */
async function transition(sql: ClickHouseSql, table: string, changes: readonly { cur: Current; next: DeliveryRecord }[]): Promise<Set<string>> {
  if (changes.length === 0) return new Set();
  const tokens = new Map(changes.map((c) => [c.cur.rec.notice_id, newToken()]));
  await insertRows(sql, table, changes.map((c) => rowText(c.next, c.cur.ver + 1, tokens.get(c.cur.rec.notice_id) as string)));
  const after = await chunked([...tokens.keys()], (ids) => latest(sql, table, [`notice_id IN ${ids}`]));
  return new Set(after.filter((a) => tokens.get(a.rec.notice_id) === a.token).map((a) => a.rec.notice_id));
}

async function current(sql: ClickHouseSql, table: string, noticeId: string): Promise<Current | undefined> {
  return (await latest(sql, table, [`notice_id = ${sqlString(noticeId)}`]))[0];
}

/** Inserts intents as `queued`, leaving notices already in the ledger (or earlier in the batch) alone. */
export async function recordIntents(sql: ClickHouseSql, table: string, rows: readonly DeliveryIntent[], at: number): Promise<{ recorded: number; existing: number }> {
  if (rows.length === 0) return { recorded: 0, existing: 0 };
  const ids = [...new Set(rows.map((r) => r.notice_id))];
  const known = new Set(await chunked(ids, async (inList) =>
    (await sql.rows(`SELECT DISTINCT notice_id AS id FROM ${table} WHERE notice_id IN ${inList}`)).map((x) => String(x.id))));
  const fresh = new Map<string, DeliveryIntent>();
  for (const r of rows) if (!known.has(r.notice_id) && !fresh.has(r.notice_id)) fresh.set(r.notice_id, r);
  await insertRows(sql, table, [...fresh.values()].map((i) => rowText({
    notice_id: i.notice_id, message_id: i.message_id, incident_id: i.incident_id, account_id: i.account_id, channel: i.channel,
    kind: i.kind, content_sha256: i.content_sha256, state: 'queued', attempts: 0, created_at: Math.floor(at), last_attempt_at: null,
    next_attempt_at: null, accepted_at: null, response: null, evidence_index: null,
  }, 1, newToken())));
  return { recorded: fresh.size, existing: rows.length - fresh.size };
}

/** `queued`/`retry` → `sending`, attempts + 1; undefined when not claimable or another writer raced this claim. */
export async function claim(sql: ClickHouseSql, table: string, claims: Claims, noticeId: string, when: number): Promise<DeliveryRecord | undefined> {
  const cur = await current(sql, table, noticeId);
  if (cur === undefined || (cur.rec.state !== 'queued' && cur.rec.state !== 'retry')) return undefined;
  const next: DeliveryRecord = { ...cur.rec, state: 'sending', attempts: cur.rec.attempts + 1, last_attempt_at: Math.floor(when) };
  const ver = cur.ver + 1;
  const token = newToken();
  await insertRows(sql, table, [rowText(next, ver, token)]);
  const r = await sql.rows(`SELECT count() AS n FROM ${table} WHERE notice_id = ${sqlString(noticeId)} AND ver = ${sqlInt(ver)}`);
  if (Number(r[0]?.n ?? 0) !== 1) return undefined;
  claims.set(noticeId, { rec: next, ver, token });
  return next;
}

/** `sending` → the outcome's state (on top of this store's own claim when it has one). */
export async function settle(sql: ClickHouseSql, table: string, claims: Claims, noticeId: string, o: DeliveryOutcome): Promise<void> {
  const cur = claims.get(noticeId) ?? await current(sql, table, noticeId);
  claims.delete(noticeId);
  const refused = (): BreachwatchError => new BreachwatchError('ERR_STATE', `delivery ${noticeId} was not being sent (no claim to settle)`);
  if (cur?.rec.state !== 'sending') throw refused();
  const next: DeliveryRecord = {
    ...cur.rec, state: o.state, response: o.response.slice(0, 500),
    next_attempt_at: o.state === 'retry' ? Math.floor(o.next_attempt_at) : null, accepted_at: o.state === 'sent' ? Math.floor(o.at) : null,
  };
  if (!(await transition(sql, table, [{ cur, next }])).has(noticeId)) throw refused();
}

/** `sending` → `in_doubt`. */
export async function markInterrupted(sql: ClickHouseSql, table: string, incidentId: string | undefined): Promise<number> {
  const rows = await latest(sql, table, incidentId === undefined ? [] : [`incident_id = ${sqlString(incidentId)}`], [stateIs(['sending'])]);
  const changes = rows.map((cur) => ({ cur, next: { ...cur.rec, state: 'in_doubt' as const, response: 'interrupted while sending: the server may have accepted it' } }));
  return (await transition(sql, table, changes)).size;
}

/** Rows in `from` states → `queued`. */
export async function requeue(sql: ClickHouseSql, table: string, f: { incident_id?: string; from?: readonly DeliveryState[]; notice_ids?: readonly string[] }): Promise<number> {
  const from = f.from ?? ['in_doubt'];
  if (from.includes('sending') || from.includes('sent')) throw new BreachwatchError('ERR_USAGE', 'only in_doubt, failed or retry rows can be queued again');
  const raw = f.incident_id === undefined ? [] : [`incident_id = ${sqlString(f.incident_id)}`];
  const rows = f.notice_ids === undefined ? await latest(sql, table, raw, [stateIs(from)])
    : await chunked(f.notice_ids, (ids) => latest(sql, table, [...raw, `notice_id IN ${ids}`], [stateIs(from)]));
  const changes = rows.map((cur) => ({ cur, next: { ...cur.rec, state: 'queued' as const, next_attempt_at: null } }));
  return (await transition(sql, table, changes)).size;
}

/** Rows matching `f`, in notice-id order. */
export async function list(sql: ClickHouseSql, table: string, f: DeliveryFilter = {}): Promise<DeliveryRecord[]> {
  const raw: string[] = [];
  if (f.incident_id !== undefined) raw.push(`incident_id = ${sqlString(f.incident_id)}`);
  if (f.after !== undefined) raw.push(`notice_id > ${sqlString(f.after)}`);
  const cur: string[] = [];
  if (f.states !== undefined) cur.push(stateIs(f.states));
  if (f.due_at !== undefined) cur.push(`(tupleElement(r, ${at('state')}) != 'retry' OR tupleElement(r, ${at('next_attempt_at')}) <= ${sqlInt(Math.floor(f.due_at))})`);
  const limit = f.limit !== undefined ? ` LIMIT ${sqlInt(Math.max(0, Math.floor(f.limit)))}` : '';
  const ids = f.notice_ids;
  if (ids === undefined) return (await latest(sql, table, raw, cur, limit)).map((c) => c.rec);
  if (ids.length === 0) return [];
  const found = (await chunked([...new Set(ids)], (inList) => latest(sql, table, [...raw, `notice_id IN ${inList}`], cur))).map((c) => c.rec);
  found.sort((a, b) => (a.notice_id < b.notice_id ? -1 : a.notice_id > b.notice_id ? 1 : 0));
  return f.limit === undefined ? found : found.slice(0, Math.max(0, Math.floor(f.limit)));
}

/** Rows per state. */
export async function counts(sql: ClickHouseSql, table: string, incidentId: string | undefined): Promise<Record<DeliveryState, number>> {
  const rows = await sql.rows(`SELECT st, count() AS n FROM (SELECT notice_id, argMax(state, tuple(ver, rank, token)) AS st FROM ${table}
      ${incidentId === undefined ? '' : `WHERE incident_id = ${sqlString(incidentId)}`} GROUP BY notice_id) AS cur GROUP BY st`);
  const out = Object.fromEntries(DELIVERY_STATES.map((s) => [s, 0])) as Record<DeliveryState, number>;
  for (const r of rows) out[String(r.st) as DeliveryState] = Number(r.n);
  return out;
}

/** How often an evidence index is written again when another writer changed the row meanwhile. */
const NOTE_TRIES = 3;

/** Stores evidence indexes (a row that moved on meanwhile is read again and written over). */
export async function noteEvidence(sql: ClickHouseSql, table: string, rows: readonly { notice_id: string; index: number }[]): Promise<void> {
  let left = new Map(rows.map((r) => [r.notice_id, r.index]));
  for (let i = 0; i < NOTE_TRIES && left.size > 0; i++) {
    const cur = await chunked([...left.keys()], (ids) => latest(sql, table, [`notice_id IN ${ids}`]));
    const done = await transition(sql, table, cur.map((c) => ({ cur: c, next: { ...c.rec, evidence_index: left.get(c.rec.notice_id) ?? null } })));
    left = new Map([...left].filter(([id]) => !done.has(id) && cur.some((c) => c.rec.notice_id === id)));
  }
  if (left.size > 0) throw new BreachwatchError('ERR_STATE', `the evidence index of ${left.size} deliveries could not be written: other writers kept changing them`);
}
