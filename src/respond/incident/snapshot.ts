/**
 * `incident.json`: the incident's view written beside its runs and reports, replaced
 * atomically on every change, so that notices (part 2), the portal and people read one file.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import type { RespondContext } from '../context.js';
import { incidentPaths } from './paths.js';
import { incidentView, type IncidentView } from './view.js';

/** Writes `incident.json` for incident `id` and returns the view written. */
export async function writeIncidentSnapshot(ctx: RespondContext, id: string): Promise<IncidentView> {
  const paths = incidentPaths(ctx.home, id);
  const view = await incidentView(ctx, id);
  await mkdir(paths.dir, { recursive: true });
  const tmp = `${paths.snapshot}.tmp`;
  await writeFile(tmp, JSON.stringify(view, null, 2) + '\n');
  await rename(tmp, paths.snapshot);
  return view;
}
