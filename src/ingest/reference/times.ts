/**
 * Time fields of reference files: RFC 3339, or a plain `YYYY-MM-DD` date (midnight UTC) —
 * rosters are often kept with dates only. Accepting more than the contract is allowed.
 */
import { z } from 'zod';
import { parseRfc3339 } from '../../model/index.js';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** Parses a reference-file time to epoch ms, or `undefined`. */
export function parseRefTime(s: string): number | undefined {
  return DATE_ONLY.test(s) ? parseRfc3339(`${s}T00:00:00Z`) : parseRfc3339(s);
}

/** zod: an RFC 3339 time (or date) string → epoch ms. */
export const zTime = z.string().transform((s, ctx) => {
  const t = parseRefTime(s);
  if (t === undefined) {
    ctx.addIssue({ code: 'custom', message: 'not an RFC 3339 time (or YYYY-MM-DD date)' });
    return z.NEVER;
  }
  return t;
});

/** zod: an optional, nullable time; `null`, missing and `""` all mean "none". */
export const zOptTime = z.union([z.null(), z.literal(''), zTime]).optional()
  .transform((v) => (typeof v === 'number' ? v : null));
