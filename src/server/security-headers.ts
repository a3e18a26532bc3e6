/**
 * Response headers of every answer: a strict Content-Security-Policy (the dashboard loads only
 * its own script and stylesheet, talks only to this origin and may not be framed), no MIME
 * sniffing, no referrer, and `Cache-Control: no-store` on everything but the dashboard's
 * content-hashed assets — API answers carry personal data and must not sit in a browser or
 * proxy cache. The headers come from `helmet`, worked out once (`src/http/`); only the policy is
 * ours.
 */
import type { FastifyInstance } from 'fastify';
import { helmetHeaders, registerFixedHeaders } from '../http/index.js';

/** The dashboard's Content-Security-Policy directives. */
export const CSP_DIRECTIVES = {
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  fontSrc: ["'self'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  objectSrc: ["'none'"],
} as const;

const HEADERS = helmetHeaders({
  contentSecurityPolicy: { useDefaults: false, directives: { ...CSP_DIRECTIVES } },
  frameguard: { action: 'deny' },
  referrerPolicy: { policy: 'no-referrer' },
  // Served over plain HTTP on loopback as often as behind TLS: HSTS is the proxy's to set.
  strictTransportSecurity: false,
});

/** Registers the headers on `app` (before any route). */
export function registerSecurityHeaders(app: FastifyInstance): void {
  registerFixedHeaders(app, HEADERS);
  app.addHook('onSend', async (req, reply, payload) => {
    // Vite names assets by content hash: those alone may be cached.
    if (!req.url.startsWith('/assets/')) void reply.header('cache-control', 'no-store');
    return payload;
  });
}
