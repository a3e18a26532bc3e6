/**
 * Bad input is data, not an exception: parsers return a {@link ParseResult}.
 */

/** Where a piece of input came from: file (or `-`) and 1-based line. */
export interface SourceRef {
  readonly file: string;
  readonly line: number;
  /**
   * The feed the line came from when `file` does not name it (`serve`: one name per delivery,
   * so the ingest channel and the sender's address go here). Clock offsets are kept per feed.
   */
  readonly feed?: string;
}

/** One problem found in one piece of input. */
export interface Issue {
  /** Stable reason code, e.g. `bad_json`, `missing_field`, `bad_time`, `line_too_long`, `bad_utf8`, `duplicate_request_id`. */
  readonly code: string;
  /** Human-readable explanation. */
  readonly message: string;
  /** JSON path inside the record, when the problem is one field. */
  readonly path?: string;
}

/** Result of parsing one record. */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; issues: Issue[] };
