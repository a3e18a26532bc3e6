/**
 * Operations endpoints: `/healthz` (the process answers), `/readyz` (ready; or 503 naming
 * each condition: closing, degraded steps that retry, or failed), `/metrics` (Prometheus, analyst role), `/openapi.json` (analyst role), and
 * the dashboard's static files from `web/dist` when it was built.
 */
import { existsSync } from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';
import type { AppContext } from './context.js';
import { OPENAPI } from './openapi.js';

/** Registers health, readiness, metrics, OpenAPI and the dashboard. */
export async function registerOps(app: FastifyInstance, ctx: AppContext, state: { closing: boolean }): Promise<void> {
  const pub = { config: { role: 'public' as const } };
  const analyst = { config: { role: 'analyst' as const } };
  app.get('/healthz', pub, (_req: FastifyRequest, reply: FastifyReply) => reply.send({ status: 'ok' }));
  // Which condition holds, not just that one does: degraded steps retry on their own and clear.
  app.get('/readyz', pub, (_req: FastifyRequest, reply: FastifyReply) => {
    if (state.closing) return reply.status(503).send({ code: 'ERR_UNAVAILABLE', message: 'shutting down', status: 'closing', conditions: [] });
    const h = ctx.pipeline.health();
    if (h.state === 'ready') return reply.send({ status: 'ready', watermark: ctx.pipeline.engine.watermark ?? null });
    const what = h.conditions.map((c) => `${c.step}: ${c.code}`).join(', ');
    return reply.status(503).header('retry-after', '5').send({
      code: 'ERR_UNAVAILABLE', message: h.state === 'failed' ? `failed (${what}); restart the service` : `degraded (${what}); retrying`,
      status: h.state, conditions: h.conditions,
    });
  });
  app.get('/metrics', analyst, async (_req: FastifyRequest, reply: FastifyReply) => {
    const text = await ctx.metrics.registry.metrics();
    return reply.type(ctx.metrics.registry.contentType).send(text);
  });
  app.get('/openapi.json', analyst, (_req: FastifyRequest, reply: FastifyReply) => {
    return reply.send(OPENAPI);
  });
  const dir = ctx.config.dashboard.dir;
  // Source maps are never served, even when a build left them behind: they are the whole source.
  if (existsSync(dir)) {
    await app.register(fastifyStatic, {
      root: dir, prefix: '/', index: ['index.html'], allowedPath: (path) => !path.endsWith('.map'),
    });
  }
}
