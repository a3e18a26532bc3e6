/**
 * Builds the fastify application: every body read as bytes (gzip decoded first, the body
 * limit applying to the decoded size), deadlines on every socket and a connection cap, the
 * security headers, authentication of every route before its body is read, the one error
 * handler, request logging limited to method, route template, status and time, and every
 * route group.
 */
import { createGunzip } from 'node:zlib';
import type { Socket } from 'node:net';
import type { Transform } from 'node:stream';
import Fastify, { LogController } from 'fastify';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { FastifyBaseLogger } from 'fastify';
import { registerAlerts } from './alert-routes.js';
import type { AppContext } from './context.js';
import { errorHandler, HttpError } from './http-error.js';
import { registerIncidents } from './incident-routes.js';
import { registerIngest } from './ingest-routes.js';
import { registerOps } from './ops-routes.js';
import { registerOtlp } from './otlp.js';
import { registerScope } from './scope-routes.js';
import { registerContain } from './contain-routes.js';
import { registerAuth } from './auth.js';
import { registerSecurityHeaders } from './security-headers.js';

/** Shared flag: set while shutting down (readiness answers 503). */
export interface AppState { closing: boolean }

function gunzipped(req: FastifyRequest, payload: NodeJS.ReadableStream): NodeJS.ReadableStream {
  const enc = String(req.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (enc === 'identity') return payload;
  if (enc !== 'gzip') throw new HttpError('ERR_BAD_REQUEST', `unsupported Content-Encoding ${enc.slice(0, 20)}`);
  const gz = createGunzip() as unknown as Transform & { receivedEncodedLength: number };
  // fastify compares the encoded length with Content-Length; the limit applies to decoded bytes.
  gz.receivedEncodedLength = 0;
  payload.on('data', (c: Buffer) => { gz.receivedEncodedLength += c.length; });
  payload.on('error', (e: Error) => gz.destroy(e));
  payload.pipe(gz);
  return gz;
}

const ROUTES = new WeakMap<object, { method: string; url: string }[]>();

/** Every route registered on an app built by {@link buildApp} (for the OpenAPI test). */
export function listRoutes(app: FastifyInstance): { method: string; url: string }[] {
  return ROUTES.get(app) ?? [];
}

/**
 * Node closes a socket silent for `connectionTimeout` even while its request is being worked
 * on (a scope query on a loaded machine): with a `timeout` listener it leaves that to us, and
 * only sockets with no request in flight are closed. A slow sender is still bounded by the
 * headers and request timeouts.
 */
function closeOnlyIdle(app: FastifyInstance): void {
  const inFlight = new WeakMap<Socket, number>();
  const add = (s: Socket, d: number): void => { inFlight.set(s, Math.max(0, (inFlight.get(s) ?? 0) + d)); };
  app.server.on('timeout', (socket: Socket) => {
    if ((inFlight.get(socket) ?? 0) === 0) socket.destroy();
  });
  app.addHook('onRequest', (req, _reply, done) => { add(req.raw.socket, 1); done(); });
  app.addHook('onResponse', (req, _reply, done) => { add(req.raw.socket, -1); done(); });
  app.addHook('onRequestAbort', (req, done) => { add(req.raw.socket, -1); done(); });
}

/** The application for `ctx`, not yet listening. */
export async function buildApp(ctx: AppContext, logger: FastifyBaseLogger, state: AppState): Promise<FastifyInstance> {
  const h = ctx.config.http;
  const app = Fastify({
    loggerInstance: logger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: h.body_limit_bytes,
    genReqId: () => crypto.randomUUID(),
    return503OnClosing: true,
    // Every socket has a deadline: idle ones (which once exhausted the file handles) are closed.
    connectionTimeout: h.connection_timeout_ms,
    requestTimeout: h.request_timeout_ms,
    keepAliveTimeout: h.keep_alive_timeout_ms,
    maxRequestsPerSocket: h.max_requests_per_socket,
  });
  // Node requires headersTimeout ≤ requestTimeout; a connection over the cap is closed at once.
  app.server.headersTimeout = Math.min(h.headers_timeout_ms, h.request_timeout_ms);
  app.server.maxConnections = h.max_connections;
  closeOnlyIdle(app);
  const routes: { method: string; url: string }[] = [];
  ROUTES.set(app, routes);
  app.addHook('onRoute', (r) => {
    for (const m of [r.method].flat()) if (m !== 'HEAD') routes.push({ method: m, url: r.url });
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  app.addHook('preParsing', async (req, _reply, payload) => gunzipped(req, payload) as typeof payload);
  app.setErrorHandler((err, req, reply) => {
    const z = (err as { code?: unknown }).code;
    if (typeof z === 'string' && z.startsWith('Z_')) {
      errorHandler(new HttpError('ERR_BAD_REQUEST', 'the body is not valid gzip'), req, reply);
      return;
    }
    errorHandler(err, req, reply);
  });
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    ctx.metrics.requests.inc({ route, status: String(reply.statusCode) });
    req.log.debug({ method: req.method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
  });
  registerSecurityHeaders(app);
  registerAuth(app, { keys: ctx.keys, audit: ctx.audit, maxFailures: ctx.config.auth.max_failures, windowS: ctx.config.auth.window_s, trustS: ctx.config.auth.trust_s });
  registerIngest(app, ctx);
  registerOtlp(app, ctx);
  registerAlerts(app, ctx);
  registerScope(app, ctx);
  registerIncidents(app, ctx);
  registerContain(app, ctx);
  await registerOps(app, ctx, state);
  return app;
}
