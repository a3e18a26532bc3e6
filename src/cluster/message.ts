/**
 * The messages `ship` publishes and `worker` consumes (format v2, JSON, one per message):
 *
 * - a batch: `{v, p, n, i, t0, e, w}` — partition `p`, its message number `n` (0, 1, … per
 *   partition), the partition's offset `i` of its first event (events sent to `p` before it),
 *   the time of the first event of the whole input `t0`, the events `e` (parsed and validated,
 *   as the shared parsers produce them) and, aligned with them, `w`: the global watermark
 *   (largest event time of all earlier events, on any partition) before each event;
 * - the end of input: `{v, p, n, i, t0, end: {wm, events}}` — the final global watermark and
 *   how many events partition `p` was sent (`i` = `events`), so a worker can tell it saw them all.
 *
 * A worker applies events by offset, not by message: a message that overlaps what it applied
 * (the same input published again with other boundaries: a live feed's replay, a re-run after
 * a stopped ship's partial messages) gives only its events past that offset.
 *
 * The message id (`Nats-Msg-Id`) is a hash of subject and payload: a re-run ship publishes
 * the same messages with the same ids, and JetStream drops them within its duplicate window.
 */
import { createHash } from 'node:crypto';
import type { PipelineEvent } from '../model/index.js';
import { BreachwatchError } from '../model/index.js';

/** Format version of the messages. */
export const MESSAGE_VERSION = 2;

/** A batch of one partition's events. */
export interface BatchMessage {
  readonly v: typeof MESSAGE_VERSION;
  readonly p: number;
  readonly n: number;
  /** Offset in the partition of the first event (events sent to the partition before it). */
  readonly i: number;
  readonly t0: number | null;
  readonly e: readonly PipelineEvent[];
  readonly w: readonly (number | null)[];
}

/** The end of input on one partition. */
export interface EndMessage {
  readonly v: typeof MESSAGE_VERSION;
  readonly p: number;
  readonly n: number;
  /** The partition's event count (`end.events`): the offset the end comes at. */
  readonly i: number;
  readonly t0: number | null;
  readonly end: { readonly wm: number | null; readonly events: number };
}

export type ClusterMessage = BatchMessage | EndMessage;

/** True for the end-of-input message. */
export function isEnd(m: ClusterMessage): m is EndMessage {
  return 'end' in m;
}

/** The subject of partition `p`. */
export function subjectOf(prefix: string, p: number): string {
  return `${prefix}.${p}`;
}

/** The payload and its stable message id. */
export function encodeMessage(subject: string, m: ClusterMessage): { data: Uint8Array; id: string } {
  const data = Buffer.from(JSON.stringify(m));
  const id = createHash('sha256').update(subject).update('\n').update(data).digest('hex').slice(0, 32);
  return { data, id };
}

const isInt = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x);
const isTime = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/**
 * Parses a message and checks its shape (ERR_INPUT_INVALID naming `where` otherwise). The
 * events themselves were validated by ship's parsers; only their kind and time are checked.
 */
export function decodeMessage(data: Uint8Array, where: string): ClusterMessage {
  let m: unknown;
  try {
    m = JSON.parse(Buffer.from(data).toString('utf8'));
  } catch {
    throw new BreachwatchError('ERR_INPUT_INVALID', `${where}: not a JSON message`);
  }
  const bad = (why: string): never => { throw new BreachwatchError('ERR_INPUT_INVALID', `${where}: ${why}`); };
  if (typeof m !== 'object' || m === null) return bad('not an object');
  const o = m as Record<string, unknown>;
  if (o.v !== MESSAGE_VERSION) return bad(`unknown message version ${String(o.v)}`);
  if (!isInt(o.p) || !isInt(o.n) || o.n < 0 || !isInt(o.i) || o.i < 0) return bad('partition, message number or offset missing');
  if (o.t0 !== null && !isTime(o.t0)) return bad('bad t0');
  if ('end' in o) {
    const end = o.end as Record<string, unknown> | null;
    if (typeof end !== 'object' || end === null || end.events !== o.i || (end.wm !== null && !isTime(end.wm))) return bad('bad end mark');
    return o as unknown as EndMessage;
  }
  if (!Array.isArray(o.e) || !Array.isArray(o.w) || o.e.length !== o.w.length) return bad('events and watermarks do not align');
  for (const e of o.e as unknown[]) {
    const k = (e as { kind?: unknown } | null)?.kind;
    if ((k !== 'access' && k !== 'ledger') || !isTime((e as { t?: unknown }).t)) return bad('an event without kind or time');
  }
  for (const w of o.w as unknown[]) if (!isTime(w) && w !== null) return bad('a bad watermark');
  return o as unknown as BatchMessage;
}
