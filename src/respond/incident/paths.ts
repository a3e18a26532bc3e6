/**
 * Where an incident's files live: one folder per incident under the incidents home, which
 * sits beside the store it describes (for a DuckDB file `x.duckdb`: `x.duckdb.incidents/`;
 * the composition layer decides, `--home` overrides). The store holds the incident's rows;
 * the folder holds what is handed to people: the evidence log, each saved run's contract
 * folder, the reports, and `incident.json` (the incident as notices and the portal read it).
 */
import { join } from 'node:path';

/** The files of one incident. */
export interface IncidentPaths {
  readonly dir: string;
  /** The incident's evidence log (one writer at a time: see `openIncidentLog`). */
  readonly evidence: string;
  /** `incident.json`: the incident's user-facing description, rewritten on every change. */
  readonly snapshot: string;
  /** A saved run's folder: `affected_accounts.csv`, `summary.json`, `run.json` and, after the first run, `changes.csv`. */
  run(runId: string): string;
  /** A report's folder. */
  report(reportId: string): string;
  /** Where exported evidence bundles go by default. */
  readonly bundles: string;
}

/** The paths of incident `id` under `home`. */
export function incidentPaths(home: string, id: string): IncidentPaths {
  const dir = join(home, id);
  return {
    dir,
    evidence: join(dir, 'evidence'),
    snapshot: join(dir, 'incident.json'),
    run: (runId) => join(dir, 'runs', runId),
    report: (reportId) => join(dir, 'reports', reportId),
    bundles: join(dir, 'bundles'),
  };
}
