/**
 * Containment API: propose an action of an incident (role `admin`), list and read actions
 * (role `analyst`: the dashboard shows them to analysts), approve (a second admin: the
 * proposer's key cannot), execute (once, `admin`). `GET /api/v1/whoami` tells the dashboard
 * which role its key has, so it can disable the buttons that role cannot use. The admin is the API
 * key's name. Paths come from the `contain` config section, never from a request. Every call
 * that changes something, and every refusal, is audit-logged. `GET /api/v1/contain/jwks.json`
 * (public) is the JWKS receivers verify Security Event Tokens against.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ACTION_KINDS, actionStatus, approve, execute, listActions, propose, transmitterJwks, type ActionKind } from '../contain/index.js';
import { isBreachwatchError } from '../model/index.js';
import type { RespondContext } from '../respond/index.js';
import { principalOf } from './auth.js';
import type { AppContext } from './context.js';
import { HttpError } from './http-error.js';

const proposeBody = z.object({
  action: z.enum(ACTION_KINDS as unknown as [ActionKind, ...ActionKind[]]),
  dry_run: z.boolean().optional(),
  kid: z.string().min(1).optional(),
  custodians: z.array(z.string().min(1)).max(100).optional(),
  new_kid: z.string().min(1).max(100).optional(),
  alert_ids: z.array(z.string().min(1)).max(10_000).optional(),
  run_id: z.string().min(1).optional(),
  sources: z.array(z.string().min(1)).max(10_000).optional(),
  subnets: z.boolean().optional(),
  expires_hours: z.number().positive().optional(),
  accounts: z.array(z.string().min(1)).max(1_000_000).optional(),
}).strict();
const approveBody = z.object({ proposal_sha256: z.string().regex(/^[0-9a-f]{64}$/).optional() }).strict();
const executeBody = z.object({ dry_run: z.boolean().optional() }).strict();

function body<T>(req: FastifyRequest, schema: z.ZodType<T>): T {
  let raw: unknown = {};
  if (Buffer.isBuffer(req.body) && req.body.length > 0) {
    try { raw = JSON.parse(req.body.toString('utf8')) as unknown; } catch { throw new HttpError('ERR_BAD_REQUEST', 'body must be JSON'); }
  }
  const b = schema.safeParse(raw);
  if (!b.success) throw new HttpError('ERR_BAD_REQUEST', b.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
  return b.data;
}

type P = { Params: { incident: string; action: string } };

/** Registers `/api/v1/incidents/:incident/containment*`, `/api/v1/whoami` and `/api/v1/contain/jwks.json`. */
export function registerContain(app: FastifyInstance, ctx: AppContext): void {
  const admin = { config: { role: 'admin' as const } };
  const analyst = { config: { role: 'analyst' as const } };
  const cfg = ctx.config.contain;
  const rctx = (): RespondContext => {
    if (cfg === undefined) throw new HttpError('ERR_NOT_FOUND', 'containment is not configured on this server (config section contain)');
    return { store: ctx.store, home: cfg.home };
  };
  /** Runs a step; a refusal is audit-logged too, then answered. */
  const step = async <T>(req: FastifyRequest, action: string, object: string, fn: () => Promise<T>, detail: (r: T) => Record<string, unknown>): Promise<T> => {
    const who = principalOf(req);
    try {
      const r = await fn();
      await ctx.audit.write(who, action, object, { ip: req.ip, detail: detail(r) });
      return r;
    } catch (e) {
      if (isBreachwatchError(e, 'ERR_REFUSED') || isBreachwatchError(e, 'ERR_USAGE')) {
        await ctx.audit.write(who, `${action}_refused`, object, { ip: req.ip, detail: { code: e.code } });
      }
      throw e;
    }
  };

  app.get('/api/v1/contain/jwks.json', { config: { role: 'public' as const } }, async () => transmitterJwks(rctx().home));

  app.post('/api/v1/incidents/:incident/containment', admin, async (req: FastifyRequest<P>, reply) => {
    const b = body(req, proposeBody);
    const c = rctx();
    const cf = cfg ?? { issuer: 'breachwatch' };
    const input = b.action === 'rotate-key'
      ? { kid: b.kid, registry: cfg?.registry, jwks_out: cfg?.jwks_out, custodians: b.custodians ?? [], ...(cfg?.key_dir !== undefined && { key_dir: cfg.key_dir }),
        ...(cfg?.key_hook !== undefined && { key_hook: cfg.key_hook }), ...(cfg?.hook_storage !== undefined && { hook_storage: cfg.hook_storage }),
        ...(cfg?.staff !== undefined && { staff: cfg.staff }), ...(b.new_kid !== undefined && { new_kid: b.new_kid }) }
      : b.action === 'block-sources'
        ? { ...(b.alert_ids !== undefined && { alert_ids: b.alert_ids }), ...(b.run_id !== undefined && { run_id: b.run_id }), ...(b.sources !== undefined && { sources: b.sources }),
          ...(b.subnets !== undefined && { subnets: b.subnets }), ...(b.expires_hours !== undefined && { expires_hours: b.expires_hours }) }
        : { issuer: cf.issuer, audience: cfg?.audience, subject_issuer: cfg?.subject_issuer, ...(b.alert_ids !== undefined && { alert_ids: b.alert_ids }),
          ...(b.run_id !== undefined && { run_id: b.run_id }), ...(b.accounts !== undefined && { accounts: b.accounts }),
          ...(cfg?.push_url !== undefined && { push_url: cfg.push_url }), ...(cfg?.push_auth_env !== undefined && { push_auth_env: cfg.push_auth_env }) };
    const r = await step(req, 'contain_propose', req.params.incident, () => propose(c, {
      incidentId: req.params.incident, kind: b.action, by: principalOf(req).name, input, ...(b.dry_run === true && { dryRun: true }),
    }), (s) => ({ action_id: s.proposal.action_id, kind: s.proposal.kind, dry_run: b.dry_run === true }));
    return reply.status(b.dry_run === true ? 200 : 201).send(r);
  });

  app.get('/api/v1/whoami', analyst, (req, reply) => reply.send(principalOf(req)));

  app.get('/api/v1/incidents/:incident/containment', analyst, async (req: FastifyRequest<P>) => ({ actions: await listActions(rctx(), req.params.incident) }));

  app.get('/api/v1/incidents/:incident/containment/:action', analyst, async (req: FastifyRequest<P>) => actionStatus(rctx(), req.params.incident, req.params.action));

  app.post('/api/v1/incidents/:incident/containment/:action/approve', admin, async (req: FastifyRequest<P>) => {
    const b = body(req, approveBody);
    const c = rctx();
    return step(req, 'contain_approve', req.params.action, () => approve(c, {
      incidentId: req.params.incident, actionId: req.params.action, by: principalOf(req).name, ...(b.proposal_sha256 !== undefined && { proposalSha256: b.proposal_sha256 }),
    }), () => ({ incident: req.params.incident }));
  });

  app.post('/api/v1/incidents/:incident/containment/:action/execute', admin, async (req: FastifyRequest<P>) => {
    const b = body(req, executeBody);
    const c = rctx();
    return step(req, 'contain_execute', req.params.action, () => execute(c, {
      incidentId: req.params.incident, actionId: req.params.action, by: principalOf(req).name, ...(b.dry_run === true && { dryRun: true }),
    }), (s) => ({ incident: req.params.incident, state: s.state, dry_run: b.dry_run === true }));
  });
}
