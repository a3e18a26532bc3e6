/**
 * Hand-written field checks for the hot path (zod is too slow per line). Callers read each
 * field with a constant key (`o.status`, so property loads stay monomorphic) and pass the
 * value here; a check returns the value or `undefined` and records an {@link Issue} on
 * failure. JSON `null` in an optional field counts as absent.
 */
import type { Issue } from '../model/index.js';
import { parseEventTime } from './event-time.js';

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

  /** A required finite number. */
  reqNumber(v: unknown, path: string): number | undefined {
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    if (v === undefined || v === null) this.add('missing_field', path, `${path} is required`);
    else this.add('bad_type', path, `${path} must be a number`);
    return undefined;
  }

  /** An optional non-negative finite number. */
  optCount(v: unknown, path: string): number | undefined {
    if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return v;
    if (v !== undefined && v !== null) this.add('bad_type', path, `${path} must be a non-negative number`);
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
  return v as Obj;
}
