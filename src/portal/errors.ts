/**
 * The portal's answers to requests it refuses: a code (a closed union), its status from one
 * exhaustive map, and a message safe to show (never an identifier or a code). Browsers get
 * an HTML page with the message; other clients `{code, message}`.
 */

/** Why the portal refused a request. */
export type PortalCode =
  | 'ERR_BAD_REQUEST' | 'ERR_CSRF' | 'ERR_SESSION' | 'ERR_RATE_LIMITED' | 'ERR_LOCKED' | 'ERR_NOT_FOUND'
  | 'ERR_NOT_AFFECTED' | 'ERR_TOO_LARGE' | 'ERR_INTERNAL';

/** The status of every code. */
export const PORTAL_STATUS: Record<PortalCode, number> = {
  ERR_BAD_REQUEST: 400, ERR_CSRF: 403, ERR_SESSION: 401, ERR_RATE_LIMITED: 429, ERR_LOCKED: 429, ERR_NOT_FOUND: 404,
  ERR_NOT_AFFECTED: 409, ERR_TOO_LARGE: 413, ERR_INTERNAL: 500,
};

/** A refusal raised by a route. */
export class PortalError extends Error {
  constructor(readonly code: PortalCode, message: string, readonly retryAfterS?: number) {
    super(message);
    this.name = 'PortalError';
  }
}
