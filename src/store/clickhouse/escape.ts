/**
 * The one place values become ClickHouse SQL text. Debian's 18.16 has no query parameters, so
 * every value the store puts into a query goes through these functions: strings as quoted
 * literals with every byte that could end or bend the literal escaped, numbers only when they
 * are finite integers, identifiers only when they are plain names. What they produce is read
 * the same way by 18.16 and by current releases (both lexers take `\\`, `\'` and `\xHH`).
 */
import { BreachwatchError } from '../../model/index.js';

/** Control characters, backslash and quote: everything escaped inside a literal. */
// eslint-disable-next-line no-control-regex
const SPECIAL = /[\u0000-\u001f\u007f\\']/g;

const NAMED: Readonly<Record<string, string>> = {
  '\\': '\\\\', "'": "\\'", '\n': '\\n', '\r': '\\r', '\t': '\\t', '\0': '\\0', '\b': '\\b', '\f': '\\f',
};

function escapeChar(c: string): string {
  return NAMED[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
}

/**
 * A string literal: `'…'` with backslash, quote and control characters escaped. Any other
 * character (UTF-8 text) passes through unchanged, so the server sees exactly the bytes given.
 *
 * @example
 * sqlString("O'Brien")  // 'O\'Brien'
 */
export function sqlString(s: string): string {
  return `'${s.replace(SPECIAL, escapeChar)}'`;
}

/** A string literal, or `NULL` for null/undefined. */
export function sqlNullableString(s: string | null | undefined): string {
  return s === null || s === undefined ? 'NULL' : sqlString(s);
}

/**
 * An integer literal; anything else (NaN, Infinity, fractions, unsafe magnitudes) is refused
 * with ERR_INTERNAL, since a caller that builds SQL from a non-integer has a bug.
 */
export function sqlInt(n: number): string {
  if (!Number.isSafeInteger(n)) throw new BreachwatchError('ERR_INTERNAL', `not an integer for SQL: ${String(n)}`);
  return String(n);
}

/** `[ 'a', 'b' ]` as an `Array(String)` literal (an empty list is typed explicitly). */
export function sqlStringArray(items: readonly string[]): string {
  return items.length === 0 ? 'CAST([] AS Array(String))' : `[${items.map(sqlString).join(', ')}]`;
}

/** `('a', 'b')` for `IN`; callers handle the empty list themselves (it is not valid SQL). */
export function sqlStringList(items: readonly string[]): string {
  if (items.length === 0) throw new BreachwatchError('ERR_INTERNAL', 'an IN list needs at least one item');
  return `(${items.map(sqlString).join(', ')})`;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** True when `name` is a plain identifier (letters, digits, `_`; not starting with a digit). */
export function isIdentifier(name: string): boolean {
  return IDENTIFIER.test(name);
}

/**
 * A database, table or cluster name, back-quoted. Only plain identifiers are accepted (the
 * store URL parser checks them first, so a refusal here is a bug: ERR_INTERNAL).
 */
export function sqlIdent(name: string): string {
  if (!isIdentifier(name)) throw new BreachwatchError('ERR_INTERNAL', `not a plain SQL identifier: ${JSON.stringify(name)}`);
  return `\`${name}\``;
}
