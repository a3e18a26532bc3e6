/**
 * The service's pino logger options. Tokens, API keys, JWTs and personal fields are redacted
 * wherever they appear in a logged object; request logging is limited to method, route, status
 * and timing (fastify's default serializers drop bodies; the query string is cut off the URL).
 */
import type { LoggerOptions } from 'pino';

/** Paths censored in every log line. */
export const REDACT_PATHS = [
  'req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]', 'headers.authorization',
  'authorization', 'token', 'jwt', 'secret', 'api_key', 'apiKey', 'password',
  '*.token', '*.jwt', '*.secret', '*.api_key', '*.password', '*.authorization',
  'email', 'phone', 'name', 'address', 'account_id', 'sub', 'salt', 'honey', '*.salt', '*.honey',
  '*.email', '*.phone', '*.address', '*.account_id', '*.sub', '*.*.email', '*.*.phone', '*.*.token', '*.*.jwt',
];

/** pino options for `serve` at `level`. */
export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: {
      req: (r: { method?: string; url?: string; routeOptions?: { url?: string }; ip?: string }) => ({
        method: r.method,
        // The route template, never the concrete URL (ids and query strings may be personal).
        route: r.routeOptions?.url ?? (r.url ?? '').split('?')[0],
        ip: r.ip,
      }),
      res: (r: { statusCode?: number }) => ({ statusCode: r.statusCode }),
    },
  };
}
