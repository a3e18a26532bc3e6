/**
 * Operations endpoints: `/healthz` (the process answers), `/readyz` (store and engine up, not
 * shutting down), `/metrics` (Prometheus, analyst role), `/openapi.json` (analyst role), and
 * the dashboard's static files from `web/dist` when it was built.
 */
import { existsSync } from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';
import type { AppContext } from './context.js';
import { HttpError } from './http-error.js';
import { OPENAPI } from './openapi.js';

/** Registers health, readiness, metrics, OpenAPI and the dashboard. */
export async function registerOps(app: FastifyInstance, ctx: AppContext, state: { closing: boolean }): Promise<void> {
  app.get('/healthz', (_req: FastifyRequest, reply: FastifyReply) => reply.send({ status: 'ok' }));
  app.get('/readyz', (_req: FastifyRequest, reply: FastifyReply) => {
    if (state.closing) throw new HttpError('ERR_UNAVAILABLE', 'shutting down');
    if (ctx.pipeline.failed) throw new HttpError('ERR_UNAVAILABLE', 'the store failed');
    return reply.send({ status: 'ready', watermark: ctx.pipeline.engine.watermark ?? null });
  });
  app.get('/metrics', async (req: FastifyRequest, reply: FastifyReply) => {
    ctx.keys.require(req, 'analyst');
    const text = await ctx.metrics.registry.metrics();
    return reply.type(ctx.metrics.registry.contentType).send(text);
  });
  app.get('/openapi.json', (req: FastifyRequest, reply: FastifyReply) => {
    ctx.keys.require(req, 'analyst');
    return reply.send(OPENAPI);
  });
  const dir = ctx.config.dashboard.dir;
  if (existsSync(dir)) await app.register(fastifyStatic, { root: dir, prefix: '/', index: ['index.html'] });
}
