/**
 * The HTTP layer's errors and its one error handler. Only this file knows status codes: every
 * BreachwatchError code (and the few HTTP-only codes below) maps to a status, and every error
 * answers `{code, message}`. Internal errors never echo their message (it may hold data).
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isBreachwatchError, type ErrorCode } from '../model/index.js';

/** Codes that exist only at the HTTP layer. */
export type HttpCode =
  | 'ERR_UNAUTHORIZED' | 'ERR_FORBIDDEN' | 'ERR_NOT_FOUND' | 'ERR_BUSY' | 'ERR_TOO_LARGE'
  | 'ERR_UNAVAILABLE' | 'ERR_BAD_REQUEST' | 'ERR_RATE_LIMITED';

/** An error raised by a route, with an HTTP-only code. */
export class HttpError extends Error {
  constructor(readonly code: HttpCode, message: string, readonly retryAfterS?: number) {
    super(message);
    this.name = 'HttpError';
  }
}

const STATUS: Record<ErrorCode | HttpCode, number> = {
  ERR_USAGE: 400, ERR_INPUT_INVALID: 400, ERR_INPUT_UNREADABLE: 400, ERR_STRICT_BAD_LINE: 400,
  ERR_SIGMA_RULE: 400, ERR_SIGMA_UNSUPPORTED: 400, ERR_BAD_REQUEST: 400,
  ERR_UNAUTHORIZED: 401, ERR_FORBIDDEN: 403, ERR_NOT_FOUND: 404, ERR_TOO_LARGE: 413, ERR_BUSY: 429, ERR_RATE_LIMITED: 429, ERR_HOLD: 409, ERR_REFUSED: 409,
  ERR_CONFIG: 500, ERR_STATE: 500, ERR_INTERNAL: 500, ERR_STORE: 503, ERR_UNAVAILABLE: 503,
};

/** The status for an error code (500 for unknown codes). */
export function statusOf(code: string): number {
  return (STATUS as Record<string, number>)[code] ?? 500;
}

/** Fastify's own errors that carry a client-side status. */
function fastifyClientError(e: FastifyError): { code: HttpCode; status: number } | undefined {
  if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || e.statusCode === 413) return { code: 'ERR_TOO_LARGE', status: 413 };
  if (e.validation !== undefined || (e.statusCode !== undefined && e.statusCode >= 400 && e.statusCode < 500)) {
    return { code: 'ERR_BAD_REQUEST', status: e.statusCode ?? 400 };
  }
  return undefined;
}

/** The one error handler: `{code, message}` with the mapped status. */
export function errorHandler(err: unknown, req: FastifyRequest, reply: FastifyReply): void {
  if (err instanceof HttpError) {
    if (err.retryAfterS !== undefined) void reply.header('retry-after', String(err.retryAfterS));
    void reply.status(statusOf(err.code)).send({ code: err.code, message: err.message });
    return;
  }
  if (isBreachwatchError(err)) {
    const status = statusOf(err.code);
    if (status >= 500) req.log.error({ code: err.code }, err.message);
    if (err.code === 'ERR_STORE') void reply.header('retry-after', '5');
    void reply.status(status).send({ code: err.code, message: status >= 500 ? 'internal failure; see the server log' : err.message });
    return;
  }
  const fe = err as FastifyError;
  const client = fastifyClientError(fe);
  if (client !== undefined) {
    void reply.status(client.status).send({ code: client.code, message: client.code === 'ERR_TOO_LARGE' ? 'request body over the size limit' : fe.message });
    return;
  }
  req.log.error({ err: { message: fe.message, stack: fe.stack } }, 'unhandled error');
  void reply.status(500).send({ code: 'ERR_INTERNAL', message: 'internal failure; see the server log' });
}
