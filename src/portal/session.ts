/**
 * Sessions and CSRF. A browser holds one random token in an HttpOnly, Secure, SameSite=Strict
 * cookie (`__Host-bw_sid`); the server keeps only the token's SHA-256, and only once the
 * person has asked for a code. The token is replaced when a code is asked for and again when it
 * is verified (no fixation). Every form carries a CSRF token, an HMAC of the cookie token under
 * the portal's secret, checked in constant time.
 */
import { createHmac, hash, timingSafeEqual, type KeyObject } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomBase64url } from './random.js';

/** Cookie settings. */
export interface CookieSettings {
  readonly secure: boolean;
  readonly maxAgeS: number;
}

/** The cookie's name (`__Host-` needs Secure; without it the plain name). */
export const cookieName = (secure: boolean): string => (secure ? '__Host-bw_sid' : 'bw_sid');

/** A new cookie token. */
export const newToken = (): string => randomBase64url(32);

/** The id a session is stored under: SHA-256 of its token. */
export const sessionId = (token: string): string => hash('sha256', token, 'hex');

/** The CSRF token of a cookie token. */
export function csrfOf(secret: KeyObject, token: string): string {
  return createHmac('sha256', secret).update(`csrf:${token}`).digest('base64url');
}

/** True when `given` is the CSRF token of `token` (constant time). */
export function csrfOk(secret: KeyObject, token: string, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(csrfOf(secret, token));
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The request's cookie token, when it has a well-formed one. */
export function tokenOf(req: FastifyRequest, secure: boolean): string | undefined {
  const v = req.cookies[cookieName(secure)];
  return v !== undefined && /^[A-Za-z0-9_-]{43}$/.test(v) ? v : undefined;
}

/** Sets the cookie to `token`. */
export function setToken(reply: FastifyReply, token: string, c: CookieSettings): void {
  void reply.setCookie(cookieName(c.secure), token, { httpOnly: true, secure: c.secure, sameSite: 'strict', path: '/', maxAge: c.maxAgeS });
}

/** Removes the cookie. */
export function clearToken(reply: FastifyReply, c: CookieSettings): void {
  void reply.clearCookie(cookieName(c.secure), { httpOnly: true, secure: c.secure, sameSite: 'strict', path: '/' });
}
