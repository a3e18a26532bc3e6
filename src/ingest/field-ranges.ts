/**
 * The one table of numeric field ranges. Each bound comes from two places: what the field
 * means (an HTTP status is 100–599; a record count is a whole number) and what the store's
 * column holds (`status` and `records` are INTEGER, 32-bit; `bytes`, `iat` and `exp` are
 * BIGINT, and a JavaScript number is exact only up to 2^53 − 1). A value the parser accepts
 * must load: before this table, `"status":3000000000` passed the parser and then failed every
 * load of the store, for good. Both line parsers (so `hunt` and `serve` alike) check through
 * {@link FieldChecker.ranged}; a value outside its range is quarantined as `out_of_range`.
 */

/** A numeric field with a range. */
export type RangedField = 'status' | 'bytes' | 'records' | 'token.iat' | 'token.exp' | 'exp' | 'asn';

/** Bounds of one field (inclusive) and why they are what they are. */
export interface FieldRange {
  readonly min: number;
  readonly max: number;
  /** Whole numbers only. */
  readonly integer: boolean;
  readonly why: string;
}

/** Largest value of a signed 32-bit column (DuckDB INTEGER, ClickHouse Int32). */
export const INT32_MAX = 2 ** 31 - 1;

/**
 * The latest Unix second an RFC 3339 time can name (9999-12-31T23:59:59Z). A token's `iat` or
 * `exp` past it has no time the rest of the system can compare it with.
 */
export const UNIX_SECONDS_MAX = 253_402_300_799;

const unixSeconds = (what: string): FieldRange => ({
  min: 0, max: UNIX_SECONDS_MAX, integer: false,
  why: `${what} is Unix seconds between 1970 and 9999 (the years an RFC 3339 time names)`,
});

/** Every ranged field; `Record` so a new field cannot be added without its range. */
export const FIELD_RANGES: Record<RangedField, FieldRange> = {
  status: { min: 100, max: 599, integer: true, why: 'an HTTP status code is 100–599' },
  bytes: { min: 0, max: Number.MAX_SAFE_INTEGER, integer: true, why: 'a byte count is a whole number up to 2^53 − 1 (exact in JSON numbers and BIGINT)' },
  records: { min: 0, max: INT32_MAX, integer: true, why: 'a record count is a whole number up to 2^31 − 1 (INTEGER column)' },
  'token.iat': unixSeconds('token.iat'),
  'token.exp': unixSeconds('token.exp'),
  exp: unixSeconds('exp'),
  asn: { min: 0, max: 2 ** 32 - 1, integer: true, why: 'an AS number is a 32-bit whole number' },
};

/** Why `v` (a finite number) is outside `field`'s range, or `undefined` when it is inside. */
export function rangeProblem(field: RangedField, v: number): string | undefined {
  const r = FIELD_RANGES[field];
  if (v >= r.min && v <= r.max && (!r.integer || Number.isInteger(v))) return undefined;
  return `${field} ${String(v).slice(0, 30)} is out of range: ${r.why}`;
}
