/**
 * Canonical JSON, the bytes every leaf of the log is made of: RFC 8785 (JSON Canonicalization
 * Scheme) for the values JSON can carry. Object keys sorted by UTF-16 code units, no
 * whitespace, strings and numbers as ECMAScript's JSON.stringify writes them. Anything that
 * would not survive a round trip (non-finite numbers, lone surrogates, undefined, functions,
 * class instances, bigints, cycles, nesting past 64) is refused as data, never silently dropped, so that two
 * parties who hold the same entry always compute the same hash.
 */
import type { ParseResult } from '../model/index.js';

/** Deepest nesting accepted (hostile input must not exhaust the stack). */
const MAX_DEPTH = 64;

/** The first problem found; `keys` is the path to it, innermost last. */
class Refusal extends Error {
  constructor(readonly code: string, message: string, readonly keys: (string | number)[]) {
    super(message);
  }
}

// The happy path keeps no path at all: a refusal collects the keys on its way up (each level
// adds its own), and only then becomes a `$.a[0].b` path.
function refuse(code: string, message: string): never {
  throw new Refusal(code, message, []);
}

/** Rethrows `e`, adding key `k` to the path of a refusal from below. */
function rethrowUnder(e: unknown, k: string | number): never {
  if (e instanceof Refusal) e.keys.unshift(k);
  throw e;
}

// Object keys repeat (every entry of a kind has the same ones): their JSON form is kept.
const keyForms = new Map<string, string>();
const KEY_FORMS_KEPT = 4096;

function key(k: string): string {
  let f = keyForms.get(k);
  if (f === undefined) {
    f = str(k);
    if (keyForms.size < KEY_FORMS_KEPT) keyForms.set(k, f);
  }
  return f;
}

// Printable ASCII but `"` and `\\`: such a string is its own JSON body (no escapes, no surrogates).
const PLAIN = /^[ !#-[\]-~]*$/;

function str(s: string): string {
  if (PLAIN.test(s)) return `"${s}"`;
  if (!(s as unknown as { isWellFormed(): boolean }).isWellFormed()) refuse('lone_surrogate', 'string holds a lone UTF-16 surrogate');
  return JSON.stringify(s);
}

/** `names`, sorted by UTF-16 code units; most payloads are built in sorted order already. */
function sorted(names: string[]): string[] {
  for (let i = 1; i < names.length; i++) if (names[i - 1]! >= names[i]!) return names.sort();
  return names;
}

function write(v: unknown, depth: number): string {
  switch (typeof v) {
    case 'string': return str(v);
    case 'boolean': return v ? 'true' : 'false';
    case 'number':
      // A safe integer prints the same either way (-0 as 0); String() skips JSON's generic path.
      if (Number.isSafeInteger(v)) return String(v);
      if (!Number.isFinite(v)) refuse('not_finite', `number ${String(v)} has no JSON form`);
      return JSON.stringify(v);
    case 'object': break;
    default: refuse('not_json', `${typeof v} has no JSON form`);
  }
  if (v === null) return 'null';
  // A value that contains itself ends here too.
  if (depth >= MAX_DEPTH) refuse('too_deep', `nested deeper than ${MAX_DEPTH} (or contains itself)`);
  let out: string;
  if (Array.isArray(v)) {
    out = '[';
    for (let i = 0; i < v.length; i++) {
      let item: string;
      try {
        item = write(v[i], depth + 1);
      } catch (e) {
        rethrowUnder(e, i);
      }
      out += (i > 0 ? ',' : '') + item;
    }
    out += ']';
  } else {
    const proto = Object.getPrototypeOf(v) as unknown;
    if (proto !== Object.prototype && proto !== null) refuse('not_plain_object', 'only plain objects have a JSON form');
    const o = v as Record<string, unknown>;
    const names = sorted(Object.keys(o));
    out = '{';
    for (let i = 0; i < names.length; i++) {
      const k = names[i]!;
      let item: string;
      try {
        item = write(o[k], depth + 1);
      } catch (e) {
        rethrowUnder(e, k);
      }
      out += (i > 0 ? ',' : '') + key(k) + ':' + item;
    }
    out += '}';
  }
  return out;
}

function pathOf(ks: readonly (string | number)[]): string {
  return '$' + ks.map((k) => (typeof k === 'number' ? `[${k}]` : `.${k}`)).join('');
}

/**
 * The canonical JSON text of `value` (RFC 8785), or the first reason it has none.
 * @example
 * canonicalJson({ b: 1, a: [true, 'x'] }) // { ok: true, value: '{"a":[true,"x"],"b":1}' }
 */
export function canonicalJson(value: unknown): ParseResult<string> {
  try {
    return { ok: true, value: write(value, 0) };
  } catch (e) {
    if (e instanceof Refusal) return { ok: false, issues: [{ code: e.code, message: e.message, path: pathOf(e.keys) }] };
    throw e;
  }
}

/** True when `text` is exactly the canonical form of the JSON it holds. */
export function isCanonicalJson(text: string): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return false;
  }
  const c = canonicalJson(parsed);
  return c.ok && c.value === text;
}
