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
