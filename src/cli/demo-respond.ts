/**
 * The end of `breachwatch demo`: the response to what the hunt found, as `incident`,
 * `notice render`, `report` and `evidence` do it — open an incident over the high and
 * critical alerts (aware now: the 72-hour clocks start), save its scope run, render a notice
 * per affected person from that run, write the regulator report, rotate the key the forged
 * tokens were signed with (proposed, approved by a second admin, executed: the forged-token
 * rate before and after), and export the incident's evidence bundle and verify it offline.
 * Returns where each output is.
 */
import { existsSync } from 'node:fs';
import { copyFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportBundle, verifyBundle, type BundleReport } from '../evidence/index.js';
import { parseYamlDoc, readText, validate } from '../ingest/index.js';
import { demoContainment, type DemoContainmentResult } from '../contain/index.js';
import type { Alert } from '../model/index.js';
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
  /** The rotation of the key the forged tokens were signed with; undefined when no key alert was raised. */
  readonly containment?: DemoContainmentResult & { readonly registry: string };
}

/** The simulation's reference files the containment step reads. */
export interface DemoSimFiles {
  readonly keys: string;
  readonly staff: string;
  readonly alerts: string;
}

/** The key of the earliest forged-token alert (the key the attacker holds), if any. */
async function exposedKey(alertsFile: string): Promise<string | undefined> {
  const alerts = (await readFile(alertsFile, 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as Alert)
    .filter((a) => a.detector === 'unissued-token' && a.verdict !== 'unverifiable' && a.entity.type === 'key' && a.status !== 'retracted')
    .sort((a, b) => a.detected_at.localeCompare(b.detected_at));
  return alerts[0]?.entity.id;
}

/** Two current staff of the security team (else any current staff) to hold the new key. */
async function newCustodians(staffCsv: string): Promise<string[]> {
  const rows = (await readFile(staffCsv, 'utf8')).trim().split('\n').slice(1).map((l) => l.split(','));
  const current = rows.filter((r) => (r[4] ?? '') === '');
  const security = current.filter((r) => r[1] === 'security');
  return (security.length >= 2 ? security : current).slice(0, 2).map((r) => r[0] ?? '');
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
export async function demoRespond(ctx: RespondContext, out: string, customers: string, steps: DemoSteps, sim: DemoSimFiles): Promise<DemoResponse> {
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
  // Containment before the bundle, so that the bundle holds its steps too. The registry is
  // copied: the rotation rewrites it, and the simulation's own stays as it was hunted with.
  const kid = await exposedKey(sim.alerts);
  let containment: DemoResponse['containment'];
  if (kid !== undefined) {
    const registry = join(out, 'keys.json');
    await copyFile(sim.keys, registry);
    const c = await demoContainment(ctx, {
      incidentId: id, registry, kid, jwksOut: join(out, 'jwks.json'), custodians: await newCustodians(sim.staff), staff: sim.staff,
    });
    containment = { ...c, registry };
  }
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
    bundle: { dir: bundleDir, verified }, ...(containment !== undefined && { containment }),
  };
}
