/**
 * One entry of the log and its bytes. An entry is `{kind, payload, time}`; its leaf data is
 * the entry's canonical JSON (RFC 8785), which, with the keys in sorted order, always starts
 * `{"kind":"…"`, so the log can be scanned by kind without parsing. The entry's index is its
 * position in the log, never part of the leaf.
 */
import type { Issue, ParseResult } from '../model/index.js';
import { canonicalJson, isCanonicalJson } from './canonical.js';
import { MAX_ENTRY_BYTES } from './defaults.js';
import { isEvidenceKind, type EvidenceKind, type JsonObject, type PayloadOf } from './kinds.js';

/**
 * An entry as recorded (a union over the kinds: testing `kind` narrows `payload`). `time` is
 * the wall-clock time of recording (UTC, ISO 8601 with milliseconds).
 */
export type EvidenceEntry<K extends EvidenceKind = EvidenceKind> = {
  [P in K]: { readonly kind: P; readonly time: string; readonly payload: PayloadOf<P> };
}[K];

/** An entry to append; `time` defaults to the moment of its commit. */
export type NewEntry<K extends EvidenceKind = EvidenceKind> = {
  [P in K]: { readonly kind: P; readonly payload: PayloadOf<P>; readonly time?: string | Date };
}[K];

/** An entry read back, with its index in the log. */
export type StoredEntry = EvidenceEntry & { readonly index: number };

function bad(code: string, message: string, path?: string): ParseResult<never> {
  const issue: Issue = path === undefined ? { code, message } : { code, message, path };
  return { ok: false, issues: [issue] };
}

function isPlainObject(v: unknown): v is JsonObject {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const p = Object.getPrototypeOf(v) as unknown;
  return p === Object.prototype || p === null;
}

/** The entry's time as the log writes it: `Date.toISOString()` of a valid instant. */
export function entryTime(t: string | Date): ParseResult<string> {
  const d = typeof t === 'string' ? new Date(t) : t;
  const ms = d.getTime();
  if (!Number.isFinite(ms)) return bad('bad_time', `not a time: ${String(t)}`, '$.time');
  return { ok: true, value: d.toISOString() };
}

/**
 * The canonical text of an entry (its leaf data), or why it has none. `now` is the time used
 * when the entry carries none.
 */
export function encodeEntry(e: NewEntry, now: string): ParseResult<string> {
  if (typeof e.kind !== 'string' || !isEvidenceKind(e.kind)) return bad('bad_kind', `unknown kind ${JSON.stringify(e.kind)}`, '$.kind');
  if (!isPlainObject(e.payload)) return bad('bad_payload', 'payload must be a JSON object', '$.payload');
  let time = now;
  if (e.time !== undefined) {
    const t = entryTime(e.time);
    if (!t.ok) return t;
    time = t.value;
  }
  const payload = canonicalJson(e.payload);
  if (!payload.ok) return { ok: false, issues: payload.issues.map((i) => ({ ...i, path: `$.payload${(i.path ?? '$').slice(1)}` })) };
  // Sorted keys: kind < payload < time. Kinds and ISO times are plain ASCII.
  const text = `{"kind":"${e.kind}","payload":${payload.value},"time":"${time}"}`;
  // UTF-8 takes at most 3 bytes per UTF-16 unit: most entries need no byte count.
  if (text.length * 3 > MAX_ENTRY_BYTES && Buffer.byteLength(text) > MAX_ENTRY_BYTES) {
    return bad('entry_too_large', `entry is over ${MAX_ENTRY_BYTES} bytes`);
  }
  return { ok: true, value: text };
}

/** Parses an entry's canonical text, refusing anything not in canonical form. */
export function decodeEntry(text: string): ParseResult<EvidenceEntry> {
  if (!isCanonicalJson(text)) return bad('not_canonical', 'entry is not canonical JSON');
  const v = JSON.parse(text) as Record<string, unknown>;
  const keys = Object.keys(v);
  if (keys.length !== 3 || typeof v.kind !== 'string' || typeof v.time !== 'string' || !isPlainObject(v.payload)) {
    return bad('bad_entry', 'an entry is exactly {kind, payload, time}');
  }
  if (!isEvidenceKind(v.kind)) return bad('bad_kind', `unknown kind ${JSON.stringify(v.kind)}`, '$.kind');
  const t = entryTime(v.time);
  if (!t.ok || t.value !== v.time) return bad('bad_time', `not a canonical time: ${v.time}`, '$.time');
  return { ok: true, value: { kind: v.kind, time: v.time, payload: v.payload } as EvidenceEntry };
}
