/**
 * Analyst API over incidents (`/api/v1/incidents*`): the list, one incident with its legal
 * clocks and counts (persons, fields), its saved scope runs and their summaries, notice
 * delivery progress from the delivery ledger, regulator reports (written by an admin,
 * downloaded as JSON, HTML or PDF) and evidence bundles (exported by an admin, downloaded as
 * a tar of the bundle folder that `breachwatch evidence verify` checks).
 *
 * Roles: analyst reads, admin acts. Every read is in the audit log once its answer is ready;
 * every action and every download of a report or bundle (something handed outside) is also
 * an `audit` entry in the incident's evidence log (see `incident-desk.ts`). Answers carry ids,
 * counts and times; server paths stay on the server.
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { BUNDLE_FILES, EVIDENCE_KINDS, exportBundle, type EvidenceKind } from '../evidence/index.js';
import { incidentPaths, incidentView, requireRun, writeRegulatorReport, type IncidentView } from '../respond/index.js';
import { hasDeliveryLedger, DELIVERY_STATES, type DeliveryState } from '../store/index.js';
import { principalOf } from './auth.js';
import type { AppContext } from './context.js';
import { HttpError } from './http-error.js';
import type { Actor, IncidentDesk } from './incident-desk.js';
import { tarFolder } from './tar.js';

const ID = /^[A-Za-z0-9._-]{1,64}$/;
const REPORT_ID = /^rep-[0-9a-f]{8}$/;
const BUNDLE_ID = /^bundle-[0-9]{8}T[0-9]{6}Z-[0-9a-f]{6}$/;

/** A report's downloadable files and their types. */
const REPORT_FILES = {
  'report.json': 'application/json; charset=utf-8',
  'report.html': 'text/html; charset=utf-8',
  'report.pdf': 'application/pdf',
} as const;
type ReportFile = keyof typeof REPORT_FILES;

const reportBody = z.object({
  /** The saved run to report (default: the latest). */
  run_id: z.string().regex(ID).optional(),
  /** Print the PDF (default true). */
  pdf: z.boolean().optional(),
}).strict();

const bundleBody = z.object({
  kinds: z.array(z.enum(EVIDENCE_KINDS as [EvidenceKind, ...EvidenceKind[]])).min(1).optional(),
  from: z.number().int().min(0).optional(),
  to: z.number().int().min(0).optional(),
}).strict().refine((b) => b.from === undefined || b.to === undefined || b.from <= b.to, 'from is after to');

type IdParams = { Params: { id: string } };

const issues = (e: z.ZodError): string => e.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');

/** The JSON body of `req` ({} when empty), checked by `schema`. */
function body<T>(req: FastifyRequest, schema: z.ZodType<T>): T {
  let raw: unknown = {};
  if (Buffer.isBuffer(req.body) && req.body.length > 0) {
    try { raw = JSON.parse(req.body.toString('utf8')) as unknown; } catch { throw new HttpError('ERR_BAD_REQUEST', 'body must be JSON'); }
  }
  const r = schema.safeParse(raw);
  if (!r.success) throw new HttpError('ERR_BAD_REQUEST', issues(r.error));
  return r.data;
}

function param(value: string, re: RegExp, what: string): string {
  if (!re.test(value)) throw new HttpError('ERR_NOT_FOUND', `no such ${what}`);
  return value;
}

/** The view without server paths (folders, the evidence directory). */
export function publicView(v: IncidentView): Omit<IncidentView, 'paths' | 'evidence' | 'runs'> & {
  runs: Omit<IncidentView['runs'][number], 'folder'>[]; evidence: { size: number; root: string } | null;
} {
  const { paths: _paths, evidence, runs, ...rest } = v;
  return {
    ...rest,
    runs: runs.map(({ folder: _folder, ...r }) => r),
    evidence: evidence === null ? null : { size: evidence.size, root: evidence.root },
  };
}

/** Delivery ledger counts with their total and how many are settled for good. */
async function noticeProgress(ctx: AppContext, id: string): Promise<{ ledger: Record<DeliveryState, number>; total: number; sent: number; pending: number } | null> {
  if (!hasDeliveryLedger(ctx.store)) return null;
  const ledger = await ctx.store.deliveryCounts(id);
  const total = DELIVERY_STATES.reduce((n, s) => n + ledger[s], 0);
  return { ledger, total, sent: ledger.sent, pending: ledger.queued + ledger.retry + ledger.sending };
}

function actor(req: FastifyRequest): Actor {
  return { who: principalOf(req), ip: req.ip };
}

function stamp(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/** Registers `/api/v1/incidents*`. */
export function registerIncidents(app: FastifyInstance, ctx: AppContext): void {
  const analyst = { config: { role: 'analyst' as const } };
  const admin = { config: { role: 'admin' as const } };
  const desk: IncidentDesk = ctx.incidents;

  app.get('/api/v1/incidents', analyst, async (req: FastifyRequest) => {
    const rc = desk.context();
    const rows = await ctx.store.listIncidents();
    const items = await Promise.all(rows.map(async (r) => publicView(await incidentView(rc, r.incident_id))));
    await ctx.audit.write(principalOf(req), 'list_incidents', 'incidents', { ip: req.ip, detail: { returned: items.length } });
    return { items, total: items.length };
  });

  app.get('/api/v1/incidents/:id', analyst, async (req: FastifyRequest<IdParams>) => {
    const id = param(req.params.id, ID, 'incident');
    const rc = desk.context();
    const view = await incidentView(rc, id);
    const latest = view.latest_run;
    const agg = latest === null ? undefined : await ctx.store.runAggregates(latest);
    const latestRow = view.runs.at(-1);
    const counts = {
      run_id: latest, persons: latestRow?.accounts ?? 0, requests: latestRow?.requests ?? 0,
      fields: agg?.by_field ?? {}, window: latestRow?.window ?? null,
    };
    const notices = await noticeProgress(ctx, id);
    await ctx.audit.write(principalOf(req), 'view_incident', id, { ip: req.ip, detail: { persons: counts.persons } });
    return { incident: publicView(view), counts, notices };
  });

  app.get('/api/v1/incidents/:id/runs', analyst, async (req: FastifyRequest<IdParams>) => {
    const id = param(req.params.id, ID, 'incident');
    await desk.requireIncident(id);
    const view = await incidentView(desk.context(), id);
    await ctx.audit.write(principalOf(req), 'list_runs', id, { ip: req.ip, detail: { returned: view.runs.length } });
    return { items: publicView(view).runs, latest_run: view.latest_run };
  });

  app.get('/api/v1/incidents/:id/runs/:run', analyst, async (req: FastifyRequest<{ Params: { id: string; run: string } }>) => {
    const id = param(req.params.id, ID, 'incident');
    const runId = param(req.params.run, ID, 'scope run');
    const rc = desk.context();
    await desk.requireIncident(id);
    const run = await requireRun(rc, runId);
    if (run.incident_id !== id) throw new HttpError('ERR_NOT_FOUND', `scope run ${runId} is not a run of incident ${id}`);
    const summary = await ctx.store.runAggregates(runId);
    const runJson = await readFile(join(incidentPaths(rc.home, id).run(runId), 'run.json'), 'utf8')
      .then((t) => JSON.parse(t) as { changes?: unknown; evidence_entry?: unknown }, () => undefined);
    await ctx.audit.write(principalOf(req), 'view_run', runId, { ip: req.ip, detail: { incident: id, accounts: run.accounts } });
    return {
      run: { ...run, created_at: new Date(run.created_at).toISOString(), window: run.window === null ? null : { from: new Date(run.window.from).toISOString(), to: new Date(run.window.to).toISOString() } },
      summary: { ...summary, window: summary.window === null ? null : { from: new Date(summary.window.from).toISOString(), to: new Date(summary.window.to).toISOString() } },
      changes: runJson?.changes ?? null,
      evidence_entry: runJson?.evidence_entry ?? null,
    };
  });

  app.get('/api/v1/incidents/:id/notices', analyst, async (req: FastifyRequest<IdParams>) => {
    const id = param(req.params.id, ID, 'incident');
    await desk.requireIncident(id);
    const notices = await noticeProgress(ctx, id);
    if (notices === null) throw new HttpError('ERR_UNAVAILABLE', 'this store keeps no delivery ledger');
    await ctx.audit.write(principalOf(req), 'view_notices', id, { ip: req.ip, detail: { total: notices.total } });
    return { incident_id: id, ...notices };
  });

  app.get('/api/v1/incidents/:id/reports', analyst, async (req: FastifyRequest<IdParams>) => {
    const id = param(req.params.id, ID, 'incident');
    await desk.requireIncident(id);
    const rows = await ctx.store.listReports(id);
    await ctx.audit.write(principalOf(req), 'list_reports', id, { ip: req.ip, detail: { returned: rows.length } });
    return { items: rows.map((r) => ({ ...r, created_at: new Date(r.created_at).toISOString() })) };
  });

  app.post('/api/v1/incidents/:id/reports', admin, async (req: FastifyRequest<IdParams>, reply: FastifyReply) => {
    const id = param(req.params.id, ID, 'incident');
    const b = body(req, reportBody);
    const rc = desk.context();
    await desk.requireIncident(id);
    const who = actor(req);
    const { written, entry } = await desk.serial(id, async () => {
      const w = await writeRegulatorReport(rc, id, { ...(b.run_id !== undefined && { runId: b.run_id }), pdf: b.pdf !== false });
      const e = await desk.withLog(id, (log) => desk.appendAction(log, who, {
        action: 'write_report', object: w.row.report_id, detail: { incident: id, run: w.row.run_id, kind: w.report.kind, report_entry: w.row.entry },
      }));
      return { written: w, entry: e };
    });
    await desk.audited(who, { action: 'write_report', object: written.row.report_id, detail: { incident: id, run: written.row.run_id, kind: written.report.kind } }, entry);
    return reply.status(201).send({
      report_id: written.row.report_id, n: written.row.n, kind: written.report.kind, run_id: written.row.run_id,
      entry: written.row.entry, files: written.row.files.map((f) => ({ name: f.path, sha256: f.sha256, bytes: f.bytes })),
    });
  });

  app.get('/api/v1/incidents/:id/reports/:report/:file', analyst, async (req: FastifyRequest<{ Params: { id: string; report: string; file: string } }>, reply: FastifyReply) => {
    const id = param(req.params.id, ID, 'incident');
    const reportId = param(req.params.report, REPORT_ID, 'report');
    const file = req.params.file;
    if (!Object.hasOwn(REPORT_FILES, file)) throw new HttpError('ERR_NOT_FOUND', `a report has ${Object.keys(REPORT_FILES).join(', ')}`);
    const rc = desk.context();
    await desk.requireIncident(id);
    const row = (await ctx.store.listReports(id)).find((r) => r.report_id === reportId);
    if (row === undefined) throw new HttpError('ERR_NOT_FOUND', `no report ${reportId} of incident ${id}`);
    const f = row.files.find((x) => x.path === file);
    if (f === undefined) throw new HttpError('ERR_NOT_FOUND', `report ${reportId} has no ${file} (written without it)`);
    const path = join(incidentPaths(rc.home, id).report(reportId), file);
    await desk.record(id, actor(req), { action: 'download_report', object: reportId, detail: { incident: id, file, sha256: f.sha256 } });
    return reply.type(REPORT_FILES[file as ReportFile])
      .header('content-disposition', `attachment; filename="${reportId}-${file}"`)
      .send(createReadStream(path));
  });

  app.post('/api/v1/incidents/:id/evidence/bundles', admin, async (req: FastifyRequest<IdParams>, reply: FastifyReply) => {
    const id = param(req.params.id, ID, 'incident');
    const b = body(req, bundleBody);
    const rc = desk.context();
    await desk.requireIncident(id);
    const bundleId = `bundle-${stamp()}-${crypto.randomUUID().slice(0, 6)}`;
    const dir = join(incidentPaths(rc.home, id).bundles, bundleId);
    const who = actor(req);
    const a = { action: 'export_bundle', object: bundleId, detail: { incident: id, kinds: b.kinds ?? null, from: b.from ?? null, to: b.to ?? null } };
    // The action's own entry goes in first, then a checkpoint: the bundle holds its own export.
    const { r, entry } = await desk.serial(id, () => desk.withLog(id, async (log) => {
      const e = await desk.appendAction(log, who, a);
      await log.checkpoint();
      const x = await exportBundle(log, dir, { ...(b.kinds !== undefined && { kinds: b.kinds }), ...(b.from !== undefined && { from: b.from }), ...(b.to !== undefined && { to: b.to }) });
      return { r: x, entry: e };
    }));
    await desk.audited(who, a, entry);
    return reply.status(201).send({ bundle_id: bundleId, entries: r.entries, tree_size: r.treeSize, root: r.root, kid: r.kid, earlier_checkpoints: r.earlierCheckpoints, entry });
  });

  app.get('/api/v1/incidents/:id/evidence/bundles/:bundle', analyst, async (req: FastifyRequest<{ Params: { id: string; bundle: string } }>, reply: FastifyReply) => {
    const id = param(req.params.id, ID, 'incident');
    const name = req.params.bundle.endsWith('.tar') ? req.params.bundle.slice(0, -4) : req.params.bundle;
    const bundleId = param(name, BUNDLE_ID, 'bundle');
    const rc = desk.context();
    await desk.requireIncident(id);
    const dir = join(incidentPaths(rc.home, id).bundles, bundleId);
    const files = Object.values(BUNDLE_FILES);
    const tar = await tarFolder(dir, files, bundleId).catch((e: unknown) => {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new HttpError('ERR_NOT_FOUND', `no bundle ${bundleId} of incident ${id}`);
      throw e;
    });
    try {
      await desk.record(id, actor(req), { action: 'download_bundle', object: bundleId, detail: { incident: id } });
    } catch (e) {
      tar.destroy();
      throw e;
    }
    return reply.type('application/x-tar')
      .header('content-disposition', `attachment; filename="${bundleId}.tar"`)
      .send(tar);
  });
}
