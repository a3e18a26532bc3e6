/**
 * Writing a regulator report for an incident: `report.json`, `report.html` and (by default)
 * `report.pdf` in the incident's `reports/<id>/` folder, a `report` evidence entry with the
 * files' hashes and a checkpoint, and the report's row in the store. The first report is the
 * initial one; each later one is a follow-up against the previous report's run.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hashFile } from '../../evidence/index.js';
import { BreachwatchError } from '../../model/index.js';
import type { ReportRow } from '../../store/index.js';
import { nowMs, openIncidentLog, type RespondContext } from '../context.js';
import { requireIncident } from '../incident/lookup.js';
import { incidentPaths } from '../incident/paths.js';
import { writeIncidentSnapshot } from '../incident/snapshot.js';
import { requireRun } from '../run/exposure.js';
import { renderReportHtml } from './html.js';
import { printPdf } from './pdf.js';
import { buildRegulatorReport, type RegulatorReport } from './regulator.js';

/** What writing a report takes. */
export interface ReportOptions {
  /** The saved run it reports (default: the incident's latest). */
  readonly runId?: string;
  /** Print the PDF (default true). */
  readonly pdf?: boolean;
}

/** A written report. */
export interface WrittenReport {
  readonly row: ReportRow;
  readonly dir: string;
  readonly report: RegulatorReport;
}

/**
 * Writes the next regulator report of incident `incidentId`.
 *
 * @example
 * const r = await writeRegulatorReport(ctx, inc.incident_id, {});
 * console.log(r.dir, r.report.kind); // …/reports/rep-…  initial
 */
export async function writeRegulatorReport(ctx: RespondContext, incidentId: string, opts: ReportOptions = {}): Promise<WrittenReport> {
  await requireIncident(ctx, incidentId);
  const runId = opts.runId ?? (await ctx.store.listScopeRuns(incidentId)).at(-1)?.run_id;
  if (runId === undefined) throw new BreachwatchError('ERR_USAGE', `incident ${incidentId} has no scope run yet: run incident scope ${incidentId} first`);
  const run = await requireRun(ctx, runId);
  if (run.incident_id !== incidentId) throw new BreachwatchError('ERR_USAGE', `scope run ${runId} belongs to incident ${run.incident_id}`);
  const previous = (await ctx.store.listReports(incidentId)).filter((r) => r.audience === 'regulator').at(-1);
  const report = await buildRegulatorReport(ctx, incidentId, run, previous);
  const paths = incidentPaths(ctx.home, incidentId);
  const reportId = `rep-${randomBytes(4).toString('hex')}`;
  const dir = paths.report(reportId);
  await mkdir(dir, { recursive: true });
  const html = renderReportHtml(report);
  const files = [join(dir, 'report.json'), join(dir, 'report.html')];
  await writeFile(files[0] ?? '', JSON.stringify(report, null, 2) + '\n');
  await writeFile(files[1] ?? '', html);
  if (opts.pdf !== false) {
    files.push(join(dir, 'report.pdf'));
    await writeFile(join(dir, 'report.pdf'), await printPdf(html));
  }
  const hashed = (await Promise.all(files.map(hashFile))).map((h) => ({ path: h.path.slice(dir.length + 1), sha256: h.sha256, bytes: h.bytes }));
  const log = await openIncidentLog(ctx, paths, incidentId);
  let entry: number;
  try {
    entry = (await log.append({
      kind: 'report', payload: { incident_id: incidentId, report_id: reportId, audience: 'regulator', n: report.n, kind: report.kind, run_id: runId, files: hashed },
    })).index;
    await log.checkpoint();
  } finally {
    await log.close();
  }
  const row: ReportRow = { report_id: reportId, incident_id: incidentId, n: report.n, audience: 'regulator', run_id: runId, created_at: nowMs(ctx), entry, files: hashed };
  await ctx.store.putReport(row);
  await writeIncidentSnapshot(ctx, incidentId);
  return { row, dir, report };
}
