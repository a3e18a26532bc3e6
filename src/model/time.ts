/**
 * Event-time helpers. breachwatch never reads the wall clock to judge events.
 */

/** RFC 3339 timestamp with a zone (Z or ±hh:mm), optional fraction. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** Parses an RFC 3339 time to epoch ms, or returns `undefined` when it is not one. */
export function parseRfc3339(s: string): number | undefined {
  if (!RFC3339.test(s)) return undefined;
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
