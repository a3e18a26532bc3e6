/**
 * Analyst API over alerts and keys: the alert list (minimum or exact severity, detector,
 * status — `open` or `retracted` — and paging; most severe first by default, or newest
 * `detected_at` first), one alert with its
 * evidence, one stored request by its `request_id` (what an evidence id opens), and the
 * key-custody audit of the key registry. Every read of alerts or requests — they lead to
 * customers' data — is audit-logged once its answer is ready.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { SEVERITIES, type Alert, type Severity } from '../model/index.js';
import { auditKeys } from '../detect/index.js';
import { alertDetail } from './alert-detail.js';
import { principalOf } from './auth.js';
import type { AppContext } from './context.js';
import { HttpError } from './http-error.js';

const severity = z.enum(SEVERITIES as unknown as [Severity, ...Severity[]]);
const listQuery = z.object({
  /** Minimum severity. */
  severity: severity.optional(),
  /** Exactly this severity. */
  only: severity.optional(),
  detector: z.string().min(1).optional(),
  status: z.enum(['open', 'retracted']).optional(),
  sort: z.enum(['severity', 'newest']).default('severity'),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

const RANK = new Map<string, number>(SEVERITIES.map((s, i) => [s, i]));

/** Newest `detected_at` first, then by id (stable paging). */
function newestFirst(a: Alert, b: Alert): number {
  return a.detected_at < b.detected_at ? 1 : a.detected_at > b.detected_at ? -1 : a.alert_id.localeCompare(b.alert_id);
}

/** Most severe first (critical above high), newest first within a severity. */
function mostSevereFirst(a: Alert, b: Alert): number {
  return (RANK.get(a.severity) ?? 9) - (RANK.get(b.severity) ?? 9) || newestFirst(a, b);
}

const badQuery = (e: z.ZodError): HttpError => new HttpError('ERR_BAD_REQUEST', e.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));

/** Registers `/api/v1/alerts*`, `/api/v1/requests/:id` and `/api/v1/audit/key-custody`. */
export function registerAlerts(app: FastifyInstance, ctx: AppContext): void {
  const analyst = { config: { role: 'analyst' as const } };
  app.get('/api/v1/alerts', analyst, async (req: FastifyRequest) => {
    const q = listQuery.safeParse(req.query);
    if (!q.success) throw badQuery(q.error);
    const all = (await ctx.store.listAlerts({
      ...(q.data.severity !== undefined && { minSeverity: q.data.severity }),
      ...(q.data.detector !== undefined && { detector: q.data.detector }),
      ...(q.data.status !== undefined && { status: q.data.status }),
    })).filter((a) => q.data.only === undefined || a.severity === q.data.only);
    all.sort(q.data.sort === 'newest' ? newestFirst : mostSevereFirst);
    const items = all.slice(q.data.offset, q.data.offset + q.data.limit);
    await ctx.audit.write(principalOf(req), 'list_alerts', 'alerts', {
      ip: req.ip, detail: { ...q.data, returned: items.length, total: all.length },
    });
    return { items, total: all.length };
  });

  app.get('/api/v1/alerts/:id', analyst, async (req: FastifyRequest<{ Params: { id: string } }>) => {
    const [alert] = await ctx.store.listAlerts({ alertIds: [req.params.id] });
    if (alert === undefined) throw new HttpError('ERR_NOT_FOUND', 'no such alert');
    const detail = await alertDetail(ctx.store, alert);
    await ctx.audit.write(principalOf(req), 'view_alert', alert.alert_id, { ip: req.ip, detail: { accounts: alert.accounts } });
    return detail;
  });

  app.get('/api/v1/requests/:id', analyst, async (req: FastifyRequest<{ Params: { id: string } }>) => {
    const id = req.params.id;
    if (id === '' || id.length > 1000) throw new HttpError('ERR_BAD_REQUEST', 'a request id is 1–1000 characters');
    const requests = await ctx.store.findRequests(id);
    if (requests.length === 0) throw new HttpError('ERR_NOT_FOUND', 'no stored request has this request_id');
    await ctx.audit.write(principalOf(req), 'view_request', id, { ip: req.ip, detail: { rows: requests.length } });
    return { request_id: id, requests };
  });

  app.get('/api/v1/audit/key-custody', analyst, (_req: FastifyRequest, reply: FastifyReply) => {
    // As of the engine's event time, which the time gate keeps within a plausible bound of the
    // server's clock (never year 9999); the registry's newest date before any event.
    const wm = ctx.pipeline.engine.watermark;
    const t = wm === undefined ? Math.max(0, ...ctx.ref.keys.map((k) => k.created)) : Math.min(wm, ctx.pipeline.gate.latest());
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
