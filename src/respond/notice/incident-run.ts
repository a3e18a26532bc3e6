/**
 * Notices from a stored incident and one of its saved scope runs (`notice render --incident
 * ID --run RUN` with a store): the persons come from the run's rows in the store (never a
 * fresh scope, so notices show the report's numbers), the follow-up baseline from an earlier
 * run of the same incident, the incident's wording from its stored details, and every notice
 * is recorded in the incident's own evidence log.
 */
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { BreachwatchError, toRfc3339 } from '../../model/index.js';
import { QuarantineWriter } from '../../ingest/index.js';
import type { IncidentRow, ScopeRunRow, ScopeRunStore } from '../../store/index.js';
import { openIncidentLog, type RespondContext } from '../context.js';
import { textIn, type IncidentDetails, type Text } from '../incident/details.js';
import { requireIncident } from '../incident/lookup.js';
import { incidentPaths } from '../incident/paths.js';
import { requireRun } from '../run/exposure.js';
import { csvDirectory } from './directory.js';
import { incidentInfoOf, type IncidentInfo } from './incident-info.js';
import { loadNoticeKit } from './kit.js';
import { populationFile } from './population.js';
import { RENDER_FILES } from './render-folder.js';
import { renderNotices, type RenderProgress, type RenderSummary } from './render-run.js';
import type { AffectedPerson, AffectedSource, MessageFormat } from './types.js';

/** The affected persons of saved run `runId`, from the store, sorted by account_id. */
export function runSource(store: ScopeRunStore, runId: string): AffectedSource {
  return {
    describe: `scope run ${runId}`,
    async *persons(): AsyncGenerator<AffectedPerson> {
      for await (const a of store.runAccounts(runId)) {
        yield { account_id: a.account_id, fields: [...new Set(a.fields)].sort(), first_access: a.first_access, last_access: a.last_access, accesses: a.accesses };
      }
    },
  };
}

/** A list of texts as one list per language. */
function lists(ts: readonly Text[]): Record<string, string[]> {
  return { ko: ts.map((t) => textIn(t, 'ko') ?? ''), en: ts.map((t) => textIn(t, 'en') ?? '') };
}

/**
 * What the notices say, from an incident's stored details: `controller.name` is the company,
 * `contact` the department (its phone and email required), `description` (or `how`) what
 * happened, `measures`, `remedy`, `portal_url` (https); optional `sender {name, email}`
 * (default the contact's email), `official_phone`, `timezone`, `labels`, and a
 * `possible_leak` with `accounts_file`, `period` and `fields` for a possible-leak notice.
 */
export function incidentNoticeInfo(row: IncidentRow, home: string): IncidentInfo {
  const d = row.details as IncidentDetails & Record<string, unknown>;
  const contact = d.contact as Record<string, unknown> | undefined;
  const doc = {
    id: row.incident_id, name: row.name, company: d.controller?.name,
    sender: d.sender ?? (typeof contact?.email === 'string' ? { email: contact.email } : undefined),
    contact, official_phone: d.official_phone, portal_url: d.portal_url, aware_at: toRfc3339(row.aware_at),
    how: d.how ?? d.description, measures: lists(d.measures), remedy: d.remedy, timezone: d.timezone,
    jurisdiction: d.jurisdiction, labels: d.labels,
    ...(typeof (d.possible_leak as Record<string, unknown> | undefined)?.accounts_file === 'string' && { possible_leak: d.possible_leak }),
  };
  const where = `incident ${row.incident_id} details (add what is missing with incident update ${row.incident_id} --details FILE)`;
  return incidentInfoOf(doc, where, incidentPaths(home, row.incident_id).dir);
}

/** What rendering an incident's notices takes. */
export interface RunNoticeOptions {
  readonly incidentId: string;
  /** The saved run to notify (default: the incident's latest). */
  readonly runId?: string;
  /** An earlier run already notified: follow-ups go only to persons added or whose fields grew. */
  readonly previousRunId?: string;
  /** Customer directory CSV (contract input 6). */
  readonly directory: string;
  /** Render folder to create (new or empty). */
  readonly out: string;
  /** How the messages are stored (default `DEFAULTS.notice.format`). */
  readonly format?: MessageFormat;
  /** Rules id instead of the incident's jurisdiction. */
  readonly rules?: string;
  /** A folder laid out like `data/notice/`. */
  readonly dataDir?: string;
  /** Account ids of a possible leak (default: the details' `possible_leak.accounts_file`). */
  readonly population?: string;
  readonly onProgress?: (p: RenderProgress) => void;
}

/** The run `runId` of incident `incidentId`, or a usage error. */
async function runOf(ctx: RespondContext, incidentId: string, runId: string): Promise<ScopeRunRow> {
  const run = await requireRun(ctx, runId);
  if (run.incident_id !== incidentId) throw new BreachwatchError('ERR_USAGE', `scope run ${runId} belongs to incident ${run.incident_id}, not ${incidentId}`);
  return run;
}

/**
 * Renders one notice per affected person of a saved run into `out`, recording each in the
 * incident's evidence log; returns the render's summary.
 *
 * @example
 * const r = await renderRunNotices(ctx, { incidentId: inc.incident_id, directory: 'customers.csv', out: 'notices' });
 * console.log(r.messages, r.counts);
 */
export async function renderRunNotices(ctx: RespondContext, o: RunNoticeOptions): Promise<RenderSummary> {
  const row = await requireIncident(ctx, o.incidentId);
  const runId = o.runId ?? (await ctx.store.listScopeRuns(o.incidentId)).at(-1)?.run_id;
  if (runId === undefined) throw new BreachwatchError('ERR_USAGE', `incident ${o.incidentId} has no scope run yet: run incident scope ${o.incidentId} first`);
  const run = await runOf(ctx, o.incidentId, runId);
  if (o.previousRunId !== undefined) {
    const prev = await runOf(ctx, o.incidentId, o.previousRunId);
    if (prev.n >= run.n) throw new BreachwatchError('ERR_USAGE', `--previous-run ${o.previousRunId} is not earlier than run ${runId}`);
  }
  const incident = incidentNoticeInfo(row, ctx.home);
  const kit = await loadNoticeKit(incident, { ...(o.rules !== undefined && { rules: o.rules }), ...(o.dataDir !== undefined && { dataDir: o.dataDir }) });
  await mkdir(o.out, { recursive: true, mode: 0o700 });
  if ((await readdir(o.out)).length > 0) throw new BreachwatchError('ERR_USAGE', `--out ${o.out} is not empty (a render writes a new folder)`);
  // Inside the render folder (0600 in 0700): its excerpts hold directory rows.
  const quarantine = new QuarantineWriter(join(o.out, RENDER_FILES.quarantine));
  const directory = csvDirectory(o.directory, quarantine);
  const populationPath = o.population ?? incident.possible_leak?.accounts_file;
  const population = populationPath === undefined ? undefined : populationFile(populationPath);
  try {
    const evidence = await openIncidentLog(ctx, incidentPaths(ctx.home, o.incidentId), o.incidentId);
    try {
      const r = await renderNotices({
        incident, kit, directory, quarantine, out: o.out, current: runSource(ctx.store, runId), expected: run.accounts, evidence,
        ...(o.previousRunId !== undefined && { previous: runSource(ctx.store, o.previousRunId) }),
        ...(population !== undefined && { population }), ...(o.onProgress !== undefined && { onProgress: o.onProgress }),
        ...(o.format !== undefined && { format: o.format }),
        ...(ctx.now !== undefined && { now: ctx.now }),
      });
      await evidence.checkpoint();
      return r;
    } finally {
      await evidence.close();
    }
  } finally {
    await quarantine.close().catch(() => undefined);
    await directory.close();
    await population?.close();
  }
}
