/**
 * Event-time helpers. breachwatch never reads the wall clock to judge events.
 */

/** RFC 3339 timestamp with a zone (Z or ±hh:mm), optional fraction; fields captured. */
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:[Zz]|[+-](\d{2}):(\d{2}))$/;

/** Days in `month` (1–12) of `year` (proleptic Gregorian, as `Date` counts). */
function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Parses an RFC 3339 time to epoch ms, or returns `undefined` when it is not one. Every field
 * is checked against the calendar first: `Date.parse` would roll `2025-02-30` over into March.
 * (A leap second, `:60`, is refused: `Date` cannot represent it.)
 */
export function parseRfc3339(s: string): number | undefined {
  const m = RFC3339.exec(s);
  if (m === null) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined;
  if (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6]) > 59) return undefined;
  if (m[8] !== undefined && (Number(m[8]) > 23 || Number(m[9]) > 59)) return undefined;
  const t = Date.parse(s);
  return Number.isFinite(t) ? t : undefined;
}

/** Formats epoch ms as RFC 3339 UTC with milliseconds. */
export function toRfc3339(t: number): string {
  return new Date(t).toISOString();
}

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
