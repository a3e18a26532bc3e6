/**
 * The end of `breachwatch demo`: the response to what the hunt found, as `incident`,
 * `notice render`, `report` and `evidence` do it — open an incident over the high and
 * critical alerts (aware now: the 72-hour clocks start), save its scope run, render a notice
 * per affected person from that run, write the regulator report, and export the incident's
 * evidence bundle and verify it offline. Returns where each output is.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportBundle, verifyBundle, type BundleReport } from '../evidence/index.js';
import { parseYamlDoc, readText, validate } from '../ingest/index.js';
import {
  CHROMIUM, IncidentDetailsSchema, incidentPaths, incidentView, openIncident, openIncidentLog, renderRunNotices, saveScopeRun,
  writeRegulatorReport, type IncidentView, type RenderSummary, type RespondContext, type SavedScopeRun, type WrittenReport,
} from '../respond/index.js';

/** The demo's synthetic incident details. */
export const DEMO_DETAILS = fileURLToPath(new URL('../../data/demo/incident.yaml', import.meta.url));

/** What the response step produced. */
export interface DemoResponse {
  readonly incident: IncidentView;
  readonly run: SavedScopeRun;
  readonly notices: RenderSummary & { readonly dir: string };
  readonly report: WrittenReport & { readonly pdf: boolean };
  readonly bundle: { readonly dir: string; readonly verified: BundleReport };
}

/** Hooks for the steps' progress lines. */
export interface DemoSteps {
  readonly say: (line: string) => void;
  readonly progress: (line: string) => void;
  /** Called once the run is saved, before the response proper. */
  readonly step4: () => void;
}

/**
 * Runs the response on the demo's store. `customers` is the simulator's directory.
 * Opening the incident, saving the run, rendering and reporting each record into the
 * incident's evidence log, which the bundle then holds.
 */
export async function demoRespond(ctx: RespondContext, out: string, customers: string, steps: DemoSteps): Promise<DemoResponse> {
  const details = validate(DEMO_DETAILS, parseYamlDoc(DEMO_DETAILS, await readText(DEMO_DETAILS)), IncidentDetailsSchema);
  const row = await openIncident(ctx, { name: 'Forged access tokens (demo)', minSeverity: 'high', details });
  const id = row.incident_id;
  const run = await saveScopeRun(ctx, id, {});
  steps.say(`    incident ${id} over ${row.alert_ids.length} alerts; scope run ${run.run.run_id}: ${run.run.accounts} accounts, ` +
    `${run.evidence.lines?.hashed ?? 0} request lines hashed into the evidence log`);
  steps.step4();
  const noticeDir = join(out, 'notices');
  const notices = await renderRunNotices(ctx, {
    incidentId: id, runId: run.run.run_id, directory: customers, out: noticeDir,
    onProgress: (p) => steps.progress(`  ${p.rendered}${p.expected !== undefined ? ` of ${p.expected}` : ''} notices`),
  });
  const pdf = existsSync(CHROMIUM.executablePath);
  const report = await writeRegulatorReport(ctx, id, { runId: run.run.run_id, pdf });
  const paths = incidentPaths(ctx.home, id);
  const bundleDir = join(out, 'evidence-bundle');
  const log = await openIncidentLog(ctx, paths, id);
  try {
    await log.checkpoint();
    await exportBundle(log, bundleDir);
  } finally {
    await log.close();
  }
  const verified = await verifyBundle(bundleDir);
  return {
    incident: await incidentView(ctx, id), run, notices: { ...notices, dir: noticeDir }, report: { ...report, pdf },
    bundle: { dir: bundleDir, verified },
  };
}
