/**
 * Fast event-time parsing for the hot path. Gateways write `YYYY-MM-DDTHH:MM:SS(.mmm)Z`; for
 * that shape we parse minutes, seconds and milliseconds by hand and cache the epoch of the
 * `YYYY-MM-DDTHH` prefix (consecutive lines share it). Every other shape goes to
 * {@link parseRfc3339}, and results are identical to it.
 */
import { parseRfc3339 } from '../model/index.js';

let hourKey = '';
let hourBase = 0;

/** Two ASCII digits at `i` as a number, or -1. */
function two(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/** Parses an RFC 3339 time to epoch ms (same results as `parseRfc3339`), or `undefined`. */
export function parseEventTime(s: string): number | undefined {
  const n = s.length;
  if ((n !== 20 && n !== 24) || s.charCodeAt(n - 1) !== 90 /* Z */ || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) {
    return parseRfc3339(s);
  }
  if (!s.startsWith(hourKey) || hourKey.length !== 13) {
    const base = parseRfc3339(`${s.slice(0, 13)}:00:00Z`);
    if (base === undefined) return parseRfc3339(s);
    hourKey = s.slice(0, 13);
    hourBase = base;
  }
  const min = two(s, 14);
  const sec = two(s, 17);
  if (min < 0 || min > 59 || sec < 0 || sec > 59) return parseRfc3339(s);
  let ms = 0;
  if (n === 24) {
    const h = two(s, 20);
    const u = s.charCodeAt(22) - 48;
    if (s.charCodeAt(19) !== 46 || h < 0 || u < 0 || u > 9) return parseRfc3339(s);
    ms = h * 10 + u;
  }
  return hourBase + min * 60_000 + sec * 1000 + ms;
}

const PREFIX = '{"time":"';

/**
 * Reads `time` without parsing the line, when the line starts with `{"time":"` (as gateways
 * write it): the epoch ms, or `undefined` when the line has another shape (parse it fully
 * instead). Used to order lines before paying for JSON.parse.
 */
export function peekLineTime(line: string): number | undefined {
  if (!line.startsWith(PREFIX)) return undefined;
  const end = line.indexOf('"', 9);
  if (end < 0 || line.charCodeAt(end - 1) === 92 /* backslash */) return undefined;
  return parseEventTime(line.slice(9, end));
}
