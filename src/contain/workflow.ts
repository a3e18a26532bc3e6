/**
 * The two-person workflow every action goes through: `propose` (the exact effect, saved and
 * recorded), `approve` (by a second admin: the proposer cannot approve; an approval is taken
 * once and binds the proposal's hash, so a replay or an approval of changed text is refused),
 * `execute` (only approved, only once: a second execution is refused; one that stopped part
 * way is `failed` and resumes when executed again), `status`. Dry runs of `propose` and
 * `execute` show everything and change nothing. Each step goes into the incident's evidence
 * log as a `containment` entry (ids, counts and hashes; no account ids).
 */
import { randomBytes } from 'node:crypto';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { loadStaff } from '../ingest/index.js';
import { BreachwatchError, isBreachwatchError, toRfc3339 } from '../model/index.js';
import type { JsonObject } from '../evidence/index.js';
import { incidentPaths, openIncidentLog, requireIncident, type RespondContext } from '../respond/index.js';
import { BlockInput, executeBlock, planBlock } from './block-sources.js';
import { sha256Canonical } from './digest.js';
import { actionPaths, containmentDir, createOnce, readJsonIfAny, writePrivate } from './files.js';
import { IncompleteExecution, RevokeInput, executeRevoke, planRevoke } from './revoke-sessions.js';
import { executeRotation, planRotation, type RotateParams } from './rotate-key.js';
import type { ActionKind, ActionStatus, Approval, ContainStep, Execution, Proposal } from './types.js';

/** The inputs of a rotate-key proposal. */
export const RotateInput = z.object({
  kid: z.string().min(1),
  registry: z.string().min(1),
  jwks_out: z.string().min(1),
  key_dir: z.string().min(1).optional(),
  key_hook: z.string().min(1).optional(),
  /** What the registry records as the new key's storage when a hook stores it (default `kms`). */
  hook_storage: z.enum(['kms', 'hsm']).optional(),
  custodians: z.array(z.string().min(1)).min(1),
  /** The staff roster: custodians must be current staff. */
  staff: z.string().min(1).optional(),
  new_kid: z.string().min(1).max(100).optional(),
}).strict();
export type RotateInput = z.infer<typeof RotateInput>;

/** What one kind does at each step. */
interface Handler {
  plan(ctx: RespondContext, input: unknown, actionId: string, at: number): Promise<{ params: JsonObject; effect: JsonObject; warnings: string[] }>;
  execute(ctx: RespondContext, p: Proposal, at: number, out: string): Promise<JsonObject>;
  /** What the evidence log records of a proposal (no personal data). */
  summary(p: Proposal): JsonObject;
}

function parse<T>(schema: z.ZodType<T>, input: unknown, kind: ActionKind): T {
  const r = schema.safeParse(input);
  if (!r.success) throw new BreachwatchError('ERR_USAGE', `${kind}: ${r.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ')}`);
  return r.data;
}

const HANDLERS: Record<ActionKind, Handler> = {
  'rotate-key': {
    async plan(ctx, input, actionId, at) {
      const i = parse(RotateInput, input, 'rotate-key');
      const staff = i.staff === undefined ? undefined : new Set((await loadStaff(i.staff)).filter((s) => s.left === undefined || s.left > at).map((s) => s.staff_id));
      const params: RotateParams = {
        kid: i.kid, registry: i.registry, jwks_out: i.jwks_out, key_dir: i.key_dir ?? join(ctx.home, '.contain', 'keys'),
        key_hook: i.key_hook ?? null, storage: i.key_hook === undefined ? 'file' : (i.hook_storage ?? 'kms'), custodians: i.custodians,
        new_kid: i.new_kid ?? `${i.kid.replace(/-r\d{8}-[0-9a-f]{4}$/, '')}-r${toRfc3339(at).slice(0, 10).replaceAll('-', '')}-${actionId.slice(-4)}`,
      };
      const plan = await planRotation(params, staff);
      return { params: { ...params, custodians: [...params.custodians], registry_sha256: plan.registrySha256 }, effect: plan.effect, warnings: plan.warnings };
    },
    execute: (_ctx, p, at, out) => executeRotation(p.params as unknown as RotateParams, p.params['registry_sha256'] as string, at, out),
    summary: (p) => ({ kid: p.params['kid'] ?? null, new_kid: p.params['new_kid'] ?? null, registry_sha256: p.params['registry_sha256'] ?? null }),
  },
  'block-sources': {
    plan: (ctx, input) => planBlock(ctx.store, parse(BlockInput, input, 'block-sources')),
    execute: (_ctx, p, at, out) => executeBlock(p.params, p.action_id, p.incident_id, at, out),
    summary: (p) => {
      const coll = (p.effect['collateral'] ?? []) as { shared?: boolean }[];
      return { entries: (p.params['entries'] as unknown[]).length, shared_entries: coll.filter((c) => c.shared === true).length };
    },
  },
  'revoke-sessions': {
    plan: (ctx, input) => planRevoke(ctx.store, parse(RevokeInput, input, 'revoke-sessions')),
    execute: (ctx, p, at, out) => executeRevoke(ctx.home, p.params, p.action_id, at, out),
    summary: (p) => ({ subjects: (p.params['subjects'] as unknown[]).length, delivery: p.params['push_url'] === undefined ? 'poll' : 'push' }),
  },
};

function now(ctx: RespondContext): number {
  return (ctx.now ?? (() => new Date()))().getTime();
}

function refuse(message: string): never {
  throw new BreachwatchError('ERR_REFUSED', message);
}

function checkActor(who: string): string {
  const w = who.trim();
  if (w === '' || w === '-') throw new BreachwatchError('ERR_USAGE', 'every containment step names the admin taking it');
  return w;
}

/** One step of a proposal, as the evidence log records it. */
interface StepRecord {
  readonly step: ContainStep;
  /** The admin who took it. */
  readonly by: string;
  readonly at: number;
  /** Step-specific fields of the entry. */
  readonly extra: JsonObject;
}

/** Appends one step to the incident's evidence log. */
async function record(ctx: RespondContext, p: Proposal, r: StepRecord): Promise<void> {
  const { step, by, at, extra } = r;
  const log = await openIncidentLog(ctx, incidentPaths(ctx.home, p.incident_id), p.incident_id);
  try {
    await log.append({ kind: 'containment', payload: {
      incident_id: p.incident_id, action_id: p.action_id, action: p.kind, step, by, at: toRfc3339(at),
      proposal_sha256: sha256Canonical(p), ...HANDLERS[p.kind].summary(p), ...extra,
    } });
    await log.checkpoint();
  } finally {
    await log.close();
  }
}

/** What `propose` takes. */
export interface ProposeOptions {
  readonly incidentId: string;
  readonly kind: ActionKind;
  /** The proposing admin. */
  readonly by: string;
  /** The kind's input (RotateInput, BlockInput, RevokeInput), validated here. */
  readonly input: unknown;
  readonly dryRun?: boolean;
}

/** Proposes an action: its exact effect, saved (unless a dry run) and recorded. */
export async function propose(ctx: RespondContext, o: ProposeOptions): Promise<ActionStatus> {
  const by = checkActor(o.by);
  await requireIncident(ctx, o.incidentId);
  const at = now(ctx);
  const actionId = `ca-${toRfc3339(at).slice(0, 10).replaceAll('-', '')}-${randomBytes(4).toString('hex')}`;
  const plan = await HANDLERS[o.kind].plan(ctx, o.input, actionId, at);
  const proposal: Proposal = {
    action_id: actionId, incident_id: o.incidentId, kind: o.kind, proposed_by: by, proposed_at: toRfc3339(at),
    params: plan.params, effect: plan.effect, warnings: plan.warnings,
  };
  const sha = sha256Canonical(proposal);
  if (o.dryRun === true) return { proposal, proposal_sha256: sha, state: 'proposed' };
  const paths = actionPaths(incidentPaths(ctx.home, o.incidentId).dir, actionId);
  await writePrivate(paths.proposal, `${JSON.stringify(proposal, null, 2)}\n`);
  await record(ctx, proposal, { step: 'proposed', by, at, extra: { warnings: plan.warnings.length } });
  return { proposal, proposal_sha256: sha, state: 'proposed' };
}

/** An action's state from its files. */
export async function actionStatus(ctx: RespondContext, incidentId: string, actionId: string): Promise<ActionStatus> {
  const paths = actionPaths(incidentPaths(ctx.home, incidentId).dir, actionId);
  const proposal = await readJsonIfAny<Proposal>(paths.proposal);
  if (proposal === undefined) throw new BreachwatchError('ERR_NOT_FOUND', `incident ${incidentId} has no containment action ${actionId}`);
  const approval = await readJsonIfAny<Approval>(paths.approval);
  const execution = await readJsonIfAny<Execution>(paths.execution);
  const state = execution !== undefined ? execution.state : approval !== undefined ? 'approved' : 'proposed';
  return { proposal, proposal_sha256: sha256Canonical(proposal), state, ...(approval !== undefined && { approval }), ...(execution !== undefined && { execution }) };
}

/** Every action of an incident, oldest first. */
export async function listActions(ctx: RespondContext, incidentId: string): Promise<ActionStatus[]> {
  await requireIncident(ctx, incidentId);
  let names: string[] = [];
  try { names = await readdir(containmentDir(incidentPaths(ctx.home, incidentId).dir)); } catch (e) { if ((e as { code?: string }).code !== 'ENOENT') throw e; }
  const all = await Promise.all(names.filter((n) => n.startsWith('ca-')).map((n) => actionStatus(ctx, incidentId, n)));
  return all.sort((a, b) => a.proposal.proposed_at.localeCompare(b.proposal.proposed_at) || a.proposal.action_id.localeCompare(b.proposal.action_id));
}

/** What `approve` takes. */
export interface ApproveOptions {
  readonly incidentId: string;
  readonly actionId: string;
  readonly by: string;
  /** The proposal hash the approver reviewed; refused when the proposal is not that text. */
  readonly proposalSha256?: string;
}

/** Approves a proposal as a second admin. */
export async function approve(ctx: RespondContext, o: ApproveOptions): Promise<ActionStatus> {
  const by = checkActor(o.by);
  const st = await actionStatus(ctx, o.incidentId, o.actionId);
  if (st.proposal.proposed_by === by) refuse(`two-person rule: ${by} proposed ${o.actionId} and cannot approve it; another admin must`);
  if (st.approval !== undefined) refuse(`${o.actionId} was approved already (by ${st.approval.approved_by} at ${st.approval.approved_at}): an approval is given once`);
  if (o.proposalSha256 !== undefined && o.proposalSha256.toLowerCase() !== st.proposal_sha256) {
    refuse(`the proposal of ${o.actionId} is not the one reviewed (sha256 ${st.proposal_sha256}, not ${o.proposalSha256.slice(0, 64)})`);
  }
  const at = now(ctx);
  const approval: Approval = { action_id: o.actionId, approved_by: by, approved_at: toRfc3339(at), proposal_sha256: st.proposal_sha256 };
  const paths = actionPaths(incidentPaths(ctx.home, o.incidentId).dir, o.actionId);
  if (!await createOnce(paths.approval, `${JSON.stringify(approval, null, 2)}\n`)) refuse(`${o.actionId} was approved already: an approval is given once`);
  await record(ctx, st.proposal, { step: 'approved', by, at, extra: {} });
  return { ...st, state: 'approved', approval };
}

/** What `execute` takes. */
export interface ExecuteOptions {
  readonly incidentId: string;
  readonly actionId: string;
  readonly by: string;
  /** Show what would be done; change nothing. */
  readonly dryRun?: boolean;
}

/** Executes an approved action once (a `failed` one resumes). */
export async function execute(ctx: RespondContext, o: ExecuteOptions): Promise<ActionStatus & { dry_run?: JsonObject }> {
  const by = checkActor(o.by);
  const st = await actionStatus(ctx, o.incidentId, o.actionId);
  if (st.execution?.state === 'executed') refuse(`${o.actionId} was executed already (by ${st.execution.executed_by} at ${st.execution.executed_at}): nothing done twice`);
  if (st.approval === undefined) refuse(`${o.actionId} is not approved: a second admin must approve it first`);
  if (st.approval.proposal_sha256 !== st.proposal_sha256) refuse(`the proposal of ${o.actionId} changed after it was approved: refused`);
  const paths = actionPaths(incidentPaths(ctx.home, o.incidentId).dir, o.actionId);
  if (o.dryRun === true) return { ...st, dry_run: { would: st.proposal.effect, warnings: [...st.proposal.warnings], writes: paths.out } };
  const at = now(ctx);
  if (!await createOnce(paths.lock, JSON.stringify({ pid: process.pid, by, at: toRfc3339(at) }))) {
    refuse(`${o.actionId} is being executed now (lock ${paths.lock}); if no execution runs, remove the lock and execute again`);
  }
  try {
    let execution: Execution;
    try {
      const result = await HANDLERS[st.proposal.kind].execute(ctx, st.proposal, at, paths.out);
      execution = { action_id: o.actionId, executed_by: by, executed_at: toRfc3339(at), state: 'executed', result };
    } catch (e) {
      if (isBreachwatchError(e, 'ERR_REFUSED')) throw e;
      const partial = e instanceof IncompleteExecution ? e.partial : {};
      execution = { action_id: o.actionId, executed_by: by, executed_at: toRfc3339(at), state: 'failed', result: partial, error: (e as Error).message };
    }
    await writePrivate(paths.execution, `${JSON.stringify(execution, null, 2)}\n`);
    await record(ctx, st.proposal, {
      step: execution.state === 'executed' ? 'executed' : 'execution_failed', by, at,
      extra: { result_sha256: sha256Canonical(execution.result), ...(execution.error !== undefined && { error: execution.error.slice(0, 300) }) },
    });
    return { ...st, state: execution.state, execution };
  } finally {
    await rm(paths.lock, { force: true });
  }
}
