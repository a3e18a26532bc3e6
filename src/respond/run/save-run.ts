/**
 * Saving a scope run for an incident: compute the scope (the scope stage), freeze it in the
 * store (`ScopeRunStore.saveScopeRun`: its own copy of every matched request and account, so
 * later appends never move its numbers), write its contract folder (`affected_accounts.csv`,
 * `summary.json`, from the saved rows), `changes.csv` against the incident's previous run,
 * `run.json`, and record it in the incident's evidence log: alerts, indicators, input files,
 * each affected account's request lines, and the run itself with its files' hashes.
 */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hashFile } from '../../evidence/index.js';
import { BreachwatchError, toRfc3339, type Severity } from '../../model/index.js';
import { buildSummary, computeScope, writeScopeFolder, type ScopeFolder } from '../../scope/index.js';
import type { RunDiff, ScopeRunRow } from '../../store/index.js';
import { nowMs, openIncidentLog, type RespondContext } from '../context.js';
import { recordAlerts, recordIndicators, recordInputFiles, type InputFilesRecorded } from '../evidence/record.js';
import { requireIncident } from '../incident/lookup.js';
import { incidentPaths } from '../incident/paths.js';
import { writeIncidentSnapshot } from '../incident/snapshot.js';
import { writeChangesCsv } from './changes-csv.js';
import { hashRunLines, recordAccountEvidence, type LinesHashed } from './line-evidence.js';

/** What a run follows. Default: the incident's own alerts. */
export interface ScopeRunOptions {
  /** Follow exactly these alerts. */
  readonly alertIds?: readonly string[];
  /** Follow every alert at or above this severity instead. */
  readonly minSeverity?: Severity;
  /** Skip reading the request lines back from the archive (their hashes stay unknown; said in run.json). */
  readonly skipLineEvidence?: boolean;
}

/** A saved run, what changed since the previous one, and what was recorded. */
export interface SavedScopeRun {
  readonly run: ScopeRunRow;
  readonly folder: ScopeFolder & { readonly runJson: string; readonly changesCsv?: string };
  /** Against the incident's previous run (absent for the first). */
  readonly changes?: RunDiff & { readonly since: string };
  readonly evidence: {
    readonly entry: number; readonly inputFiles: InputFilesRecorded; readonly lines: LinesHashed | null;
    readonly accountEntries: number;
  };
}

/**
 * Computes, saves, writes and records a scope run of incident `incidentId`.
 *
 * @example
 * const r = await saveScopeRun(ctx, inc.incident_id, {});
 * console.log(r.folder.csv, r.changes?.added);
 */
export async function saveScopeRun(ctx: RespondContext, incidentId: string, opts: ScopeRunOptions = {}): Promise<SavedScopeRun> {
  const inc = await requireIncident(ctx, incidentId);
  if (inc.status === 'closed') throw new BreachwatchError('ERR_USAGE', `incident ${incidentId} is closed: reopen it by opening a new incident`);
  const choice = opts.alertIds !== undefined ? { alertIds: opts.alertIds }
    : opts.minSeverity !== undefined ? { minSeverity: opts.minSeverity } : { alertIds: inc.alert_ids };
  const c = await computeScope(ctx.store, choice);
  const previous = (await ctx.store.listScopeRuns(incidentId)).at(-1);
  const paths = incidentPaths(ctx.home, incidentId);
  const log = await openIncidentLog(ctx, paths, incidentId);
  try {
    const runId = `run-${randomBytes(4).toString('hex')}`;
    const inputs = {
      alert_ids: c.alerts.map((a) => a.alert_id), ...(opts.minSeverity !== undefined && { min_severity: opts.minSeverity }),
      chosen_by: opts.alertIds !== undefined ? 'alert_ids' : opts.minSeverity !== undefined ? 'min_severity' : 'incident_alerts',
      line_evidence: opts.skipLineEvidence !== true,
    };
    const run = await ctx.store.saveScopeRun({ run_id: runId, incident_id: incidentId, created_at: nowMs(ctx), inputs, indicators: c.indicators });
    const dir = paths.run(runId);
    const folder = await writeScopeFolder({
      accounts: ctx.store.runAccounts(runId),
      summary: async () => buildSummary(await ctx.store.runAggregates(runId), c.alerts, c.indicators, await c.extras()),
    }, dir);
    let changes: SavedScopeRun['changes'];
    let changesCsv: string | undefined;
    if (previous !== undefined) {
      changes = { since: previous.run_id, ...(await ctx.store.runDiff(runId, previous.run_id)) };
      changesCsv = join(dir, 'changes.csv');
      await writeChangesCsv(ctx.store.runChanges(runId, previous.run_id), changesCsv);
    }
    await recordAlerts(ctx, log, incidentId, c.alerts);
    await recordIndicators(ctx, log, incidentId, c.indicators);
    const inputFiles = await recordInputFiles(ctx, log, incidentId);
    const lines = opts.skipLineEvidence === true ? null : await hashRunLines(ctx, runId);
    const acc = await recordAccountEvidence(ctx, log, incidentId, runId);
    const files = await Promise.all([folder.csv, folder.summary, ...(changesCsv === undefined ? [] : [changesCsv])].map(hashFile));
    const entry = await log.append({
      kind: 'scope_run', payload: {
        incident_id: incidentId, run_id: runId, n: run.n, created_at: toRfc3339(run.created_at), inputs,
        accounts: run.accounts, requests: run.requests, matched: run.matched, indicators: run.indicators,
        ...(changes !== undefined && { changes: { ...changes } }),
        files: files.map((f) => ({ name: f.path.slice(dir.length + 1), sha256: f.sha256, bytes: f.bytes })),
      },
    });
    await log.checkpoint();
    const runJson = join(dir, 'run.json');
    await writeFile(runJson, JSON.stringify({
      v: 1, ...run, created_at: toRfc3339(run.created_at),
      window: run.window === null ? null : { from: toRfc3339(run.window.from), to: toRfc3339(run.window.to) },
      changes: changes ?? null, evidence_entry: entry.index, line_evidence: lines, account_entries: acc.entries,
    }, null, 2) + '\n');
    await writeIncidentSnapshot(ctx, incidentId);
    return {
      run, folder: { ...folder, runJson, ...(changesCsv !== undefined && { changesCsv }) },
      ...(changes !== undefined && { changes }),
      evidence: { entry: entry.index, inputFiles, lines, accountEntries: acc.entries },
    };
  } finally {
    await log.close();
  }
}
