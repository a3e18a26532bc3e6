/**
 * One error type for the whole project. Callers branch on `code`, never on message text;
 * only the CLI and HTTP layers turn a code into an exit status or an HTTP status.
 */

/** Every error code breachwatch raises. */
export type ErrorCode =
  | 'ERR_USAGE'
  | 'ERR_INPUT_UNREADABLE'
  | 'ERR_INPUT_INVALID'
  | 'ERR_STRICT_BAD_LINE'
  | 'ERR_CONFIG'
  | 'ERR_STORE'
  | 'ERR_SIGMA_RULE'
  | 'ERR_SIGMA_UNSUPPORTED'
  | 'ERR_STATE'
  | 'ERR_HOLD'
  | 'ERR_REFUSED'
  | 'ERR_NOT_FOUND'
  | 'ERR_INTERNAL';

/** Base error: a stable machine-readable `code`, a human message, an optional `cause`. */
export class BreachwatchError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BreachwatchError';
    this.code = code;
  }
}

/** True when `e` is a {@link BreachwatchError} (optionally with the given code). */
export function isBreachwatchError(e: unknown, code?: ErrorCode): e is BreachwatchError {
  return e instanceof BreachwatchError && (code === undefined || e.code === code);
}

/** Operating-system error codes that say "not now" rather than "never": out of handles, space or memory. */
const TRANSIENT_ERRNO = new Set(['EMFILE', 'ENFILE', 'ENOSPC', 'EDQUOT', 'EAGAIN', 'EBUSY', 'ENOMEM', 'EIO']);
/** DuckDB's error classes of the same kind (its errors carry no code, only the class in the message). */
const TRANSIENT_DUCKDB = /^(IO|Out of Memory) Error/;

/**
 * True when `e` (or an error in its `cause` chain) is a resource shortage that may pass — too
 * many open files, a full disk, no memory — so the work should be retried later and the
 * service report itself degraded, not failed for good.
 */
export function isTransientError(e: unknown): boolean {
  for (let x: unknown = e, depth = 0; x instanceof Error && depth < 8; x = x.cause, depth++) {
    const code = (x as { code?: unknown }).code;
    if (typeof code === 'string' && TRANSIENT_ERRNO.has(code)) return true;
    if (TRANSIENT_DUCKDB.test(x.message)) return true;
  }
  return false;
}
