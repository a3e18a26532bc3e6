/**
 * Scope API: start a job (202 `{job_id}`; 429 when the job queue is full), read its status and
 * summary, download its affected-accounts CSV. The key is checked before the body is read
 * (the app's authentication hook); reads of results — customers' data — are audit-logged once
 * the result is in hand, before it is sent.
 */
import { createReadStream, type ReadStream } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { SEVERITIES, type Severity } from '../model/index.js';
import { principalOf } from './auth.js';
import { PIVOT_STEPS, type PivotStep } from '../scope/index.js';
import type { AppContext } from './context.js';
import { HttpError } from './http-error.js';

const startBody = z.object({
  min_severity: z.enum(SEVERITIES as unknown as [Severity, ...Severity[]]).optional(),
  alert_ids: z.array(z.string().min(1)).max(10_000).optional(),
  /** Pivot steps to follow (default all; `[]` none). */
  pivots: z.array(z.enum(PIVOT_STEPS as unknown as [PivotStep, ...PivotStep[]])).optional(),
}).strict();

/** Opens `path` for streaming, or 404 when it is gone (a pruned job). */
function openResult(path: string): Promise<ReadStream> {
  return new Promise((res, rej) => {
    const s = createReadStream(path);
    s.once('open', () => res(s));
    s.once('error', () => rej(new HttpError('ERR_NOT_FOUND', 'the scope result is no longer available')));
  });
}

/** Registers `/api/v1/scope*`. */
export function registerScope(app: FastifyInstance, ctx: AppContext): void {
  const analyst = { config: { role: 'analyst' as const } };
  app.post('/api/v1/scope', analyst, async (req: FastifyRequest, reply: FastifyReply) => {
    const who = principalOf(req);
    let raw: unknown = {};
    if (Buffer.isBuffer(req.body) && req.body.length > 0) {
      try { raw = JSON.parse(req.body.toString('utf8')) as unknown; } catch { throw new HttpError('ERR_BAD_REQUEST', 'body must be JSON'); }
    }
    const b = startBody.safeParse(raw);
    if (!b.success) throw new HttpError('ERR_BAD_REQUEST', b.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    const job = ctx.scope.start(who.name, {
      ...(b.data.min_severity !== undefined && { minSeverity: b.data.min_severity }),
      ...(b.data.alert_ids !== undefined && { alertIds: b.data.alert_ids }),
      ...(b.data.pivots !== undefined && { pivots: { steps: b.data.pivots } }),
    });
    if (job === undefined) throw new HttpError('ERR_BUSY', 'too many scope jobs are running or waiting; retry later', ctx.config.queue.retry_after_s * 5);
    await ctx.audit.write(who, 'run_scope', job.job_id, { ip: req.ip, detail: { ...b.data } });
    return reply.status(202).send({ job_id: job.job_id });
  });

  app.get('/api/v1/scope/:job', analyst, async (req: FastifyRequest<{ Params: { job: string } }>, reply: FastifyReply) => {
    const job = ctx.scope.get(req.params.job);
    if (job === undefined) throw new HttpError('ERR_NOT_FOUND', 'no such scope job');
    if (job.result !== undefined) {
      const accounts = (job.result as { accounts_affected?: number }).accounts_affected;
      await ctx.audit.write(principalOf(req), 'view_scope', job.job_id, { ip: req.ip, detail: { accounts: accounts ?? null } });
    }
    return reply.send({
      job_id: job.job_id, status: job.status,
      ...(job.result !== undefined && { result: job.result }), ...(job.error !== undefined && { error: job.error }),
    });
  });

  app.get('/api/v1/scope/:job/affected_accounts.csv', analyst, async (req: FastifyRequest<{ Params: { job: string } }>, reply: FastifyReply) => {
    const job = ctx.scope.get(req.params.job);
    if (job === undefined) throw new HttpError('ERR_NOT_FOUND', 'no such scope job');
    if (job.status !== 'done') throw new HttpError('ERR_NOT_FOUND', `scope job is ${job.status}`);
    const stream = await openResult(join(job.dir, 'affected_accounts.csv'));
    const accounts = (job.result as { accounts_affected?: number } | undefined)?.accounts_affected;
    try {
      await ctx.audit.write(principalOf(req), 'download_affected_accounts', job.job_id, { ip: req.ip, detail: { accounts: accounts ?? null } });
    } catch (e) {
      stream.destroy();
      throw e;
    }
    return reply.type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="affected_accounts-${job.job_id}.csv"`)
      .send(stream);
  });
}
