/**
 * Analyst API over alerts and keys: the alert list (minimum severity, detector, status — `open`
 * or `retracted` — and paging; newest `detected_at` first), one alert with its evidence (audit-logged: it leads to customers'
 * data), and the key-custody audit of the key registry.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { SEVERITIES, type Alert, type Severity } from '../model/index.js';
import { auditKeys } from '../detect/index.js';
import { alertDetail } from './alert-detail.js';
import type { AppContext } from './context.js';
import { HttpError } from './http-error.js';

const listQuery = z.object({
  severity: z.enum(SEVERITIES as unknown as [Severity, ...Severity[]]).optional(),
  detector: z.string().min(1).optional(),
  status: z.enum(['open', 'retracted']).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

/** Newest `detected_at` first, then by id (stable paging). */
function newestFirst(a: Alert, b: Alert): number {
  return a.detected_at < b.detected_at ? 1 : a.detected_at > b.detected_at ? -1 : a.alert_id.localeCompare(b.alert_id);
}

/** Registers `/api/v1/alerts*` and `/api/v1/audit/key-custody`. */
export function registerAlerts(app: FastifyInstance, ctx: AppContext): void {
  app.get('/api/v1/alerts', async (req: FastifyRequest) => {
    ctx.keys.require(req, 'analyst');
    const q = listQuery.safeParse(req.query);
    if (!q.success) throw new HttpError('ERR_BAD_REQUEST', q.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    const all = await ctx.store.listAlerts({
      ...(q.data.severity !== undefined && { minSeverity: q.data.severity }),
      ...(q.data.detector !== undefined && { detector: q.data.detector }),
      ...(q.data.status !== undefined && { status: q.data.status }),
    });
    all.sort(newestFirst);
    return { items: all.slice(q.data.offset, q.data.offset + q.data.limit), total: all.length };
  });

  app.get('/api/v1/alerts/:id', async (req: FastifyRequest<{ Params: { id: string } }>) => {
    const who = ctx.keys.require(req, 'analyst');
    const [alert] = await ctx.store.listAlerts({ alertIds: [req.params.id] });
    if (alert === undefined) throw new HttpError('ERR_NOT_FOUND', 'no such alert');
    await ctx.audit.write(who, 'view_alert', alert.alert_id, { ip: req.ip, detail: { accounts: alert.accounts } });
    return alertDetail(ctx.store, alert);
  });

  app.get('/api/v1/audit/key-custody', (req: FastifyRequest, reply: FastifyReply) => {
    ctx.keys.require(req, 'analyst');
    // As of the engine's event time (never the wall clock); the registry's newest date before any event.
    const wm = ctx.pipeline.engine.watermark;
    const t = wm ?? Math.max(0, ...ctx.ref.keys.map((k) => k.created));
    const verdicts = new Map(auditKeys(ctx.ref.keys, ctx.ref.staff, t, ctx.config.detect.max_key_age_days).map((v) => [v.kid, v]));
    return reply.send({
      as_of: new Date(t).toISOString(),
      keys: ctx.ref.keys.map((k) => {
        const v = verdicts.get(k.kid);
        return {
          kid: k.kid, storage: k.storage, created: new Date(k.created).toISOString(),
          ...(v !== undefined && { severity: v.severity }), reasons: v?.reasons ?? [],
        };
      }),
    });
  });
}
