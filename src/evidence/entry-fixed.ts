/**
 * Canonical entry text without the generic canonicaliser, for the two shapes a batch appends
 * by the million: `request_line` ({file, line, sha256[, account_id]}) and `account_evidence`
 * (AccountEvidencePayload). Keys are written in their sorted order by the code itself, values
 * are concatenated as they are: no key sorting, no recursion, no per-value type dispatch. Only
 * values whose canonical form is their plain spelling are taken — exactly the shape's keys on
 * plain objects, strings of printable ASCII without `"` or `\`, safe integers, `null` for a
 * line's missing hash — and anything else (an odd string, a key more or less, a float, an
 * entry over MAX_ENTRY_BYTES) answers undefined, so that the caller encodes that entry with
 * encodeEntry, which gives the same text or the reason there is none. entry-fixed.test.ts
 * holds both to the same output, byte for byte.
 */
import { MAX_ENTRY_BYTES } from './defaults.js';
import { entryTime, type NewEntry } from './entry.js';

// Printable ASCII but `"` and `\`: such a string is its own JSON body (as canonical.ts has it).
const PLAIN = /^[ !#-[\]-~]*$/;

const REQUEST_LINE_KEYS = ['file', 'line', 'sha256'];
const REQUEST_LINE_KEYS_ACCOUNT = ['account_id', 'file', 'line', 'sha256'];
const LINE_REF_KEYS = ['file', 'line', 'sha256'];
const ACCOUNT_EVIDENCE_KEYS = ['accesses', 'account_id', 'fields', 'first_access', 'incident_id', 'last_access', 'lines', 'part', 'parts', 'run_id'];

/** Thrown (and caught below) when a value has no plain spelling: the entry goes the generic way. */
const NOT_PLAIN = new Error('not a fixed-shape entry');

/** A plain object whose own enumerable keys are exactly `names` (in any order), as the canonicaliser sees it. */
function exactly(v: unknown, names: readonly string[]): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw NOT_PLAIN;
  const proto = Object.getPrototypeOf(v) as unknown;
  if (proto !== Object.prototype && proto !== null) throw NOT_PLAIN;
  const keys = Object.keys(v);
  if (keys.length !== names.length) throw NOT_PLAIN;
  for (const k of keys) if (!names.includes(k)) throw NOT_PLAIN;
  return v as Record<string, unknown>;
}

function str(s: unknown): string {
  if (typeof s !== 'string' || !PLAIN.test(s)) throw NOT_PLAIN;
  return s;
}

function int(n: unknown): number {
  if (!Number.isSafeInteger(n)) throw NOT_PLAIN;
  return n as number;
}

function list(v: unknown): readonly unknown[] {
  if (!Array.isArray(v)) throw NOT_PLAIN;
  return v;
}

/** The line references `{"file":…,"line":…,"sha256":…}`, comma-separated. */
function lineRefs(v: unknown): string {
  const refs = list(v);
  let out = '';
  let file: string | undefined;
  let head = '';
  for (let i = 0; i < refs.length; i++) {
    const r = exactly(refs[i], LINE_REF_KEYS);
    const f = r.file;
    // Consecutive lines are mostly of one file: its name is checked, and spelled, when it changes.
    if (file === undefined || f !== file) {
      file = str(f);
      head = `{"file":"${file}","line":`;
    }
    const h = r.sha256;
    out += `${i > 0 ? ',' : ''}${head}${int(r.line)},"sha256":${h === null ? 'null' : `"${str(h)}"`}}`;
  }
  return out;
}

function strings(v: unknown): string {
  const xs = list(v);
  let out = '';
  for (let i = 0; i < xs.length; i++) out += `${i > 0 ? ',' : ''}"${str(xs[i])}"`;
  return out;
}

function requestLine(v: unknown): string {
  const withAccount = typeof v === 'object' && v !== null && Object.hasOwn(v, 'account_id');
  const p = exactly(v, withAccount ? REQUEST_LINE_KEYS_ACCOUNT : REQUEST_LINE_KEYS);
  const account = withAccount ? `"account_id":"${str(p.account_id)}",` : '';
  return `{"kind":"request_line","payload":{${account}"file":"${str(p.file)}","line":${int(p.line)},"sha256":"${str(p.sha256)}"}`;
}

function accountEvidence(v: unknown): string {
  const p = exactly(v, ACCOUNT_EVIDENCE_KEYS);
  return `{"kind":"account_evidence","payload":{"accesses":${int(p.accesses)},"account_id":"${str(p.account_id)}","fields":[${strings(p.fields)}],`
    + `"first_access":"${str(p.first_access)}","incident_id":"${str(p.incident_id)}","last_access":"${str(p.last_access)}",`
    + `"lines":[${lineRefs(p.lines)}],"part":${int(p.part)},"parts":${int(p.parts)},"run_id":"${str(p.run_id)}"}`;
}

/**
 * The canonical text of entry `e` exactly as encodeEntry gives it (`now` standing in for a
 * missing time), when it is of a fixed shape written plainly; otherwise undefined (then
 * encodeEntry decides). The text is ASCII: its length is its size in bytes.
 * @example
 * fixedEntryText({ kind: 'request_line', payload: { file: 'a.ndjson', line: 7, sha256: h } }, now)
 * // '{"kind":"request_line","payload":{"file":"a.ndjson","line":7,"sha256":"…"},"time":"…"}'
 */
export function fixedEntryText(e: NewEntry, now: string): string | undefined {
  const kind = e.kind;
  if (kind !== 'request_line' && kind !== 'account_evidence') return undefined;
  let time = now;
  if (e.time !== undefined) {
    const t = entryTime(e.time);
    if (!t.ok) return undefined;
    time = t.value;
  }
  let text: string;
  try {
    // An ISO time (toISOString) is plain ASCII.
    text = `${kind === 'request_line' ? requestLine(e.payload) : accountEvidence(e.payload)},"time":"${time}"}`;
  } catch (err) {
    if (err === NOT_PLAIN) return undefined;
    throw err;
  }
  return text.length > MAX_ENTRY_BYTES ? undefined : text;
}
