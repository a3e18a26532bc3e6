/**
 * Hand-written field checks for the hot path (zod is too slow per line). Callers read each
 * field with a constant key (`o.status`, so property loads stay monomorphic) and pass the
 * value here; a check returns the value or `undefined` and records an {@link Issue} on
 * failure. JSON `null` in an optional field counts as absent.
 */
import type { Issue } from '../model/index.js';
import { parseEventTime } from './event-time.js';
import { rangeProblem, type RangedField } from './field-ranges.js';

/** A JSON object as read from a line. */
export type Obj = Record<string, unknown>;

/** Collects the issues of one record. Reused from line to line: reset `issues` first. */
export class FieldChecker {
  issues: Issue[] | undefined;

  add(code: string, path: string, message: string): void {
    (this.issues ??= []).push({ code, path, message });
  }

  /** A required string. */
  reqString(v: unknown, path: string): string | undefined {
    if (typeof v === 'string') return v;
    if (v === undefined || v === null) this.add('missing_field', path, `${path} is required`);
    else this.add('bad_type', path, `${path} must be a string`);
    return undefined;
  }

  /** An optional string. */
  optString(v: unknown, path: string): string | undefined {
    if (typeof v === 'string') return v;
    if (v !== undefined && v !== null) this.add('bad_type', path, `${path} must be a string`);
    return undefined;
  }

  /** A required number within its range (`FIELD_RANGES` in `field-ranges.ts`). */
  reqNumber(v: unknown, path: RangedField): number | undefined {
    if (typeof v === 'number') return this.inRange(v, path);
    if (v === undefined || v === null) this.add('missing_field', path, `${path} is required`);
    else this.add('bad_type', path, `${path} must be a number`);
    return undefined;
  }

  /** An optional number within its range; JSON `null` counts as absent. */
  optNumber(v: unknown, path: RangedField): number | undefined {
    if (typeof v === 'number') return this.inRange(v, path);
    if (v !== undefined && v !== null) this.add('bad_type', path, `${path} must be a number`);
    return undefined;
  }

  /** `v` when inside `path`'s range, else an `out_of_range` issue. */
  private inRange(v: number, path: RangedField): number | undefined {
    const problem = rangeProblem(path, v);
    if (problem === undefined) return v;
    this.add('out_of_range', path, problem);
    return undefined;
  }

  /**
   * An optional id: a string, where `""` means no id (it must not make two requests "the same"
   * for request-id dedup).
   */
  optId(v: unknown, path: string): string | undefined {
    if (typeof v === 'string') return v === '' ? undefined : v;
    if (v !== undefined && v !== null) this.add('bad_type', path, `${path} must be a string`);
    return undefined;
  }

  /** The required RFC 3339 `time`, as epoch ms. */
  time(v: unknown): number | undefined {
    const s = this.reqString(v, 'time');
    if (s === undefined) return undefined;
    const t = parseEventTime(s);
    if (t === undefined) this.add('bad_time', 'time', `time is not RFC 3339: ${JSON.stringify(s.slice(0, 40))}`);
    return t;
  }
}

/** Parses a line as a JSON object; on failure records the issue in `fc` and returns `undefined`. */
export function parseObject(text: string, fc: FieldChecker): Obj | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    fc.add('bad_json', '$', e instanceof Error ? e.message.slice(0, 200) : 'invalid JSON');
    return undefined;
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    fc.add('not_object', '$', 'line is not a JSON object');
    return undefined;
  }
  // Only a \u escape can make a lone surrogate (bytes that are not UTF-8 are refused before),
  // so the walk runs only for lines that spell one. Most lines hold no `\u` at all, and
  // indexOf finds that faster than the pattern does.
  if (text.indexOf('\\u') >= 0 && SURROGATE_ESCAPE.test(text)) {
    const at = loneSurrogateAt(v, '$', 0);
    if (at !== undefined) {
      fc.add('lone_surrogate', at, `${at} holds a lone UTF-16 surrogate (a \\u escape that is not valid Unicode text; stores refuse it)`);
      return undefined;
    }
  }
  return v as Obj;
}

/** A JSON escape of a UTF-16 surrogate (paired or not). */
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;
/** A surrogate code unit without its partner. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The JSON path of the first string (or key) in `v` holding a lone surrogate, if any. */
function loneSurrogateAt(v: unknown, path: string, depth: number): string | undefined {
  if (typeof v === 'string') return LONE_SURROGATE.test(v) ? path : undefined;
  if (typeof v !== 'object' || v === null || depth > 32) return undefined;
  for (const [k, x] of Object.entries(v)) {
    if (LONE_SURROGATE.test(k)) return path;
    const at = loneSurrogateAt(x, Array.isArray(v) ? `${path}[${k}]` : `${path}.${k}`, depth + 1);
    if (at !== undefined) return at;
  }
  return undefined;
}
