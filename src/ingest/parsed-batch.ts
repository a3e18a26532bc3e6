/**
 * Access lines parsed on a worker thread, handed to the main thread as columns. Structured
 * cloning a batch of parsed event objects costs the receiving thread about as much as
 * `JSON.parse` of their lines (measured: 2.0–2.8 µs vs 2.5 µs per line), which would leave
 * nothing gained; an array of the lines' strings clones for about a tenth of that. The main
 * thread then builds each event from its row with the same fields in the same order as
 * {@link parseAccessLine} does, so the events are the same values with the same shape. (In a
 * whole hunt on 2 cores the main thread's CPU still did not fall: receiving the per-field
 * strings and collecting them cost what parsing did; see docs/PERFORMANCE.md.)
 */
import type { AccessEvent, Issue, SourceRef, TokenClaims } from '../model/index.js';
import type { LineBatch } from './lines.js';

/** What became of a line on the worker. */
export const LINE = {
  /** Unreadable (see `bad`) or blank: the main thread handles it from `texts`/`bad`. */
  none: 0,
  /** Parsed: the row holds the event. */
  ok: 1,
  /** Refused by the parser: `issues` holds why. */
  refused: 2,
  /** Left to the main thread's parser (a `jwt` line: its signature check needs the key registry there). */
  main: 3,
} as const;
export type LineState = (typeof LINE)[keyof typeof LINE];

/** String columns of a row, in this order. */
const S_SRC_IP = 0, S_METHOD = 1, S_ROUTE = 2, S_PATH = 3, S_JTI = 4, S_KID = 5, S_SUB = 6, S_CLIENT = 7, S_ISS = 8,
  S_ACCOUNT = 9, S_REQUEST = 10, S_UA = 11, S_DEVICE = 12, S_SESSION = 13, S_COUNTRY = 14, S_ASN = 15;
const SW = 16;
/** Number columns of a row (NaN: absent; JSON has no NaN). */
const N_T = 0, N_STATUS = 1, N_IAT = 2, N_EXP = 3, N_BYTES = 4, N_RECORDS = 5;
const NW = 6;

/** Columns of a batch's lines as the worker fills them. */
interface Rows {
  /** Per line: {@link LINE}. */
  readonly state: Uint8Array;
  /** Per line: the time `peekLineTime` reads (NaN: none). */
  readonly peek: Float64Array;
  /** Per line: 1 when the event's `raw` is the line. */
  readonly raw: Uint8Array;
  /** SW strings per line (null: absent). */
  readonly s: (string | null)[];
  /** NW numbers per line. */
  readonly n: Float64Array;
  /** The issues of refused lines, by index in the batch. */
  readonly issues: Record<number, Issue[]>;
}

/**
 * A batch as it is posted: the lines joined by newlines in one string with each line's end,
 * so that the main thread receives one string per batch. Its lines are then slices of that
 * string, as the main thread's own reader makes them; a batch of separate line strings would
 * give the reorder buffer thousands of young objects to copy at every scavenge.
 */
export interface PostedBatch extends Rows, Omit<LineBatch, 'texts'> {
  readonly text: string;
  readonly ends: Int32Array;
}

/** A batch of lines parsed on a worker: the reader's batch plus one row per line. */
export interface ParsedBatch extends Rows, LineBatch {}

/** The batch the main thread reads from a posted one. */
export function receiveBatch(p: PostedBatch): ParsedBatch {
  const texts = new Array<string>(p.ends.length);
  let start = 0;
  for (let i = 0; i < texts.length; i++) {
    const end = p.ends[i]!;
    texts[i] = p.text.slice(start, end);
    start = end + 1;
  }
  const { firstLine, bad, bytesRead, state, peek, raw, s, n, issues } = p;
  return { firstLine, texts, bad, bytesRead, state, peek, raw, s, n, issues };
}

/** Fills the rows of a {@link ParsedBatch} on the worker. */
export class ParsedBatchWriter {
  readonly state: Uint8Array;
  readonly peek: Float64Array;
  readonly raw: Uint8Array;
  readonly s: (string | null)[];
  readonly n: Float64Array;
  readonly issues: Record<number, Issue[]> = {};

  constructor(private readonly lines: LineBatch) {
    const k = lines.texts.length;
    this.state = new Uint8Array(k);
    this.peek = new Float64Array(k).fill(NaN);
    this.raw = new Uint8Array(k);
    this.s = new Array<string | null>(k * SW).fill(null);
    this.n = new Float64Array(k * NW).fill(NaN);
  }

  /** Line `i` parsed into `e`. */
  event(i: number, e: AccessEvent): void {
    this.state[i] = LINE.ok;
    const s = this.s;
    const o = i * SW;
    s[o + S_SRC_IP] = e.src_ip;
    s[o + S_METHOD] = e.method;
    s[o + S_ROUTE] = e.route;
    if (e.path !== undefined) s[o + S_PATH] = e.path;
    const tok = e.token;
    if (tok !== undefined) {
      s[o + S_JTI] = tok.jti;
      s[o + S_KID] = tok.kid;
      s[o + S_SUB] = tok.sub;
      if (tok.client_id !== undefined) s[o + S_CLIENT] = tok.client_id;
      if (tok.iss !== undefined) s[o + S_ISS] = tok.iss;
    }
    if (e.account_id !== undefined) s[o + S_ACCOUNT] = e.account_id;
    if (e.request_id !== undefined) s[o + S_REQUEST] = e.request_id;
    if (e.user_agent !== undefined) s[o + S_UA] = e.user_agent;
    if (e.device_id !== undefined) s[o + S_DEVICE] = e.device_id;
    if (e.session_id !== undefined) s[o + S_SESSION] = e.session_id;
    if (e.country !== undefined) s[o + S_COUNTRY] = e.country;
    if (e.asn !== undefined) s[o + S_ASN] = e.asn;
    const n = this.n;
    const p = i * NW;
    n[p + N_T] = e.t;
    n[p + N_STATUS] = e.status;
    if (tok !== undefined) {
      n[p + N_IAT] = tok.iat;
      n[p + N_EXP] = tok.exp;
    }
    if (e.bytes !== undefined) n[p + N_BYTES] = e.bytes;
    if (e.records !== undefined) n[p + N_RECORDS] = e.records;
    if (e.raw !== undefined) this.raw[i] = 1;
  }

  /** Line `i` refused with `issues`. */
  refused(i: number, issues: Issue[]): void {
    this.state[i] = LINE.refused;
    this.issues[i] = issues;
  }

  /** Line `i` left to the main thread. */
  main(i: number): void {
    this.state[i] = LINE.main;
  }

  /** The batch to post. */
  done(): PostedBatch {
    const { firstLine, texts, bad, bytesRead } = this.lines;
    const ends = new Int32Array(texts.length);
    let at = 0;
    for (let i = 0; i < texts.length; i++) {
      at += texts[i]!.length;
      ends[i] = at++;
    }
    return {
      firstLine, text: texts.join('\n'), ends, bad, bytesRead,
      state: this.state, peek: this.peek, raw: this.raw, s: this.s, n: this.n, issues: this.issues,
    };
  }
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * The event of line `i` (state {@link LINE.ok}), built field by field in the order
 * {@link parseAccessLine} builds it.
 */
export function eventOf(b: ParsedBatch, i: number, ref: SourceRef): AccessEvent {
  const s = b.s;
  const n = b.n;
  const o = i * SW;
  const p = i * NW;
  const e: Mutable<AccessEvent> = {
    kind: 'access', t: n[p + N_T]!, src_ip: s[o + S_SRC_IP]!, method: s[o + S_METHOD]!, route: s[o + S_ROUTE]!, status: n[p + N_STATUS]!, ref,
  };
  const path = s[o + S_PATH];
  if (path !== null) e.path = path!;
  const jti = s[o + S_JTI];
  if (jti !== null) {
    const t: Mutable<TokenClaims> = { jti: jti!, kid: s[o + S_KID]!, sub: s[o + S_SUB]!, iat: n[p + N_IAT]!, exp: n[p + N_EXP]! };
    const client = s[o + S_CLIENT];
    if (client !== null) t.client_id = client!;
    const iss = s[o + S_ISS];
    if (iss !== null) t.iss = iss!;
    e.token = t;
  }
  const account = s[o + S_ACCOUNT];
  if (account !== null) e.account_id = account!;
  const request = s[o + S_REQUEST];
  if (request !== null) e.request_id = request!;
  const ua = s[o + S_UA];
  if (ua !== null) e.user_agent = ua!;
  const device = s[o + S_DEVICE];
  if (device !== null) e.device_id = device!;
  const session = s[o + S_SESSION];
  if (session !== null) e.session_id = session!;
  const bytes = n[p + N_BYTES]!;
  if (!Number.isNaN(bytes)) e.bytes = bytes;
  const records = n[p + N_RECORDS]!;
  if (!Number.isNaN(records)) e.records = records;
  const country = s[o + S_COUNTRY];
  if (country !== null) e.country = country!;
  const asn = s[o + S_ASN];
  if (asn !== null) e.asn = asn!;
  if (b.raw[i] === 1) e.raw = b.texts[i]!;
  return e;
}
